/*
 * report-json.c: the JSON document: metadata, then one object per
 * function with times in seconds.
 */
#include "config.h"

#include <string.h>

#include "formats.h"
#include "report.h"

/* Appends "key": seconds. */
static void
put_seconds(fp__buf_t *out, const char *key, fp_time_t ns)
{
	fp__buf_printf(out, ", \"%s\": ", key);
	fp__buf_json_seconds(out, ns);
}

/* Appends the JSON document for snap to out. */
void
fp__render_json(fp__buf_t *out, const fp_snapshot_t *snap)
{
	const fp__meta_t *m = &snap->meta;
	size_t i;
	int a;

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
	fp__buf_puts(out, ",\n \"functions\": [");
	for (i = 0; i < snap->count; i++) {
		const fp_row_t *r = &snap->rows[i];

		fp__buf_puts(out, i ? ",\n  {\"file\": " : "\n  {\"file\": ");
		fp__buf_json_string(out, r->file);
		fp__buf_printf(out, ", \"line\": %d, \"name\": ", r->line);
		fp__buf_json_string(out, r->name);
		fp__buf_printf(out, ", \"calls\": %llu, \"primitive_calls\": %llu",
		    (unsigned long long)r->calls,
		    (unsigned long long)r->primitive_calls);
		put_seconds(out, "own", r->own);
		put_seconds(out, "total", r->total);
		put_seconds(out, "suspended", r->suspended);
		put_seconds(out, "min", r->min);
		put_seconds(out, "mean", r->mean);
		put_seconds(out, "max", r->max);
		if (r->no_data)
			fp__buf_puts(out, ", \"no_data\": true");
		fp__buf_puts(out, "}");
	}
	fp__buf_puts(out, "]}\n");
}

/* Renders profile data as the JSON document, rows in o->sort order. */
int
fp__render_json_pdata(fp__buf_t *out, const fp__pdata_t *d,
    const fp__render_opts_t *o)
{
	fp_snapshot_t *snap = fp__pdata_rows(d);

	if (snap == NULL)
		return FP_ERR_NOMEM;
	fp__snapshot_sort(snap, o->sort);
	fp__render_json(out, snap);
	fp_snapshot_free(snap);
	return out->nomem ? FP_ERR_NOMEM : FP_OK;
}
