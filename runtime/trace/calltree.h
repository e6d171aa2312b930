/*
 * calltree.h: the calling-context tree of one profile.
 *
 * Each node is one call path (thread root -> ... -> function) and carries
 * the figures of the activations made along that path. A coroutine's
 * activation sits under the frame that first started it, however often the
 * event loop resumes it later. Memory grows with distinct call paths, never
 * with the number of calls.
 *
 * Ownership: a tree owns its nodes (allocated in slabs); fp__tree_free
 * releases them all, and function records are only pointed to.
 */
#ifndef FP_CALLTREE_H
#define FP_CALLTREE_H

#include <stdint.h>

#include "fullprof.h"
#include "core/functions.h"

/* The figures of one call path (or, summed, of one function). */
typedef struct fp__stats {
	uint64_t calls;		/* activations that ended */
	fp_time_t own;		/* running, not in profiled children */
	fp_time_t total;	/* inclusive; 0 on recursive paths */
	fp_time_t suspended;	/* of total, suspended at await/yield */
	fp_time_t sum;		/* inclusive durations of every activation */
	fp_time_t min, max;	/* per activation, inclusive */
	/* Sample mode only (calls, sum, min and max stay empty there; own
	 * and total are estimates in ns): */
	uint64_t samples;	/* samples with this path on the stack; none
				 * on recursive paths, like total */
	uint64_t own_samples;	/* samples with this path at the top */
} fp__stats_t;

typedef struct fp__node {
	struct fp__node *parent;	/* NULL for a thread root */
	fp__func_t *func;		/* NULL for a thread root */
	struct fp__node *cached_child;	/* last child looked up from here */
	struct fp__node *first_child, *next_sibling;
	struct fp__node *hash_next;
	uint32_t id;			/* dense, from 0 */
	uint32_t depth;			/* 0 for a thread root */
	uint8_t recursive;		/* func also appears among the ancestors */
	fp__stats_t stats;
} fp__node_t;

typedef struct fp__tree {
	fp__node_t **nodes;		/* by id */
	uint32_t count, capacity;
	fp__node_t **buckets;		/* (parent, func) -> node */
	uint32_t nbuckets;
	char *slab;			/* current allocation block */
	size_t slab_used, slab_size;
	void *blocks;			/* list of slabs, for freeing */
} fp__tree_t;

/* Initialises an empty tree. */
void fp__tree_init(fp__tree_t *tree);

/* Frees every node of the tree and leaves it empty. */
void fp__tree_free(fp__tree_t *tree);

/* Creates a new thread root; NULL when memory runs out. */
fp__node_t *fp__tree_new_root(fp__tree_t *tree);

/* Returns the child of parent for func, creating it on first use; NULL
 * when memory runs out. */
fp__node_t *fp__tree_child_slow(fp__tree_t *tree, fp__node_t *parent,
    fp__func_t *func);

/* Returns the child of parent for func, trying the last one looked up
 * from parent before the hash table. */
static inline fp__node_t *
fp__tree_child(fp__tree_t *tree, fp__node_t *parent, fp__func_t *func)
{
	fp__node_t *c = parent->cached_child;

	if (c != NULL && c->func == func)
		return c;
	return fp__tree_child_slow(tree, parent, func);
}

/* Resets figures to an empty record (min at its largest). */
void fp__stats_init(fp__stats_t *s);

/* Adds one finished activation of inclusive duration dur, of which susp
 * was suspension, to s; recursive activations do not add to total. */
static inline void
fp__stats_add_activation(fp__stats_t *s, int recursive, fp_time_t dur,
    fp_time_t susp)
{
	s->calls++;
	s->sum += dur;
	if (dur < s->min)
		s->min = dur;
	if (dur > s->max)
		s->max = dur;
	if (!recursive) {
		s->total += dur;
		s->suspended += susp;
	}
}

/* Adds the figures of b to a (used when summing paths into functions). */
void fp__stats_merge(fp__stats_t *a, const fp__stats_t *b);

#endif /* FP_CALLTREE_H */
