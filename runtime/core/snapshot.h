/*
 * snapshot.h: a frozen copy of a profile's figures, by function, with the
 * metadata the writers need. Built while running (open activations are
 * closed as of now in the copy only) or after a stop.
 */
#ifndef FP_SNAPSHOT_H
#define FP_SNAPSHOT_H

#include "trace/accounting.h"
#include "core/filter.h"
#include "fullprof.h"

typedef enum fp__sort_key {
	FP__SORT_TOTAL,
	FP__SORT_OWN,
	FP__SORT_CALLS,
	FP__SORT_MEAN,
	FP__SORT_MAX,
	FP__SORT_NAME,
} fp__sort_key_t;

/* Metadata describing the run a snapshot comes from. */
typedef struct fp__meta {
	const char *mode;	/* "trace" or "sample" */
	const char *timer;	/* "wall", "cpu", ... */
	char *python;		/* e.g. "3.11.2" */
	long pid;
	int argc;
	char **argv;
	fp_time_t duration;
	fp_time_t started_unix_ns; /* wall-clock start, for metadata */
	uint64_t lost;		/* events dropped for lack of memory */
	/* Sample mode only (zero in trace mode): */
	fp_time_t interval;	/* the requested sampling interval, ns */
	uint64_t samples_requested;	/* duration / interval, per thread 1 */
	uint64_t samples_taken;		/* ticks that read the stacks */
	uint64_t samples_dropped;	/* ticks missed or unreadable */
} fp__meta_t;

struct fp__pdata;

struct fp_snapshot {
	fp_row_t *rows;
	size_t count;
	fp__meta_t meta;
	struct fp__pdata *data;	/* owned: the rows' strings point into it */
};

/* Builds a snapshot of a; with live, activations still open are closed
 * as of now in the copy. meta is deep-copied. Each spec of filter (may be
 * NULL) that names no function with figures adds a row with no_data set.
 * NULL on ENOMEM. */
fp_snapshot_t *fp__snapshot_build(fp__acct_t *a, int live, fp_time_t now,
    const fp__meta_t *meta, const fp__filter_t *filter);

/* Sorts the rows by key, largest first (names A to Z). */
void fp__snapshot_sort(fp_snapshot_t *snap, fp__sort_key_t key);

/* Parses a sort key name; returns 0 and sets *key, or -1. */
int fp__sort_key_parse(const char *name, fp__sort_key_t *key);

/* Copies meta into *dst (strings duplicated); returns 0 or -1. */
int fp__meta_copy(fp__meta_t *dst, const fp__meta_t *src);

/* Frees the strings of a meta record. */
void fp__meta_free(fp__meta_t *m);

#endif /* FP_SNAPSHOT_H */
