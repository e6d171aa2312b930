/*
 * accounting.c: threads (and the groups of those that end), activation
 * records, the table of suspended activations and the table of parked
 * greenlet stacks.
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

/* Frees one thread record and its stack, recycling the activations open
 * on it (a generator running while the profile is cleared). */
static void
free_thread(fp__acct_t *a, fp__thread_t *t)
{
	uint32_t d;

	for (d = 0; d < t->depth; d++) {
		fp__activation_t *x = t->stack[d].act;

		if (x != NULL) {
			x->next = a->free_acts;
			a->free_acts = x;
		}
	}
	free(t->stack);
	free(t->name);
	free(t);
}

/* Frees a list of thread records. */
static void
free_thread_list(fp__acct_t *a, fp__thread_t *t)
{
	fp__thread_t *tn;

	for (; t != NULL; t = tn) {
		tn = t->next;
		free_thread(a, t);
	}
}

/* Frees the parked greenlet stacks (recycling their open activations) and
 * the spare ones. */
static void
free_parked(fp__acct_t *a)
{
	fp__parked_t *k, *kn;
	uint32_t i, d;

	for (i = 0; i < a->npbuckets; i++) {
		for (k = a->parked[i]; k != NULL; k = kn) {
			kn = k->next;
			for (d = 0; d < k->depth; d++) {
				fp__activation_t *x = k->stack[d].act;

				if (x != NULL) {
					x->next = a->free_acts;
					a->free_acts = x;
				}
			}
			free(k->stack);
			free(k);
		}
	}
	free(a->parked);
	a->parked = NULL;
	a->nparked = a->npbuckets = 0;
	for (k = a->free_parked; k != NULL; k = kn) {
		kn = k->next;
		free(k->stack);
		free(k);
	}
	a->free_parked = NULL;
}

/* Changes whenever thread records are freed wholesale. */
static uint64_t records_serial = 1;

/* Returns the serial of thread records (see accounting.h). */
uint64_t
fp__acct_records_serial(void)
{
	return records_serial;
}

/* Frees the thread lists, the parked stacks and the activation records. */
static void
free_threads_and_acts(fp__acct_t *a)
{
	fp__activation_t *x, *xn;
	uint32_t i;

	records_serial++;
	free_thread_list(a, a->threads);
	free_thread_list(a, a->grouped);
	a->threads = a->grouped = NULL;
	a->nended = a->ngroups = 0;
	free_parked(a);
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

/* Registers a new thread and returns it, or NULL on ENOMEM: with a root
 * of its own while fewer than FP__KEPT_THREADS threads have ended, else
 * in the list of threads that join a group at their first call (by then
 * the tracer has learnt their name). */
fp__thread_t *
fp__acct_new_thread(fp__acct_t *a, unsigned long ident, long native_id)
{
	fp__thread_t *t = calloc(1, sizeof *t);

	if (t == NULL)
		goto nomem;
	t->acct = a;
	t->epoch = a->epoch;
	t->ident = ident;
	t->native_id = native_id;
	if (a->nended >= FP__KEPT_THREADS) {
		t->next = a->grouped;
		a->grouped = t;
		return t;
	}
	t->root = fp__tree_new_root(&a->tree);
	if (t->root == NULL) {
		free(t);
		goto nomem;
	}
	t->next = a->threads;
	a->threads = t;
	return t;
nomem:
	a->nomem = 1;
	return NULL;
}

/* Writes into out (of size n) the name pattern of a thread name: each run
 * of digits becomes one "*". */
static void
name_pattern(const char *name, char *out, size_t n)
{
	size_t o = 0;

	while (*name != '\0' && o + 1 < n) {
		if (*name >= '0' && *name <= '9') {
			while (*name >= '0' && *name <= '9')
				name++;
			out[o++] = '*';
		} else {
			out[o++] = *name++;
		}
	}
	out[o] = '\0';
}

/* Gives a thread that joins a group its group's root, making the group
 * record on first use; NULL on ENOMEM. */
fp__node_t *
fp__acct_group_root(fp__acct_t *a, fp__thread_t *t)
{
	char pat[256];
	fp__thread_t *g;

	name_pattern(t->name != NULL ? t->name : "", pat, sizeof pat);
	for (g = a->threads; g != NULL; g = g->next) {
		if (g->is_group && strcmp(g->name, pat) == 0)
			break;
	}
	if (g == NULL) {
		g = calloc(1, sizeof *g);
		if (g == NULL || (g->name = strdup(pat)) == NULL ||
		    (g->root = fp__tree_new_root(&a->tree)) == NULL) {
			if (g != NULL)
				free(g->name);
			free(g);
			a->nomem = 1;
			a->lost++;
			return NULL;
		}
		g->acct = a;
		g->epoch = a->epoch;
		g->is_group = 1;
		/* Thread idents are addresses, never this small: a group's
		 * ident tells it apart from every thread. */
		g->ident = ++a->ngroups;
		g->native_id = 0;
		g->next = a->threads;
		a->threads = g;
	}
	t->group = g;
	t->root = g->root;
	return t->root;
}

/* Takes note that thread t has ended with nothing open (see
 * accounting.h); returns non-zero when t was freed. */
int
fp__acct_thread_ended(fp__acct_t *a, fp__thread_t *t)
{
	fp__thread_t **pp;

	if (t->ended || t->is_group)
		return 0;
	t->ended = 1;
	if (a->nended < FP__KEPT_THREADS)
		a->nended++;
	if (t->root != NULL && t->group == NULL) {
		/* Its figures are in its own tree: it stays listed. */
		free(t->stack);
		t->stack = NULL;
		t->depth = t->capacity = 0;
		return 0;
	}
	for (pp = &a->grouped; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			free_thread(a, t);
			return 1;
		}
	}
	return 0;
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
	parent = t->depth ? t->stack[t->depth - 1].node : fp__acct_root(a, t);
	if (x == NULL || parent == NULL || (x->node = fp__tree_child(&a->tree, parent, func)) == NULL) {
		a->nomem = 1;
		a->lost++;
		goto fail;
	}
	x->key = key;
	x->started = now;
	if (fp__acct_push(a, t, func, x, now) == 0)
		return 0;
fail:
	/* Nothing holds x (not the stack, not the waiting table): back to the
	 * free list, as it has no figures yet. */
	if (x != NULL) {
		x->next = a->free_acts;
		a->free_acts = x;
	}
	return -1;
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
	fp_time_t p;
	uint32_t b;

	x->running += fp__acct_pop_segment(t, now, &p);
	x->suspended += p;
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
	fp_time_t p;

	x->running += fp__acct_pop_segment(t, now, &p);
	x->suspended += p;
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

/* Removes and returns the greenlet stack parked under key, or NULL. */
static fp__parked_t *
take_parked(fp__acct_t *a, const void *key)
{
	fp__parked_t **pp, *k;

	if (a->npbuckets == 0)
		return NULL;
	for (pp = &a->parked[key_bucket(key, a->npbuckets)]; (k = *pp) != NULL;
	    pp = &k->next) {
		if (k->key == key) {
			*pp = k->next;
			a->nparked--;
			return k;
		}
	}
	return NULL;
}

/* Doubles the table of parked stacks; returns 0 or -1 on ENOMEM. */
static int
grow_parked(fp__acct_t *a)
{
	uint32_t n = a->npbuckets ? a->npbuckets * 2 : 256, i;
	fp__parked_t **nb = calloc(n, sizeof *nb), *k, *kn;

	if (nb == NULL)
		return -1;
	for (i = 0; i < a->npbuckets; i++) {
		for (k = a->parked[i]; k != NULL; k = kn) {
			uint32_t b = key_bucket(k->key, n);

			kn = k->next;
			k->next = nb[b];
			nb[b] = k;
		}
	}
	free(a->parked);
	a->parked = nb;
	a->npbuckets = n;
	return 0;
}

/* Swaps the running stack of t with the one held by k. */
static void
swap_stacks(fp__thread_t *t, fp__parked_t *k)
{
	fp__segment_t *s = t->stack;
	uint32_t depth = t->depth, cap = t->capacity;
	fp_time_t paused = t->paused;

	t->stack = k->stack;
	t->depth = k->depth;
	t->capacity = k->capacity;
	t->paused = k->paused;
	k->stack = s;
	k->depth = depth;
	k->capacity = cap;
	k->paused = paused;
}

/* Ends every segment of t's running stack at now, as if each returned
 * (used when a stack cannot be kept). */
static void
end_stack(fp__acct_t *a, fp__thread_t *t, fp_time_t now)
{
	while (t->depth > 0) {
		if (t->stack[t->depth - 1].act != NULL)
			fp__acct_gen_finish(a, t, now);
		else
			fp__acct_return(t, now);
	}
}

/* Follows a switch of t's greenlets from from to to (see accounting.h). */
int
fp__acct_switch(fp__acct_t *a, fp__thread_t *t, const void *from,
    const void *to, fp_time_t now)
{
	fp__parked_t *in, *k, *stale;
	int rc = 0;

	if (from == to)
		return 0;
	in = take_parked(a, to);
	if (t->depth > 0) {
		/* A stack still parked under from belongs to a greenlet that
		 * went away without running again (one cannot be switched
		 * out twice): it ended when it was parked. */
		stale = take_parked(a, from);
		if (stale != NULL) {
			swap_stacks(t, stale);
			end_stack(a, t, stale->since);
			swap_stacks(t, stale);
			stale->next = a->free_parked;
			a->free_parked = stale;
		}
		k = a->free_parked;
		if (k != NULL)
			a->free_parked = k->next;
		else
			k = calloc(1, sizeof *k);
		if (k == NULL || (a->nparked >= a->npbuckets &&
		    grow_parked(a) != 0)) {
			if (k != NULL) {
				k->next = a->free_parked;
				a->free_parked = k;
			}
			a->nomem = 1;
			end_stack(a, t, now);
			rc = -1;
		} else {
			uint32_t b = key_bucket(from, a->npbuckets);

			/* k brings a spare buffer (or none) for the stack
			 * that comes in. */
			swap_stacks(t, k);
			t->depth = 0;
			k->key = from;
			k->since = now;
			k->next = a->parked[b];
			a->parked[b] = k;
			a->nparked++;
		}
	}
	if (in != NULL) {
		swap_stacks(t, in);
		if (now > in->since)
			t->paused += now - in->since;
		in->depth = 0;
		in->next = a->free_parked;
		a->free_parked = in;
	}
	return rc;
}

/* Returns non-zero when no segment runs, no greenlet is parked and no
 * activation waits. */
int
fp__acct_idle(const fp__acct_t *a)
{
	const fp__thread_t *t;

	if (a->nwaiting != 0 || a->nparked != 0)
		return 0;
	for (t = a->threads; t != NULL; t = t->next) {
		if (t->epoch == a->epoch && t->depth != 0)
			return 0;
	}
	for (t = a->grouped; t != NULL; t = t->next) {
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

/* Closes the depth segments of stack as of now, the stack's paused figure
 * being paused by then; with discard, their activation records are
 * recycled. */
static void
close_stack(fp__acct_t *a, fp__segment_t *stack, uint32_t depth,
    fp_time_t paused, fp_time_t now, int discard, fp__stats_sink_fn sink,
    void *ctx)
{
	int wall = a->clock.is_wall;
	fp_time_t above = 0;	/* running time of the segment above */
	uint32_t d;

	for (d = depth; d-- > 0;) {
		fp__segment_t *s = &stack[d];
		fp_time_t p = paused - s->paused0;
		fp_time_t run = now - s->enter - p;
		fp_time_t children = s->children + above;
		fp__stats_t *st = sink(ctx, s->node);

		if (run < 0)
			run = 0;
		if (!wall)
			p = 0;
		if (st != NULL)
			st->own += run > children ? run - children : 0;
		above = run;
		if (s->act == NULL) {
			sink_activation(sink, ctx, s->node, run + p, p);
		} else {
			fp__activation_t *x = s->act;
			fp_time_t susp = wall ? x->suspended + p : 0;

			sink_activation(sink, ctx, x->node,
			    x->running + run + susp, susp);
			if (discard) {
				x->next = a->free_acts;
				a->free_acts = x;
			}
		}
	}
}

/* Closes the running stacks of a list of threads (see close_all). */
static void
close_threads(fp__acct_t *a, fp__thread_t *t, fp_time_t now, int discard,
    fp__stats_sink_fn sink, void *ctx)
{
	for (; t != NULL; t = t->next) {
		if (t->epoch != a->epoch)
			continue;
		close_stack(a, t->stack, t->depth, t->paused, now, discard,
		    sink, ctx);
		if (discard)
			t->depth = 0;
	}
}

/* Closes every open activation as of now (see accounting.h). */
void
fp__acct_close_all(fp__acct_t *a, fp_time_t now, int discard,
    fp__stats_sink_fn sink, void *ctx)
{
	int wall = a->clock.is_wall;
	uint32_t i;

	close_threads(a, a->threads, now, discard, sink, ctx);
	close_threads(a, a->grouped, now, discard, sink, ctx);
	for (i = 0; i < a->npbuckets; i++) {
		fp__parked_t *k, *kn;

		for (k = a->parked[i]; k != NULL; k = kn) {
			fp_time_t away = now > k->since ? now - k->since : 0;

			kn = k->next;
			close_stack(a, k->stack, k->depth, k->paused + away, now,
			    discard, sink, ctx);
			if (discard) {
				k->depth = 0;
				k->next = a->free_parked;
				a->free_parked = k;
			}
		}
		if (discard)
			a->parked[i] = NULL;
	}
	if (discard)
		a->nparked = 0;
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
