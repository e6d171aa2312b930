/*
 * accounting.h: turns call, return, suspend and resume events into the
 * figures of the call tree. It knows nothing of Python: the tracer feeds it
 * events, and the tests feed it synthetic ones with a fake clock.
 *
 * Model. Each thread has a stack of running segments. A plain call is one
 * segment. A generator or coroutine activation lives from its first start to
 * its final return, raise or close; each resume is a segment of it, and
 * between segments it waits in a table keyed by its frame. Own time is the
 * part of a segment not spent in child segments. Total is end minus start of
 * the activation on wall clocks (so it includes suspension, reported again
 * as "suspended"); on CPU clocks it is the sum of its segments.
 *
 * Everything here runs under the GIL, which is the lock of these tables.
 */
#ifndef FP_ACCOUNTING_H
#define FP_ACCOUNTING_H

#include <stdint.h>

#include "trace/calltree.h"
#include "core/clock.h"

/* A generator or coroutine activation, alive across suspensions. */
typedef struct fp__activation {
	fp__node_t *node;
	fp_time_t started;		/* its first start */
	const void *key;		/* the frame it runs in */
	fp_time_t running;		/* sum of its segments */
	fp_time_t suspended;		/* sum of its suspensions (wall clocks) */
	fp_time_t suspended_at;		/* when it last suspended */
	struct fp__activation *next;	/* hash chain or free list */
} fp__activation_t;

/* One running segment on a thread's stack. */
typedef struct fp__segment {
	fp__node_t *node;
	fp__activation_t *act;		/* NULL for a plain call */
	fp_time_t enter;
	fp_time_t children;		/* time in child segments so far */
	int selected;			/* under a filter: runs in a selected
					 * function (so what it calls counts) */
} fp__segment_t;

typedef struct fp__thread {
	struct fp__acct *acct;
	uint64_t epoch;			/* equals acct->epoch while valid */
	fp__segment_t *stack;
	uint32_t depth, capacity;
	fp__node_t *root;
	unsigned long ident;		/* thread id as Python reports it */
	char *name;			/* threading's name for it, or NULL */
	const char *stack_floor;	/* below this, the C stack is nearly
					 * used up (NULL: unknown) */
	long native_id;
	struct fp__thread *next;
} fp__thread_t;

typedef struct fp__acct {
	fp__clock_t clock;
	fp__tree_t tree;
	fp__thread_t *threads;
	uint64_t epoch;			/* bumped when stacks are discarded */
	fp__activation_t **waiting;	/* suspended activations by key */
	uint32_t nwaiting, nbuckets;
	fp__activation_t *free_acts;
	struct fp__timeline *timeline;	/* NULL unless a trace was asked for */
	double ns_per_unit;		/* clock rate frozen at the last stop
					 * (0 while running: measured) */
	int nomem;			/* sticky: an allocation failed */
	uint64_t lost;			/* events dropped because of nomem */
} fp__acct_t;

/* A sink receives the figures of activations closed by fp__acct_close_all:
 * it returns where the figures of a node should be added. */
typedef fp__stats_t *(*fp__stats_sink_fn)(void *ctx, const fp__node_t *node);

/* Initialises accounting with a clock; returns FP_OK or FP_ERR_INVAL. */
int fp__acct_init(fp__acct_t *a, const fp_options_t *opts);

/* Frees every table, thread and node. */
void fp__acct_free(fp__acct_t *a);

/* Drops every figure and node but keeps the clock (threads re-register). */
void fp__acct_clear(fp__acct_t *a);

/* Registers a new thread and returns it, or NULL on ENOMEM. */
fp__thread_t *fp__acct_new_thread(fp__acct_t *a, unsigned long ident,
    long native_id);

/* Grows a thread's stack; returns 0 or -1 on ENOMEM. */
int fp__acct_grow_stack(fp__acct_t *a, fp__thread_t *t);

/* Pushes a segment for func under the running one; returns 0, or -1 (and
 * sets nomem) when memory runs out, in which case nothing was pushed. */
static inline int
fp__acct_push(fp__acct_t *a, fp__thread_t *t, fp__func_t *func,
    fp__activation_t *act, fp_time_t now)
{
	fp__node_t *parent, *node;
	fp__segment_t *s;

	if (t->depth == t->capacity && fp__acct_grow_stack(a, t) != 0)
		return -1;
	parent = t->depth ? t->stack[t->depth - 1].node : t->root;
	node = act != NULL ? act->node : fp__tree_child(&a->tree, parent, func);
	if (node == NULL) {
		a->nomem = 1;
		a->lost++;
		return -1;
	}
	s = &t->stack[t->depth++];
	s->node = node;
	s->act = act;
	s->enter = now;
	s->children = 0;
	s->selected = 0;
	return 0;
}

/* Pops the running segment, charging its own time and its duration to its
 * parent, and returns the segment's duration. */
static inline fp_time_t
fp__acct_pop_segment(fp__thread_t *t, fp_time_t now)
{
	fp__segment_t *s = &t->stack[--t->depth];
	fp_time_t dur = now - s->enter;

	if (dur < 0)
		dur = 0;
	s->node->stats.own += dur > s->children ? dur - s->children : 0;
	if (t->depth > 0)
		t->stack[t->depth - 1].children += dur;
	return dur;
}

/* Drops the running segment of a call that never ran (refused before its
 * first instruction): nothing is recorded. */
static inline void
fp__acct_discard(fp__thread_t *t)
{
	t->depth--;
}

/* Ends a plain call: pops it and records one activation. */
static inline void
fp__acct_return(fp__thread_t *t, fp_time_t now)
{
	fp__node_t *node = t->stack[t->depth - 1].node;
	fp_time_t dur = fp__acct_pop_segment(t, now);

	fp__stats_add_activation(&node->stats, node->recursive, dur, 0);
}

/* Starts a generator/coroutine activation running in frame key and pushes
 * its first segment; returns 0 or -1 on ENOMEM. */
int fp__acct_gen_start(fp__acct_t *a, fp__thread_t *t, fp__func_t *func,
    const void *key, fp_time_t now);

/* Resumes the activation waiting under key, or starts one if none waits
 * (it began before profiling did); returns 0 or -1 on ENOMEM. */
int fp__acct_gen_resume(fp__acct_t *a, fp__thread_t *t, fp__func_t *func,
    const void *key, fp_time_t now);

/* Returns non-zero when an activation waits under key. */
int fp__acct_is_waiting(const fp__acct_t *a, const void *key);

/* Pops a segment of an activation that suspended (yield/await). */
void fp__acct_gen_suspend(fp__acct_t *a, fp__thread_t *t, fp_time_t now);

/* Pops the last segment of an activation that ended and records it. */
void fp__acct_gen_finish(fp__acct_t *a, fp__thread_t *t, fp_time_t now);

/* Drops an activation whose first segment never ran (refused before its
 * first instruction): nothing is recorded. */
void fp__acct_gen_discard(fp__acct_t *a, fp__thread_t *t);

/* Returns non-zero when nothing is open: no thread has a running segment
 * and no activation waits to be resumed. */
int fp__acct_idle(const fp__acct_t *a);

/* Closes every open activation as of now: running segments end at now,
 * waiting activations end at their last suspension. With discard, the
 * stacks and the waiting table are emptied (a stop); without, nothing
 * changes and the figures only go to the sink (a live snapshot). */
void fp__acct_close_all(fp__acct_t *a, fp_time_t now, int discard,
    fp__stats_sink_fn sink, void *ctx);

#endif /* FP_ACCOUNTING_H */
