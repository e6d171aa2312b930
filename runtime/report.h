/*
 * report.h: the writers that turn a snapshot into text: the human table
 * and the JSON document (see README for its fields).
 */
#ifndef FP_REPORT_H
#define FP_REPORT_H

#include "buf.h"
#include "snapshot.h"

typedef struct fp__table_opts {
	fp__sort_key_t sort;
	size_t limit;		/* 0: every row */
	const char *cwd;	/* paths under it are shown relative */
	const char *stdlib;	/* paths under it are shown as <stdlib>/... */
} fp__table_opts_t;

/* Formats a duration for people ("1.002s", "250.1ms", "14µs", "0") into
 * out (at least 16 bytes) and returns out. */
char *fp__format_duration(fp_time_t ns, char *out, size_t size);

/* Shortens a path for the table into out: relative to cwd, <stdlib>/...,
 * <site>/... for site-packages, or ".../tail" past max characters. */
char *fp__format_path(const char *path, const fp__table_opts_t *o,
    size_t max, char *out, size_t size);

/* Appends the table for snap to out; sorts snap's rows by o->sort. */
void fp__render_table(fp__buf_t *out, fp_snapshot_t *snap,
    const fp__table_opts_t *o);

/* Appends the JSON document for snap to out. */
void fp__render_json(fp__buf_t *out, const fp_snapshot_t *snap);

/* Returns non-zero when name is a format fp__render_format knows. */
int fp__format_known(const char *name);

/* Appends snap in the named format; returns FP_OK or FP_ERR_FORMAT. */
int fp__render_format(fp__buf_t *out, const char *format, fp_snapshot_t *snap,
    const fp__table_opts_t *o);

#endif /* FP_REPORT_H */
