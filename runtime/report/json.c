/*
 * json.c: the JSON document: metadata, then one object per
 * function with times in seconds. A statistical profile's document also
 * has the interval and the samples requested, taken and dropped, and its
 * rows have sample counts, estimates and their standard errors, with null
 * for the figures sampling cannot measure (calls, suspended, min, mean,
 * max), so that every key of a traced profile's rows is still there.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report/formats.h"
#include "report/report.h"

/* Appends "key": seconds. */
static void
put_seconds(fp__buf_t *out, const char *key, fp_time_t ns)
{
	fp__buf_printf(out, ", \"%s\": ", key);
	fp__buf_json_seconds(out, ns);
}

/* Appends the figures of a traced profile's row. */
static void
put_traced(fp__buf_t *out, const fp_row_t *r)
{
	fp__buf_printf(out, ", \"calls\": %llu, \"primitive_calls\": %llu",
	    (unsigned long long)r->calls,
	    (unsigned long long)r->primitive_calls);
	put_seconds(out, "own", r->own);
	put_seconds(out, "total", r->total);
	put_seconds(out, "suspended", r->suspended);
	put_seconds(out, "min", r->min);
	put_seconds(out, "mean", r->mean);
	put_seconds(out, "max", r->max);
}

/* Appends the figures of a statistical profile's row. */
static void
put_sampled(fp__buf_t *out, const fp_row_t *r)
{
	fp__buf_printf(out, ", \"calls\": null, \"primitive_calls\": null, "
	    "\"samples\": %llu, \"own_samples\": %llu",
	    (unsigned long long)r->samples, (unsigned long long)r->own_samples);
	put_seconds(out, "own", r->own);
	put_seconds(out, "own_error", r->own_error);
	put_seconds(out, "total", r->total);
	put_seconds(out, "error", r->error);
	fp__buf_puts(out, ", \"suspended\": null, \"min\": null, \"mean\": "
	    "null, \"max\": null");
}

/* Appends the "threads" list of d: each thread's name, ids and process,
 * with the time (and, sampled, the samples) of the calls made at its top
 * level, which is the thread's whole profiled time. */
static void
put_threads(fp__buf_t *out, const fp__pdata_t *d, int sampled)
{
	fp_time_t *total = malloc((d->nthreads + 1) * sizeof *total);
	uint64_t *samples = malloc((d->nthreads + 1) * sizeof *samples);
	size_t t;

	if (total == NULL || samples == NULL) {
		out->nomem = 1;
		goto out;
	}
	fp__pdata_thread_sums(d, total, samples, d->nthreads);
	fp__buf_puts(out, ",\n \"threads\": [");
	for (t = 0; t < d->nthreads; t++) {
		const fp__pthread_t *th = &d->threads[t];

		fp__buf_puts(out, t ? ",\n  {\"name\": " : "\n  {\"name\": ");
		fp__buf_json_string(out, th->name);
		fp__buf_printf(out, ", \"ident\": %llu, \"native_id\": %lld, "
		    "\"pid\": %llu", (unsigned long long)th->ident,
		    (long long)th->native_id, (unsigned long long)th->pid);
		put_seconds(out, "total", total[t]);
		if (sampled)
			fp__buf_printf(out, ", \"samples\": %llu",
			    (unsigned long long)samples[t]);
		fp__buf_puts(out, "}");
	}
	fp__buf_puts(out, "]");
out:
	free(total);
	free(samples);
}

/* Appends the JSON document for snap to out, with the threads of d when
 * given. */
static void
render(fp__buf_t *out, const fp_snapshot_t *snap, const fp__pdata_t *d)
{
	const fp__meta_t *m = &snap->meta;
	int a, sampled = fp__meta_sampled(m);
	size_t i;

	fp__buf_puts(out, "{\"fullprof\": \"" FP_VERSION "\", \"python\": ");
	fp__buf_json_string(out, m->python ? m->python : "");
	fp__buf_printf(out, ", \"pid\": %ld, \"argv\": [", m->pid);
	for (a = 0; a < m->argc; a++) {
		if (a)
			fp__buf_puts(out, ", ");
		fp__buf_json_string(out, m->argv[a]);
	}
	fp__buf_puts(out, "],\n \"mode\": ");
	fp__buf_json_string(out, m->mode ? m->mode : "trace");
	fp__buf_puts(out, ", \"timer\": ");
	fp__buf_json_string(out, m->timer ? m->timer : "");
	put_seconds(out, "duration", m->duration);
	fp__buf_printf(out, ", \"lost_calls\": %llu", (unsigned long long)m->lost);
	if (sampled) {
		/* A merged profile of several intervals has none. */
		if (m->interval > 0)
			put_seconds(out, "interval", m->interval);
		else
			fp__buf_puts(out, ", \"interval\": null");
		fp__buf_printf(out, ",\n \"samples\": {\"requested\": %llu, "
		    "\"taken\": %llu, \"dropped\": %llu",
		    (unsigned long long)m->samples_requested,
		    (unsigned long long)m->samples_taken,
		    (unsigned long long)m->samples_dropped);
		put_seconds(out, "uncovered", m->samples_uncovered);
		fp__buf_puts(out, "}");
	}
	fp__buf_puts(out, ",\n \"functions\": [");
	for (i = 0; i < snap->count; i++) {
		const fp_row_t *r = &snap->rows[i];

		fp__buf_puts(out, i ? ",\n  {\"file\": " : "\n  {\"file\": ");
		fp__buf_json_string(out, r->file);
		fp__buf_printf(out, ", \"line\": %d, \"name\": ", r->line);
		fp__buf_json_string(out, r->name);
		if (sampled)
			put_sampled(out, r);
		else
			put_traced(out, r);
		if (r->no_data)
			fp__buf_puts(out, ", \"no_data\": true");
		fp__buf_puts(out, "}");
	}
	fp__buf_puts(out, "]");
	if (d != NULL)
		put_threads(out, d, sampled);
	fp__buf_puts(out, "}\n");
}

/* Appends the JSON document for snap to out. */
void
fp__render_json(fp__buf_t *out, const fp_snapshot_t *snap)
{
	render(out, snap, NULL);
}

/* Renders profile data as the JSON document, rows in o->sort order. */
int
fp__render_json_pdata(fp__buf_t *out, const fp__pdata_t *d,
    const fp__render_opts_t *o)
{
	fp_snapshot_t *snap = fp__pdata_rows(d);

	if (snap == NULL)
		return FP_ERR_NOMEM;
	fp__snapshot_sort(snap, fp__sort_key_for(&d->meta, o->sort));
	render(out, snap, d);
	fp_snapshot_free(snap);
	return out->nomem ? FP_ERR_NOMEM : FP_OK;
}
