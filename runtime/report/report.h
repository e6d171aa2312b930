/*
 * report.h: what the writers share: the options that shape an output, the
 * helpers every writer uses (common.c: durations and estimates in human
 * units, the sort key, shortened paths), and the writers that turn a
 * snapshot into text: the human table (table.c) and the JSON document
 * (json.c; see README for its fields), for traced and for statistical
 * (sampled) profiles alike. Ownership: the caller owns every buffer and
 * snapshot passed in; nothing here keeps a pointer past the call.
 */
#ifndef FP_REPORT_H
#define FP_REPORT_H

#include "core/buf.h"
#include "core/snapshot.h"

/* What shapes an output. Zeroed fields mean the defaults. */
typedef struct fp__render_opts {
	fp__sort_key_t sort;
	size_t limit;		/* table rows; 0: every row */
	const char *cwd;	/* paths under it are shown relative */
	const char *stdlib;	/* paths under it are shown as <stdlib>/...
				 * (NULL: any PREFIX/lib/python3.N) */
	int width;		/* flame graph width in pixels (0: 1200) */
	double threshold;	/* flame graph: smallest share of the total
				 * drawn, 0 to 1 (0: every frame) */
	fp_time_t trace_min;	/* trace: shortest event kept, ns */
} fp__render_opts_t;

/* Formats a duration for people ("1.002s", "250.1ms", "14µs", "0") into
 * out (at least 16 bytes) and returns out. */
char *fp__format_duration(fp_time_t ns, char *out, size_t size);

/* Formats a sampled estimate and its standard error for people, both in
 * the unit the estimate's size chooses ("1.350s ± 0.040s", "0") into out
 * (at least 40 bytes) and returns out. */
char *fp__format_estimate(fp_time_t ns, fp_time_t err, char *out,
    size_t size);

/* Returns non-zero when m describes a statistical profile (mode
 * "sample"), whose figures are sample counts and estimates. */
int fp__meta_sampled(const fp__meta_t *m);

/* Returns the sort key the rows of a profile described by m are ordered
 * by: key itself, except that sampling measures no mean or max, which
 * then order by total (calls order by samples, see snapshot.c). */
fp__sort_key_t fp__sort_key_for(const fp__meta_t *m, fp__sort_key_t key);

/* Shortens a path for the table into out: relative to cwd, <stdlib>/...,
 * <site>/... for site-packages, or ".../tail" past max characters. */
char *fp__format_path(const char *path, const fp__render_opts_t *o,
    size_t max, char *out, size_t size);

/* Appends the table for snap to out; sorts snap's rows by o->sort. */
void fp__render_table(fp__buf_t *out, fp_snapshot_t *snap,
    const fp__render_opts_t *o);

/* Appends the JSON document for snap to out. */
void fp__render_json(fp__buf_t *out, const fp_snapshot_t *snap);


#endif /* FP_REPORT_H */
