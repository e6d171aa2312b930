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
 * Greenlets. Each greenlet of a thread has a stack of its own, as each
 * thread has; the thread's record holds the running greenlet's, and a
 * greenlet switched out with segments open waits, its stack parked in a
 * table keyed by the greenlet (fp__acct_switch). A switched-out greenlet's
 * open activations are suspended, as a coroutine's are at an await: the
 * time away adds to no own time; on wall clocks it is part of their total
 * and reported again as suspended, on CPU clocks it is left out. Each
 * stack counts the time it spent switched out ("paused"); a segment notes
 * that count when it starts, so a switch costs the same however deep the
 * stacks are.
 *
 * Threads that end. Until FP__KEPT_THREADS threads have ended, each thread
 * has a call tree (a root) of its own, kept after it ends. Threads that
 * start after that share one call tree per name pattern (their name with
 * each run of digits made "*": "Thread-* (work)"), a group record listed
 * among the threads, and their own record is freed when they end, so a
 * program that starts threads without end holds memory for the threads
 * alive, the groups and the call paths only (fp__acct_thread_ended).
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
	fp_time_t children;		/* running time of child segments */
	fp_time_t paused0;		/* the stack's paused figure at enter */
	int selected;			/* under a filter: runs in a selected
					 * function (so what it calls counts) */
} fp__segment_t;

/* The stack of a greenlet switched out with segments open. */
typedef struct fp__parked {
	const void *key;		/* the greenlet */
	fp__segment_t *stack;		/* (on the free list: a spare buffer) */
	uint32_t depth, capacity;
	fp_time_t paused;		/* the stack's paused figure */
	fp_time_t since;		/* when it was switched out */
	struct fp__parked *next;	/* hash chain or free list */
} fp__parked_t;

/* Threads that end keep a call tree of their own until this many have
 * ended; threads started later share one per name pattern. */
#define FP__KEPT_THREADS 256

typedef struct fp__thread {
	struct fp__acct *acct;
	uint64_t epoch;			/* equals acct->epoch while valid */
	fp__segment_t *stack;		/* of the running greenlet */
	uint32_t depth, capacity;
	fp_time_t paused;		/* time the stack spent switched out */
	fp__node_t *root;		/* NULL until the first call of a
					 * thread that joins a group */
	unsigned long ident;		/* thread id as Python reports it */
	char *name;			/* threading's name for it, or NULL */
	const char *stack_floor;	/* below this, the C stack is nearly
					 * used up (NULL: unknown) */
	long native_id;
	struct fp__thread *group;	/* the group record it records into */
	uint8_t is_group;		/* a group record (no stack of its own) */
	uint8_t ended;			/* it ended (its figures stay) */
	struct fp__thread *next;
} fp__thread_t;

typedef struct fp__acct {
	fp__clock_t clock;
	fp__tree_t tree;
	fp__thread_t *threads;		/* with a root of their own, and the
					 * group records */
	fp__thread_t *grouped;		/* threads recording into a group */
	uint32_t nended;		/* threads ended (up to the keep limit) */
	uint32_t ngroups;
	uint64_t epoch;			/* bumped when stacks are discarded */
	fp__activation_t **waiting;	/* suspended activations by key */
	uint32_t nwaiting, nbuckets;
	fp__activation_t *free_acts;
	fp__parked_t **parked;		/* switched-out greenlets by key */
	uint32_t nparked, npbuckets;
	fp__parked_t *free_parked;
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

/* Returns a number that changes whenever thread records of any
 * accounting are freed wholesale (clear, free): a pointer to a record
 * taken under another number may dangle. */
uint64_t fp__acct_records_serial(void);

/* Registers a new thread and returns it, or NULL on ENOMEM. */
fp__thread_t *fp__acct_new_thread(fp__acct_t *a, unsigned long ident,
    long native_id);

/* Grows a thread's stack; returns 0 or -1 on ENOMEM. */
int fp__acct_grow_stack(fp__acct_t *a, fp__thread_t *t);

/* Gives a thread that joins a group its group's root (slow path of
 * fp__acct_root); NULL on ENOMEM. */
fp__node_t *fp__acct_group_root(fp__acct_t *a, fp__thread_t *t);

/* Returns the root of t's call tree, the group's when it joins one. */
static inline fp__node_t *
fp__acct_root(fp__acct_t *a, fp__thread_t *t)
{
	return t->root != NULL ? t->root : fp__acct_group_root(a, t);
}

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
	if (t->depth)
		parent = t->stack[t->depth - 1].node;
	else if ((parent = fp__acct_root(a, t)) == NULL)
		return -1;
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
	s->paused0 = t->paused;
	s->selected = 0;
	return 0;
}

/* Pops the running segment, charging its own time and its running time
 * to its parent; returns the running time and sets *paused to the time
 * its greenlet was switched out meanwhile (its duration is the sum). */
static inline fp_time_t
fp__acct_pop_segment(fp__thread_t *t, fp_time_t now, fp_time_t *paused)
{
	fp__segment_t *s = &t->stack[--t->depth];
	fp_time_t p = t->paused - s->paused0;
	fp_time_t run = now - s->enter - p;

	if (run < 0)
		run = 0;
	s->node->stats.own += run > s->children ? run - s->children : 0;
	if (t->depth > 0)
		t->stack[t->depth - 1].children += run;
	*paused = p;
	return run;
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
	fp_time_t p, run = fp__acct_pop_segment(t, now, &p);

	if (p != 0 && t->acct->clock.is_wall)
		fp__stats_add_activation(&node->stats, node->recursive, run + p,
		    p);
	else
		fp__stats_add_activation(&node->stats, node->recursive, run, 0);
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

/* Follows a switch of t's greenlets: the running stack (from's) is parked
 * when it has segments open, and to's resumes, or an empty one starts.
 * Returns 0, or -1 when from's stack could not be kept (its activations
 * are then counted as ended now). */
int fp__acct_switch(fp__acct_t *a, fp__thread_t *t, const void *from,
    const void *to, fp_time_t now);

/* Takes note that thread t has ended with nothing open: a thread in a
 * group is unlinked and freed (it must not be used again), one with a
 * tree of its own stays listed with its figures. Returns non-zero when t
 * was freed. */
int fp__acct_thread_ended(fp__acct_t *a, fp__thread_t *t);

/* Returns non-zero when nothing is open: no thread has a running segment,
 * no greenlet is parked and no activation waits to be resumed. */
int fp__acct_idle(const fp__acct_t *a);

/* Closes every open activation as of now: running segments end at now,
 * waiting activations end at their last suspension. With discard, the
 * stacks and the waiting table are emptied (a stop); without, nothing
 * changes and the figures only go to the sink (a live snapshot). */
void fp__acct_close_all(fp__acct_t *a, fp_time_t now, int discard,
    fp__stats_sink_fn sink, void *ctx);

#endif /* FP_ACCOUNTING_H */
