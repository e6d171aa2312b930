/*
 * formats.c: the table of output formats, and choosing one by name or by
 * file name.
 */
#include "config.h"

#include <string.h>

#include "report/formats.h"

static const fp__format_t formats[] = {
	{ "table", ".txt", "the table printed at exit",
	    fp__render_table_pdata },
	{ "json", ".json", "fullprof's JSON document (one row per function)",
	    fp__render_json_pdata },
	{ "fprof", ".fprof", "fullprof's own lossless file, read by "
	    "'fullprof report'", fp__render_fprof },
	{ "pstats", ".prof .pstats", "what pstats.Stats, snakeviz and other "
	    "cProfile tools load", fp__render_pstats },
	{ "callgrind", "callgrind.out. .callgrind", "for kcachegrind, "
	    "qcachegrind and callgrind_annotate", fp__render_callgrind },
	{ "collapsed", ".folded .collapsed", "folded stacks for flamegraph.pl "
	    "and speedscope (microseconds)", fp__render_collapsed },
	{ "svg", ".svg", "an interactive flame graph, with a reverse graph of "
	    "callers", fp__render_svg },
	{ "speedscope", ".speedscope.json", "speedscope's file format",
	    fp__render_speedscope },
	{ "trace", ".trace.json", "Chrome trace events for Perfetto and "
	    "chrome://tracing: a timeline per thread", fp__render_trace },
};

#define NFORMATS (sizeof formats / sizeof formats[0])

/* Returns the format called name, or NULL. */
const fp__format_t *
fp__format_find(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < NFORMATS; i++) {
		if (strcmp(formats[i].name, name) == 0)
			return &formats[i];
	}
	return NULL;
}

/* Returns non-zero when the file name path ends with suffix, or, for a
 * suffix ending in '.', when its base name starts with it. */
static int
name_matches(const char *path, const char *suffix, size_t n)
{
	const char *base = strrchr(path, '/');
	size_t len = strlen(path);

	base = base ? base + 1 : path;
	if (n > 0 && suffix[n - 1] == '.' && suffix[0] != '.')
		return strncmp(base, suffix, n) == 0;
	return len >= n && strncmp(path + len - n, suffix, n) == 0;
}

/* Returns the format a file name selects, or NULL. The longest matching
 * ending wins (".speedscope.json" over ".json"). */
const fp__format_t *
fp__format_for_path(const char *path)
{
	const fp__format_t *best = NULL;
	size_t best_len = 0, i;

	for (i = 0; path != NULL && i < NFORMATS; i++) {
		const char *s = formats[i].suffixes;

		while (*s != '\0') {
			size_t n = strcspn(s, " ");

			if (n > best_len && name_matches(path, s, n)) {
				best = &formats[i];
				best_len = n;
			}
			s += n;
			s += strspn(s, " ");
		}
	}
	return best;
}

/* Returns the formats' names as "table, json, ... or speedscope". */
const char *
fp__format_names(void)
{
	return "table, json, fprof, pstats, callgrind, collapsed, svg, "
	    "speedscope or trace";
}

/* Returns the i-th format, or NULL past the last. */
const fp__format_t *
fp__format_at(size_t i)
{
	return i < NFORMATS ? &formats[i] : NULL;
}
