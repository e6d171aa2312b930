/*
 * snapshot.c: summing call paths into one row per function, and sorting.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "snapshot.h"

/* The sink that sends closed activations into the copied node figures. */
static fp__stats_t *
copy_sink(void *ctx, const fp__node_t *node)
{
	return &((fp__stats_t *)ctx)[node->id];
}

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

/* Converts a figure in clock units to nanoseconds (k ns per unit). */
static fp_time_t
to_ns(fp_time_t v, double k)
{
	return k == 1.0 ? v : (fp_time_t)((double)v * k + 0.5);
}

/* Appends a no-data row for each spec of filter that names no function
 * with figures in funcs. */
static void
add_no_data_rows(fp_snapshot_t *snap, const fp__filter_t *filter,
    const fp__stats_t *funcs, uint32_t nfuncs)
{
	size_t i;
	uint32_t id;

	for (i = 0; filter != NULL && i < filter->count; i++) {
		const char *spec = filter->specs[i];
		fp_row_t *r;

		for (id = 0; id < nfuncs; id++) {
			const fp__func_t *f = fp__func_by_id(id);

			if ((funcs[id].calls != 0 || funcs[id].own != 0) &&
			    fp__filter_spec_matches(spec, f->module,
			    f->match_name ? f->match_name : f->name))
				break;
		}
		if (id < nfuncs)
			continue;
		r = &snap->rows[snap->count];
		memset(r, 0, sizeof *r);
		r->file = "";
		r->name = strdup(spec);	/* the snapshot's own: freed with it */
		if (r->name == NULL)
			return;
		r->no_data = 1;
		snap->count++;
	}
}

/* Builds a snapshot of a (see snapshot.h). */
fp_snapshot_t *
fp__snapshot_build(fp__acct_t *a, int live, fp_time_t now,
    const fp__meta_t *meta, const fp__filter_t *filter)
{
	fp__tree_t *tree = &a->tree;
	uint32_t nfuncs = fp__func_count(), i;
	fp__stats_t *paths = NULL, *funcs = NULL;
	uint64_t *primitive = NULL;
	fp_snapshot_t *snap = calloc(1, sizeof *snap);
	double k;

	if (snap == NULL)
		return NULL;
	if (fp__meta_copy(&snap->meta, meta) != 0)
		goto fail;
	snap->meta.lost = a->lost;
	paths = malloc(((size_t)tree->count + 1) * sizeof *paths);
	funcs = malloc(((size_t)nfuncs + 1) * sizeof *funcs);
	primitive = calloc((size_t)nfuncs + 1, sizeof *primitive);
	if (paths == NULL || funcs == NULL || primitive == NULL)
		goto fail;
	for (i = 0; i < tree->count; i++)
		paths[i] = tree->nodes[i]->stats;
	if (live)
		fp__acct_close_all(a, now, 0, copy_sink, paths);
	for (i = 0; i < nfuncs; i++)
		fp__stats_init(&funcs[i]);
	for (i = 0; i < tree->count; i++) {
		const fp__node_t *n = tree->nodes[i];

		if (n->func == NULL)
			continue;
		fp__stats_merge(&funcs[n->func->id], &paths[i]);
		if (!n->recursive)
			primitive[n->func->id] += paths[i].calls;
	}
	snap->rows = calloc((size_t)nfuncs + 1 + (filter ? filter->count : 0),
	    sizeof *snap->rows);
	if (snap->rows == NULL)
		goto fail;
	k = a->ns_per_unit > 0 ? a->ns_per_unit : fp__clock_ns_per_unit(&a->clock);
	for (i = 0; i < nfuncs; i++) {
		const fp__stats_t *s = &funcs[i];
		const fp__func_t *f = fp__func_by_id(i);
		fp_row_t *r;

		if (s->calls == 0 && s->own == 0)
			continue;
		r = &snap->rows[snap->count++];
		r->file = f->file;
		r->line = f->line;
		r->name = f->name;
		r->calls = s->calls;
		r->primitive_calls = primitive[i];
		r->own = to_ns(s->own, k);
		r->total = to_ns(s->total, k);
		r->suspended = to_ns(s->suspended, k);
		r->min = s->calls ? to_ns(s->min, k) : 0;
		r->max = to_ns(s->max, k);
		r->mean = s->calls ? to_ns(s->sum / (fp_time_t)s->calls, k) : 0;
	}
	add_no_data_rows(snap, filter, funcs, nfuncs);
	free(paths);
	free(funcs);
	free(primitive);
	return snap;
fail:
	free(paths);
	free(funcs);
	free(primitive);
	fp_snapshot_free(snap);
	return NULL;
}

static fp__sort_key_t sort_key;

/* Returns the value rows are ordered by (larger first). */
static fp_time_t
sort_value(const fp_row_t *r)
{
	switch (sort_key) {
	case FP__SORT_OWN: return r->own;
	case FP__SORT_CALLS: return (fp_time_t)r->calls;
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
	free(snap);
}
