/*
 * pdata.h: profile data, the one structure every output format is derived
 * from: the calling-context tree (one node per call path, per thread) with
 * its figures in nanoseconds, the functions it names, the threads, and the
 * metadata of the run.
 *
 * A live profile gives one (fp__pdata_from_acct), a .fprof file gives one
 * (fp__fprof_read), and several merge into one (fp__pdata_merge): the same
 * function across processes adds up, path by path. Ownership: a pdata owns
 * every string and array in it; fp__pdata_free releases them all.
 */
#ifndef FP_PDATA_H
#define FP_PDATA_H

#include <stddef.h>
#include <stdint.h>

#include "trace/accounting.h"
#include "trace/calltree.h"
#include "core/filter.h"
#include "core/meta.h"

#define FP__NONE UINT32_MAX	/* "no parent", "no function" */

typedef struct fp__pfunc {
	char *file;		/* "~" for C functions */
	int line;		/* 0 for C functions */
	char *name;		/* qualified name */
	char *module;		/* __name__ of its module, or NULL */
} fp__pfunc_t;

typedef struct fp__pnode {
	uint32_t parent;	/* FP__NONE for a thread root */
	uint32_t func;		/* FP__NONE for a thread root */
	uint32_t thread;	/* index into threads */
	uint8_t recursive;	/* func appears among its ancestors */
	fp__stats_t stats;	/* nanoseconds; min is INT64_MAX when calls=0 */
} fp__pnode_t;

typedef struct fp__pthread {
	uint64_t ident;		/* threading.get_ident() */
	int64_t native_id;	/* the OS thread id */
	char *name;		/* "MainThread", "Thread-1 (work)", ... */
	uint32_t root;		/* its root node */
	uint64_t pid;		/* the process it ran in */
} fp__pthread_t;

typedef struct fp__pevent {
	uint32_t node;		/* index into nodes */
	uint32_t kind;		/* FP__EVENT_RUN or FP__EVENT_ACTIVATION */
	fp_time_t start, end;	/* ns from the earliest event */
} fp__pevent_t;

typedef struct fp__pdata {
	fp__meta_t meta;
	fp__pfunc_t *funcs;
	size_t nfuncs;
	fp__pnode_t *nodes;	/* parents always come before children */
	size_t nnodes;
	fp__pthread_t *threads;
	size_t nthreads;
	char **no_data;		/* requested specs that matched nothing */
	size_t nno_data;
	int has_timeline;	/* events were recorded (a trace was asked for) */
	fp__pevent_t *events;	/* in the order they ended */
	size_t nevents;
	uint64_t events_dropped;
} fp__pdata_t;

/* Builds profile data from live accounting; with live, activations still
 * open are closed as of now in the copy. meta is deep-copied; specs of
 * filter that name no function with figures are kept as no_data. NULL on
 * ENOMEM. Needs the GIL while the accounting may change. */
fp__pdata_t *fp__pdata_from_acct(fp__acct_t *a, int live, fp_time_t now,
    const fp__meta_t *meta, const fp__filter_t *filter);

/* Returns an empty pdata (no nodes) with meta deep-copied, or NULL. */
fp__pdata_t *fp__pdata_new(const fp__meta_t *meta);

/* Adds a function (deduplicated by file, line and name) and returns its
 * index, or FP__NONE on ENOMEM. */
uint32_t fp__pdata_add_func(fp__pdata_t *d, const char *file, int line,
    const char *name, const char *module);

/* Adds a thread with its root node and returns its index, or FP__NONE. */
uint32_t fp__pdata_add_thread(fp__pdata_t *d, uint64_t ident,
    int64_t native_id, const char *name, uint64_t pid);

/* Adds a node under parent (FP__NONE: not allowed, roots come from
 * fp__pdata_add_thread) and returns its index, or FP__NONE. */
uint32_t fp__pdata_add_node(fp__pdata_t *d, uint32_t parent, uint32_t func,
    const fp__stats_t *stats);

/* Fills total[t] and samples[t], for the first n threads (n at most
 * nthreads), with the sums over each thread's top-level calls: its whole
 * profiled time and, sampled, its samples. */
void fp__pdata_thread_sums(const fp__pdata_t *d, fp_time_t *total,
    uint64_t *samples, size_t n);

/* Adds spec to the no-data names of d unless it is there already;
 * returns 0 or -1 on ENOMEM. */
int fp__pdata_add_no_data(fp__pdata_t *d, const char *spec);

/* Adds everything in src to dst: functions by identity, threads as threads
 * of their own (by pid and ident), nodes path by path; durations add up.
 * Returns FP_OK or FP_ERR_NOMEM (dst may then be partly merged). */
int fp__pdata_merge(fp__pdata_t *dst, const fp__pdata_t *src);

/* Returns the variance (ns squared) of a sampled estimate est (ns) made of
 * the n samples, out of a thread's `of`, that showed a function: each of
 * the thread's samples shows it or not (a binomial count with p = n/of),
 * and weighs the mean weight est/n. A function in every sample has no
 * error; of 0 (unknown) gives the Poisson variance est^2/n. */
double fp__sample_variance(fp_time_t est, uint64_t n, uint64_t of);

/* Returns the standard error (ns) of such an estimate: the square root of
 * fp__sample_variance. */
fp_time_t fp__sample_error(fp_time_t est, uint64_t n, uint64_t of);

/* Releases profile data. NULL is accepted. */
void fp__pdata_free(fp__pdata_t *d);

#endif /* FP_PDATA_H */
