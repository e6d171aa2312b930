/*
 * common.c: what every writer shares: durations and sampled estimates in
 * human units, whether a profile is a statistical one and the sort key
 * its rows go by, and file paths shortened for people (relative to the
 * working directory, <stdlib>/..., <site>/...). Declared in report.h.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/utf8.h"
#include "report/report.h"

/* The units a duration is shown in: from the smallest value (as it will
 * be printed) up, the divisor, the decimals and the suffix. */
static const struct unit {
	fp_time_t from;
	double div;
	int decimals;
	const char *suffix;
} units[] = {
	{ 999950000, 1e9, 3, "s" },
	{ 99995000, 1e6, 1, "ms" },
	{ 9999500, 1e6, 2, "ms" },
	{ 999500, 1e6, 3, "ms" },
	{ 9950, 1e3, 0, "µs" },
	{ 1000, 1e3, 1, "µs" },
	{ 0, 1, 0, "ns" },
};

/* Returns the unit a duration of ns (> 0) is shown in. */
static const struct unit *
unit_for(fp_time_t ns)
{
	size_t i = 0;

	while (ns < units[i].from)
		i++;
	return &units[i];
}

/* Formats a duration for people. The unit is chosen by the value as it
 * will be printed, so 999999ns reads "1.000ms", never "1000µs". */
char *
fp__format_duration(fp_time_t ns, char *out, size_t size)
{
	const struct unit *u;

	if (ns <= 0) {
		snprintf(out, size, "0");
		return out;
	}
	u = unit_for(ns);
	if (u->from == 0)
		snprintf(out, size, "%lldns", (long long)ns);
	else
		snprintf(out, size, "%.*f%s", u->decimals, (double)ns / u->div,
		    u->suffix);
	return out;
}

/* Formats a sampled estimate and its standard error for people. */
char *
fp__format_estimate(fp_time_t ns, fp_time_t err, char *out, size_t size)
{
	const struct unit *u;

	if (ns <= 0) {
		snprintf(out, size, "0");
		return out;
	}
	u = unit_for(ns);
	if (err < 0)
		err = 0;
	if (u->from == 0)
		snprintf(out, size, "%lldns ± %lldns", (long long)ns,
		    (long long)err);
	else
		snprintf(out, size, "%.*f%s ± %.*f%s", u->decimals,
		    (double)ns / u->div, u->suffix, u->decimals,
		    (double)err / u->div, u->suffix);
	return out;
}

/* Returns non-zero when m describes a statistical profile. */
int
fp__meta_sampled(const fp__meta_t *m)
{
	return m->mode != NULL && strcmp(m->mode, "sample") == 0;
}

/* Returns the sort key the rows of a profile described by m go by. */
fp__sort_key_t
fp__sort_key_for(const fp__meta_t *m, fp__sort_key_t key)
{
	if (fp__meta_sampled(m) && (key == FP__SORT_MEAN || key == FP__SORT_MAX))
		return FP__SORT_TOTAL;
	return key;
}

/* Returns the part of path after prefix and a slash, or NULL. */
static const char *
under(const char *path, const char *prefix)
{
	size_t n;

	if (prefix == NULL || (n = strlen(prefix)) == 0 ||
	    strncmp(path, prefix, n) != 0 || path[n] != '/')
		return NULL;
	return path + n + 1;
}

/* Returns what follows the standard library's directory in path when
 * path has the shape of a CPython installation's, PREFIX/lib/python3.N/
 * (or python3.Nt, a free-threaded build), else NULL: the fallback for a
 * report or an attach, which do not know the profiled Python's own. */
static const char *
under_any_stdlib(const char *path)
{
	const char *p = path, *q;

	while ((p = strstr(p, "/lib/python3.")) != NULL) {
		q = p + strlen("/lib/python3.");
		p = q;
		if (*q < '0' || *q > '9')
			continue;
		while (*q >= '0' && *q <= '9')
			q++;
		if (*q == 't')
			q++;
		if (*q == '/')
			return q + 1;
	}
	return NULL;
}

/* Shortens a path for the table. */
char *
fp__format_path(const char *path, const fp__render_opts_t *o, size_t max,
    char *out, size_t size)
{
	const char *rest, *site;

	if ((site = strstr(path, "/site-packages/")) != NULL ||
	    (site = strstr(path, "/dist-packages/")) != NULL)
		snprintf(out, size, "<site>/%s", site + 15);
	else if ((rest = o->stdlib != NULL ? under(path, o->stdlib) :
	    under_any_stdlib(path)) != NULL)
		snprintf(out, size, "<stdlib>/%s", rest);
	else if ((rest = under(path, o->cwd)) != NULL)
		snprintf(out, size, "%s", rest);
	else
		snprintf(out, size, "%s", path);
	if (max > 3 && fp__utf8_count(out) > max) {
		/* Keep the tail, which names the file: its last max - 3
		 * characters, from a slash on when there is one. */
		size_t skip = fp__utf8_count(out) - (max - 3);
		const char *tail = out, *slash;
		char tmp[4096];

		for (; skip > 0; skip--) {
			tail++;
			while (((unsigned char)*tail & 0xC0) == 0x80)
				tail++;
		}
		slash = strchr(tail, '/');
		snprintf(tmp, sizeof tmp, "...%s", slash ? slash : tail);
		snprintf(out, size, "%s", tmp);
	}
	return out;
}
