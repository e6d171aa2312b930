/*
 * snapshot.c: summing call paths into one row per function, and sorting.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/pdata.h"
#include "core/snapshot.h"

/* Copies meta into *dst; returns 0 or -1. */
int
fp__meta_copy(fp__meta_t *dst, const fp__meta_t *src)
{
	int i;

	*dst = *src;
	dst->python = NULL;
	dst->argv = NULL;
	dst->argc = 0;
	if (src->python != NULL && (dst->python = strdup(src->python)) == NULL)
		return -1;
	if (src->argc > 0) {
		dst->argv = calloc((size_t)src->argc + 1, sizeof *dst->argv);
		if (dst->argv == NULL)
			return -1;
		for (; dst->argc < src->argc; dst->argc++) {
			i = dst->argc;
			if ((dst->argv[i] = strdup(src->argv[i])) == NULL)
				return -1;
		}
	}
	return 0;
}

/* Frees the strings of a meta record. */
void
fp__meta_free(fp__meta_t *m)
{
	int i;

	for (i = 0; i < m->argc; i++)
		free(m->argv[i]);
	free(m->argv);
	free(m->python);
	m->argv = NULL;
	m->python = NULL;
	m->argc = 0;
}

/* Builds a snapshot of a (see snapshot.h): the call tree is copied into
 * profile data, which the rows are summed from. */
fp_snapshot_t *
fp__snapshot_build(fp__acct_t *a, int live, fp_time_t now,
    const fp__meta_t *meta, const fp__filter_t *filter)
{
	fp__pdata_t *d = fp__pdata_from_acct(a, live, now, meta, filter);
	fp_snapshot_t *snap = d ? fp__pdata_rows(d) : NULL;

	if (snap == NULL) {
		fp__pdata_free(d);
		return NULL;
	}
	snap->data = d;
	return snap;
}

static fp__sort_key_t sort_key;

/* Returns the value rows are ordered by (larger first). */
static fp_time_t
sort_value(const fp_row_t *r)
{
	switch (sort_key) {
	case FP__SORT_OWN: return r->own;
	case FP__SORT_CALLS:
		/* A statistical profile has samples where a traced one has
		 * calls (each has zeros in the other). */
		return (fp_time_t)(r->calls + r->samples);
	case FP__SORT_MEAN: return r->mean;
	case FP__SORT_MAX: return r->max;
	case FP__SORT_TOTAL:
	case FP__SORT_NAME: break;
	}
	return r->total;
}

/* Orders two rows by the current key, then by name, file and line. */
static int
compare_rows(const void *pa, const void *pb)
{
	const fp_row_t *a = pa, *b = pb;
	int c;

	if (sort_key != FP__SORT_NAME) {
		fp_time_t va = sort_value(a), vb = sort_value(b);

		if (va != vb)
			return va > vb ? -1 : 1;
		if (a->own != b->own)
			return a->own > b->own ? -1 : 1;
	}
	if ((c = strcmp(a->name, b->name)) != 0)
		return c;
	if ((c = strcmp(a->file, b->file)) != 0)
		return c;
	return a->line - b->line;
}

/* Sorts the rows by key. */
void
fp__snapshot_sort(fp_snapshot_t *snap, fp__sort_key_t key)
{
	sort_key = key;
	qsort(snap->rows, snap->count, sizeof *snap->rows, compare_rows);
}

/* Parses a sort key name. */
int
fp__sort_key_parse(const char *name, fp__sort_key_t *key)
{
	static const struct { const char *name; fp__sort_key_t key; } keys[] = {
		{ "total", FP__SORT_TOTAL }, { "own", FP__SORT_OWN },
		{ "calls", FP__SORT_CALLS }, { "mean", FP__SORT_MEAN },
		{ "max", FP__SORT_MAX }, { "name", FP__SORT_NAME },
	};
	size_t i;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (strcmp(name, keys[i].name) == 0) {
			*key = keys[i].key;
			return 0;
		}
	}
	return -1;
}

/* Returns the number of rows in a snapshot. */
size_t
fp_snapshot_count(const fp_snapshot_t *snap)
{
	return snap ? snap->count : 0;
}

/* Returns row i, or NULL when i is out of range. */
const fp_row_t *
fp_snapshot_row(const fp_snapshot_t *snap, size_t i)
{
	return snap && i < snap->count ? &snap->rows[i] : NULL;
}

/* Returns the time covered by the snapshot. */
fp_time_t
fp_snapshot_duration(const fp_snapshot_t *snap)
{
	return snap ? snap->meta.duration : 0;
}

/* Releases a snapshot. */
void
fp_snapshot_free(fp_snapshot_t *snap)
{
	size_t i;

	if (snap == NULL)
		return;
	for (i = 0; i < snap->count; i++) {
		if (snap->rows[i].no_data)
			free((char *)snap->rows[i].name);
	}
	fp__meta_free(&snap->meta);
	free(snap->rows);
	fp__pdata_free(snap->data);
	free(snap);
}
