/*
 * snapshot.h: a frozen copy of a profile's figures, by function, with the
 * metadata the writers need. Built while running (open activations are
 * closed as of now in the copy only) or after a stop.
 *
 * Ownership: a snapshot owns its rows and its metadata, and the profile
 * data its rows' strings point into; fp_snapshot_free releases them all.
 */
#ifndef FP_SNAPSHOT_H
#define FP_SNAPSHOT_H

#include "trace/accounting.h"
#include "core/filter.h"
#include "core/meta.h"
#include "fullprof.h"

typedef enum fp__sort_key {
	FP__SORT_TOTAL,
	FP__SORT_OWN,
	FP__SORT_CALLS,
	FP__SORT_MEAN,
	FP__SORT_MAX,
	FP__SORT_NAME,
} fp__sort_key_t;

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

/* Sums the tree of d into one row per function (plus no-data rows) as a
 * snapshot the table and JSON writers take; NULL on ENOMEM. The rows'
 * strings point into d, which must outlive the snapshot. */
fp_snapshot_t *fp__pdata_rows(const struct fp__pdata *d);

#endif /* FP_SNAPSHOT_H */
