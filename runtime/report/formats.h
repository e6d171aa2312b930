/*
 * formats.h: the output formats fullprof writes, by name, and the file
 * names that select them ("-o out.svg"). Every format is rendered from
 * profile data (pdata.h), whatever it came from: a live profile, one .fprof
 * file, or several merged by "fullprof report".
 *
 * Ownership: the format table is static; a renderer appends to the
 * caller's buffer and only reads the profile data.
 */
#ifndef FP_FORMATS_H
#define FP_FORMATS_H

#include "core/buf.h"
#include "core/pdata.h"
#include "report/report.h"

/* Renders d into out; returns FP_OK or an FP_ERR_* code. */
typedef int (*fp__render_fn)(fp__buf_t *out, const fp__pdata_t *d,
    const fp__render_opts_t *o);

typedef struct fp__format {
	const char *name;	/* as given to -f */
	const char *suffixes;	/* file-name endings that select it, space
				 * separated; "callgrind.out." matches as a
				 * prefix of the base name */
	const char *summary;	/* one line for --help */
	fp__render_fn render;
} fp__format_t;

/* Returns the format called name, or NULL. */
const fp__format_t *fp__format_find(const char *name);

/* Returns the format a file name selects, or NULL when it selects none. */
const fp__format_t *fp__format_for_path(const char *path);

/* Returns the formats' names as "table, json, ... or speedscope". */
const char *fp__format_names(void);

/* Returns the i-th format (0, 1, ...), or NULL past the last. */
const fp__format_t *fp__format_at(size_t i);

/* The renderers, one file each (report-*.c). */
int fp__render_table_pdata(fp__buf_t *out, const fp__pdata_t *d,
    const fp__render_opts_t *o);
int fp__render_json_pdata(fp__buf_t *out, const fp__pdata_t *d,
    const fp__render_opts_t *o);
int fp__render_fprof(fp__buf_t *out, const fp__pdata_t *d,
    const fp__render_opts_t *o);
int fp__render_pstats(fp__buf_t *out, const fp__pdata_t *d,
    const fp__render_opts_t *o);
int fp__render_callgrind(fp__buf_t *out, const fp__pdata_t *d,
    const fp__render_opts_t *o);
int fp__render_collapsed(fp__buf_t *out, const fp__pdata_t *d,
    const fp__render_opts_t *o);
int fp__render_svg(fp__buf_t *out, const fp__pdata_t *d,
    const fp__render_opts_t *o);
int fp__render_speedscope(fp__buf_t *out, const fp__pdata_t *d,
    const fp__render_opts_t *o);
int fp__render_trace(fp__buf_t *out, const fp__pdata_t *d,
    const fp__render_opts_t *o);

#endif /* FP_FORMATS_H */
