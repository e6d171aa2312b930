/*
 * accounting.c: threads, activation records and the table of suspended
 * activations.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "trace/accounting.h"

/* Initialises accounting with a clock. */
int
fp__acct_init(fp__acct_t *a, const fp_options_t *opts)
{
	memset(a, 0, sizeof *a);
	fp__tree_init(&a->tree);
	a->epoch = 1;
	return fp__clock_init(&a->clock, opts);
}

/* Frees the thread list and the activation records. */
static void
free_threads_and_acts(fp__acct_t *a)
{
	fp__thread_t *t, *tn;
	fp__activation_t *x, *xn;
	uint32_t i;

	for (t = a->threads; t != NULL; t = tn) {
		tn = t->next;
		free(t->stack);
		free(t->name);
		free(t);
	}
	a->threads = NULL;
	for (i = 0; i < a->nbuckets; i++) {
		for (x = a->waiting[i]; x != NULL; x = xn) {
			xn = x->next;
			free(x);
		}
	}
	free(a->waiting);
	a->waiting = NULL;
	a->nwaiting = a->nbuckets = 0;
	for (x = a->free_acts; x != NULL; x = xn) {
		xn = x->next;
		free(x);
	}
	a->free_acts = NULL;
}

/* Frees every table, thread and node. */
void
fp__acct_free(fp__acct_t *a)
{
	free_threads_and_acts(a);
	fp__tree_free(&a->tree);
}

/* Drops every figure and node but keeps the clock. */
void
fp__acct_clear(fp__acct_t *a)
{
	free_threads_and_acts(a);
	fp__tree_free(&a->tree);
	a->epoch++;
	a->nomem = 0;
	a->lost = 0;
}

/* Registers a new thread and returns it, or NULL on ENOMEM. */
fp__thread_t *
fp__acct_new_thread(fp__acct_t *a, unsigned long ident, long native_id)
{
	fp__thread_t *t = calloc(1, sizeof *t);

	if (t == NULL)
		goto nomem;
	t->root = fp__tree_new_root(&a->tree);
	if (t->root == NULL) {
		free(t);
		goto nomem;
	}
	t->acct = a;
	t->epoch = a->epoch;
	t->ident = ident;
	t->native_id = native_id;
	t->next = a->threads;
	a->threads = t;
	return t;
nomem:
	a->nomem = 1;
	return NULL;
}

/* Grows a thread's stack; returns 0 or -1 on ENOMEM. */
int
fp__acct_grow_stack(fp__acct_t *a, fp__thread_t *t)
{
	uint32_t ncap = t->capacity ? t->capacity * 2 : 16;
	fp__segment_t *ns = realloc(t->stack, ncap * sizeof *ns);

	if (ns == NULL) {
		a->nomem = 1;
		a->lost++;
		return -1;
	}
	t->stack = ns;
	t->capacity = ncap;
	return 0;
}

/* Returns the bucket of a frame key. */
static uint32_t
key_bucket(const void *key, uint32_t n)
{
	return fp__hash_ptr(key) & (n - 1);
}

/* Removes and returns the activation waiting under key, or NULL. */
static fp__activation_t *
take_waiting(fp__acct_t *a, const void *key)
{
	fp__activation_t **pp, *x;

	if (a->nbuckets == 0)
		return NULL;
	for (pp = &a->waiting[key_bucket(key, a->nbuckets)]; (x = *pp) != NULL;
	    pp = &x->next) {
		if (x->key == key) {
			*pp = x->next;
			a->nwaiting--;
			return x;
		}
	}
	return NULL;
}

/* Returns non-zero when an activation waits under key. */
int
fp__acct_is_waiting(const fp__acct_t *a, const void *key)
{
	const fp__activation_t *x;

	if (a->nbuckets == 0)
		return 0;
	for (x = a->waiting[key_bucket(key, a->nbuckets)]; x != NULL; x = x->next) {
		if (x->key == key)
			return 1;
	}
	return 0;
}

/* Doubles the waiting table; returns 0 or -1 on ENOMEM. */
static int
grow_waiting(fp__acct_t *a)
{
	uint32_t n = a->nbuckets ? a->nbuckets * 2 : 1024, i;
	fp__activation_t **nb = calloc(n, sizeof *nb), *x, *xn;

	if (nb == NULL)
		return -1;
	for (i = 0; i < a->nbuckets; i++) {
		for (x = a->waiting[i]; x != NULL; x = xn) {
			uint32_t b = key_bucket(x->key, n);

			xn = x->next;
			x->next = nb[b];
			nb[b] = x;
		}
	}
	free(a->waiting);
	a->waiting = nb;
	a->nbuckets = n;
	return 0;
}

/* Records an activation that has ended into its node, and recycles it. */
static void
finish_activation(fp__acct_t *a, fp__activation_t *x)
{
	fp__node_t *node = x->node;
	fp_time_t susp = a->clock.is_wall ? x->suspended : 0;

	fp__stats_add_activation(&node->stats, node->recursive,
	    x->running + susp, susp);
	x->next = a->free_acts;
	a->free_acts = x;
}

/* Returns a fresh activation record, or NULL on ENOMEM. */
static fp__activation_t *
new_activation(fp__acct_t *a)
{
	fp__activation_t *x = a->free_acts;

	if (x != NULL)
		a->free_acts = x->next;
	else if ((x = malloc(sizeof *x)) == NULL)
		return NULL;
	memset(x, 0, sizeof *x);
	return x;
}

/* Starts a generator/coroutine activation and pushes its first segment. */
int
fp__acct_gen_start(fp__acct_t *a, fp__thread_t *t, fp__func_t *func,
    const void *key, fp_time_t now)
{
	fp__activation_t *x, *stale;
	fp__node_t *parent;

	/* An activation still waiting under this frame was abandoned without
	 * running again (3.13 closes such generators without executing
	 * them) and its memory is now a new generator: it ended when it last
	 * ran. */
	stale = take_waiting(a, key);
	if (stale != NULL)
		finish_activation(a, stale);
	if (t->depth == t->capacity && fp__acct_grow_stack(a, t) != 0)
		return -1;
	x = new_activation(a);
	parent = t->depth ? t->stack[t->depth - 1].node : t->root;
	if (x == NULL || (x->node = fp__tree_child(&a->tree, parent, func)) == NULL) {
		if (x != NULL) {
			x->next = a->free_acts;
			a->free_acts = x;
		}
		a->nomem = 1;
		a->lost++;
		return -1;
	}
	x->key = key;
	x->started = now;
	return fp__acct_push(a, t, func, x, now);
}

/* Resumes the activation waiting under key, or starts one. */
int
fp__acct_gen_resume(fp__acct_t *a, fp__thread_t *t, fp__func_t *func,
    const void *key, fp_time_t now)
{
	fp__activation_t *x = take_waiting(a, key);

	if (x == NULL || x->node->func != func) {
		if (x != NULL)
			finish_activation(a, x);
		return fp__acct_gen_start(a, t, func, key, now);
	}
	if (fp__acct_push(a, t, func, x, now) != 0) {
		finish_activation(a, x);
		return -1;
	}
	if (now > x->suspended_at)
		x->suspended += now - x->suspended_at;
	return 0;
}

/* Pops a segment of an activation that suspended and files it as waiting. */
void
fp__acct_gen_suspend(fp__acct_t *a, fp__thread_t *t, fp_time_t now)
{
	fp__activation_t *x = t->stack[t->depth - 1].act;
	uint32_t b;

	x->running += fp__acct_pop_segment(t, now);
	x->suspended_at = now;
	if (a->nwaiting >= a->nbuckets && grow_waiting(a) != 0) {
		/* Cannot keep it: count it as ended here rather than lose it. */
		a->nomem = 1;
		finish_activation(a, x);
		return;
	}
	b = key_bucket(x->key, a->nbuckets);
	x->next = a->waiting[b];
	a->waiting[b] = x;
	a->nwaiting++;
}

/* Pops the last segment of an activation that ended and records it. */
void
fp__acct_gen_finish(fp__acct_t *a, fp__thread_t *t, fp_time_t now)
{
	fp__activation_t *x = t->stack[t->depth - 1].act;

	x->running += fp__acct_pop_segment(t, now);
	finish_activation(a, x);
}

/* Drops an activation whose first segment never ran. */
void
fp__acct_gen_discard(fp__acct_t *a, fp__thread_t *t)
{
	fp__activation_t *x = t->stack[--t->depth].act;

	x->next = a->free_acts;
	a->free_acts = x;
}

/* Returns non-zero when no segment runs and no activation waits. */
int
fp__acct_idle(const fp__acct_t *a)
{
	const fp__thread_t *t;

	if (a->nwaiting != 0)
		return 0;
	for (t = a->threads; t != NULL; t = t->next) {
		if (t->epoch == a->epoch && t->depth != 0)
			return 0;
	}
	return 1;
}

/* Adds one closed activation's figures to the sink. */
static void
sink_activation(fp__stats_sink_fn sink, void *ctx, const fp__node_t *node,
    fp_time_t dur, fp_time_t susp)
{
	fp__stats_t *s = sink(ctx, node);

	if (s != NULL)
		fp__stats_add_activation(s, node->recursive, dur, susp);
}

/* Closes every open activation as of now (see accounting.h). */
void
fp__acct_close_all(fp__acct_t *a, fp_time_t now, int discard,
    fp__stats_sink_fn sink, void *ctx)
{
	int wall = a->clock.is_wall;
	fp__thread_t *t;
	uint32_t i;

	for (t = a->threads; t != NULL; t = t->next) {
		fp_time_t above = 0;	/* duration of the segment above */
		uint32_t d;

		if (t->epoch != a->epoch)
			continue;
		for (d = t->depth; d-- > 0;) {
			fp__segment_t *s = &t->stack[d];
			fp_time_t dur = now > s->enter ? now - s->enter : 0;
			fp_time_t children = s->children + above;
			fp__stats_t *st = sink(ctx, s->node);

			if (st != NULL)
				st->own += dur > children ? dur - children : 0;
			above = dur;
			if (s->act == NULL) {
				sink_activation(sink, ctx, s->node, dur, 0);
			} else {
				fp__activation_t *x = s->act;
				fp_time_t susp = wall ? x->suspended : 0;

				sink_activation(sink, ctx, x->node,
				    x->running + dur + susp, susp);
				if (discard) {
					x->next = a->free_acts;
					a->free_acts = x;
				}
			}
		}
		if (discard)
			t->depth = 0;
	}
	for (i = 0; i < a->nbuckets; i++) {
		fp__activation_t *x, *xn;

		for (x = a->waiting[i]; x != NULL; x = xn) {
			fp_time_t susp = wall ? x->suspended : 0;

			xn = x->next;
			sink_activation(sink, ctx, x->node, x->running + susp,
			    susp);
			if (discard) {
				x->next = a->free_acts;
				a->free_acts = x;
			}
		}
		if (discard)
			a->waiting[i] = NULL;
	}
	if (discard) {
		a->nwaiting = 0;
		a->epoch++;
	}
}
