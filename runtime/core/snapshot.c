/*
 * snapshot.c: summing call paths into one row per function, and sorting.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/pdata.h"
#include "core/snapshot.h"

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
	for (i = 0; snap->rows != NULL && i < snap->count; i++) {
		if (snap->rows[i].no_data)
			free((char *)snap->rows[i].name);
	}
	fp__meta_free(&snap->meta);
	free(snap->rows);
	fp__pdata_free(snap->data);
	free(snap);
}

/* Orders node indices by their thread (then by index). */
static int
compare_by_thread(const void *pa, const void *pb, void *ctx)
{
	const fp__pdata_t *d = ctx;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	if (d->nodes[a].thread != d->nodes[b].thread)
		return d->nodes[a].thread < d->nodes[b].thread ? -1 : 1;
	return a < b ? -1 : a > b;
}

/* Adds to var[f] and own_var[f] the variance of each function's sampled
 * total and own time: thread by thread (a thread's samples are its own
 * binomial trials, see fp__sample_variance), summed over threads. Returns
 * 0, or -1 on ENOMEM. */
static int
sample_variances(const fp__pdata_t *d, double *var, double *own_var)
{
	uint32_t *order = malloc((d->nnodes + 1) * sizeof *order);
	uint32_t *touched = malloc((d->nfuncs + 1) * sizeof *touched);
	fp__stats_t *acc = calloc(d->nfuncs + 1, sizeof *acc);
	uint64_t *of = calloc(d->nthreads + 1, sizeof *of);
	fp_time_t *unused = calloc(d->nthreads + 1, sizeof *unused);
	unsigned char *mark = calloc(d->nfuncs + 1, 1);
	size_t i = 0, j, k, ntouched;
	int rc = -1;

	if (order == NULL || touched == NULL || acc == NULL || of == NULL ||
	    unused == NULL || mark == NULL)
		goto out;
	fp__pdata_thread_sums(d, unused, of, d->nthreads);
	for (j = 0; j < d->nnodes; j++)
		order[j] = (uint32_t)j;
	qsort_r(order, d->nnodes, sizeof *order, compare_by_thread, (void *)d);
	while (i < d->nnodes) {
		uint32_t t = d->nodes[order[i]].thread;
		uint64_t n_of = t < d->nthreads ? of[t] : 0;

		ntouched = 0;
		for (j = i; j < d->nnodes && d->nodes[order[j]].thread == t; j++) {
			const fp__pnode_t *n = &d->nodes[order[j]];

			if (n->func == FP__NONE)
				continue;
			if (!mark[n->func]) {
				mark[n->func] = 1;
				touched[ntouched++] = n->func;
			}
			if (!n->recursive) {
				acc[n->func].samples += n->stats.samples;
				acc[n->func].total += n->stats.total;
			}
			acc[n->func].own_samples += n->stats.own_samples;
			acc[n->func].own += n->stats.own;
		}
		for (k = 0; k < ntouched; k++) {
			fp__stats_t *a = &acc[touched[k]];

			var[touched[k]] += fp__sample_variance(a->total,
			    a->samples, n_of);
			own_var[touched[k]] += fp__sample_variance(a->own,
			    a->own_samples, n_of);
			memset(a, 0, sizeof *a);
			mark[touched[k]] = 0;
		}
		i = j;
	}
	rc = 0;
out:
	free(order);
	free(touched);
	free(acc);
	free(of);
	free(unused);
	free(mark);
	return rc;
}

/* Sums the tree into one row per function, plus no-data rows. */
fp_snapshot_t *
fp__pdata_rows(const fp__pdata_t *d)
{
	fp_snapshot_t *snap = calloc(1, sizeof *snap);
	fp__stats_t *funcs = NULL;
	uint64_t *primitive = NULL;
	double *var = NULL, *own_var = NULL;
	size_t i, j;

	if (snap == NULL)
		return NULL;
	if (fp__meta_copy(&snap->meta, &d->meta) != 0)
		goto fail;
	funcs = malloc((d->nfuncs + 1) * sizeof *funcs);
	primitive = calloc(d->nfuncs + 1, sizeof *primitive);
	snap->rows = calloc(d->nfuncs + d->nno_data + 1, sizeof *snap->rows);
	var = calloc(d->nfuncs + 1, sizeof *var);
	own_var = calloc(d->nfuncs + 1, sizeof *own_var);
	if (funcs == NULL || primitive == NULL || snap->rows == NULL ||
	    var == NULL || own_var == NULL || sample_variances(d, var, own_var))
		goto fail;
	for (i = 0; i < d->nfuncs; i++)
		fp__stats_init(&funcs[i]);
	for (i = 0; i < d->nnodes; i++) {
		const fp__pnode_t *n = &d->nodes[i];

		if (n->func == FP__NONE)
			continue;
		fp__stats_merge(&funcs[n->func], &n->stats);
		if (!n->recursive)
			primitive[n->func] += n->stats.calls;
	}
	for (i = 0; i < d->nfuncs; i++) {
		const fp__stats_t *s = &funcs[i];
		fp_row_t *r;

		if (s->calls == 0 && s->own == 0 && s->samples == 0)
			continue;
		r = &snap->rows[snap->count++];
		r->file = d->funcs[i].file;
		r->line = d->funcs[i].line;
		r->name = d->funcs[i].name;
		r->calls = s->calls;
		r->primitive_calls = primitive[i];
		r->own = s->own;
		r->total = s->total;
		r->suspended = s->suspended;
		r->min = s->calls ? s->min : 0;
		r->max = s->max;
		r->mean = s->calls ? s->sum / (fp_time_t)s->calls : 0;
		r->samples = s->samples;
		r->own_samples = s->own_samples;
		r->error = (fp_time_t)(sqrt(var[i]) + 0.5);
		r->own_error = (fp_time_t)(sqrt(own_var[i]) + 0.5);
	}
	for (j = 0; j < d->nno_data; j++) {
		fp_row_t *r = &snap->rows[snap->count];

		memset(r, 0, sizeof *r);
		r->file = "";
		r->name = strdup(d->no_data[j]);	/* freed with the snapshot */
		if (r->name == NULL)
			goto fail;
		r->no_data = 1;
		snap->count++;
	}
	free(funcs);
	free(primitive);
	free(var);
	free(own_var);
	return snap;
fail:
	free(funcs);
	free(primitive);
	free(var);
	free(own_var);
	fp_snapshot_free(snap);
	return NULL;
}
