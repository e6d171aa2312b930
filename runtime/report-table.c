/*
 * report-table.c: the table printed at exit: aligned columns in human
 * units, sorted, with a one-line header and a footer saying what was cut.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "formats.h"
#include "report.h"

#define PATH_WIDTH 40
#define NAME_WIDTH 44

/* Formats a duration for people. The unit is chosen by the value as it
 * will be printed, so 999999ns reads "1.000ms", never "1000µs". */
char *
fp__format_duration(fp_time_t ns, char *out, size_t size)
{
	double v = (double)ns;

	if (ns <= 0)
		snprintf(out, size, "0");
	else if (ns >= 999950000)
		snprintf(out, size, "%.3fs", v / 1e9);
	else if (ns >= 99995000)
		snprintf(out, size, "%.1fms", v / 1e6);
	else if (ns >= 9999500)
		snprintf(out, size, "%.2fms", v / 1e6);
	else if (ns >= 999500)
		snprintf(out, size, "%.3fms", v / 1e6);
	else if (ns >= 9950)
		snprintf(out, size, "%.0fµs", v / 1e3);
	else if (ns >= 1000)
		snprintf(out, size, "%.1fµs", v / 1e3);
	else
		snprintf(out, size, "%lldns", (long long)ns);
	return out;
}

/* Returns the number of characters (not bytes) of a UTF-8 string. */
static size_t
display_width(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
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

/* Shortens a path for the table. */
char *
fp__format_path(const char *path, const fp__render_opts_t *o, size_t max,
    char *out, size_t size)
{
	const char *rest, *site;

	if ((site = strstr(path, "/site-packages/")) != NULL ||
	    (site = strstr(path, "/dist-packages/")) != NULL)
		snprintf(out, size, "<site>/%s", site + 15);
	else if ((rest = under(path, o->stdlib)) != NULL)
		snprintf(out, size, "<stdlib>/%s", rest);
	else if ((rest = under(path, o->cwd)) != NULL)
		snprintf(out, size, "%s", rest);
	else
		snprintf(out, size, "%s", path);
	if (max > 3 && display_width(out) > max) {
		/* Keep the tail, which names the file: its last max - 3
		 * characters, from a slash on when there is one. */
		size_t skip = display_width(out) - (max - 3);
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

/* Appends s padded with spaces to width characters (left or right). */
static void
put_padded(fp__buf_t *out, const char *s, size_t width, int right)
{
	size_t w = display_width(s);

	if (right)
		for (; w < width; w++)
			fp__buf_add(out, " ", 1);
	fp__buf_puts(out, s);
	if (!right)
		for (; w < width; w++)
			fp__buf_add(out, " ", 1);
}

/* Cuts a function name to max characters, ending it with "...". */
static void
clip_name(const char *name, size_t max, char *out, size_t size)
{
	size_t i = 0, chars = 0;

	if (display_width(name) <= max) {
		snprintf(out, size, "%s", name);
		return;
	}
	while (name[i] != '\0' && chars < max - 3 && i + 4 < size) {
		i++;
		while (((unsigned char)name[i] & 0xC0) == 0x80)
			i++;
		chars++;
	}
	snprintf(out, size, "%.*s...", (int)i, name);
}

/* Copies s into out with control characters written as escapes ("\n",
 * "\x1b"), so that a name can neither break a row nor drive the
 * terminal. */
static void
escape_controls(const char *s, char *out, size_t size)
{
	size_t n = 0;

	for (; *s != '\0' && n + 5 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n')
			n += (size_t)snprintf(out + n, size - n, "\\n");
		else if (c == '\t')
			n += (size_t)snprintf(out + n, size - n, "\\t");
		else if (c < 0x20 || c == 0x7f)
			n += (size_t)snprintf(out + n, size - n, "\\x%02x", c);
		else
			out[n++] = (char)c;
	}
	out[n] = '\0';
}

enum { C_FILE, C_LINE, C_NAME, C_CALLS, C_OWN, C_TOTAL, C_SUSP, C_MIN, C_MEAN,
    C_MAX, NCOLS };
static const char *const headings[NCOLS] = { "file", "line", "function",
    "calls", "own", "total", "suspended", "min", "mean", "max" };

/* Returns non-zero for the columns aligned to the right (the numbers). */
static int
right_aligned(int c)
{
	return c == C_LINE || c >= C_CALLS;
}

/* Fills the cells of one row. */
static void
row_cells(const fp_row_t *r, const fp__render_opts_t *o, char cells[NCOLS][512])
{
	if (r->calls != r->primitive_calls)
		snprintf(cells[C_CALLS], 512, "%llu/%llu",
		    (unsigned long long)r->calls,
		    (unsigned long long)r->primitive_calls);
	else
		snprintf(cells[C_CALLS], 512, "%llu", (unsigned long long)r->calls);
	fp__format_duration(r->own, cells[C_OWN], 512);
	fp__format_duration(r->total, cells[C_TOTAL], 512);
	fp__format_duration(r->suspended, cells[C_SUSP], 512);
	fp__format_duration(r->min, cells[C_MIN], 512);
	fp__format_duration(r->mean, cells[C_MEAN], 512);
	fp__format_duration(r->max, cells[C_MAX], 512);
	char clean[512];
	int c;

	if (r->no_data) {
		for (c = 0; c < NCOLS; c++)
			snprintf(cells[c], 512, c == C_CALLS ? "no data" : "-");
		escape_controls(r->name, clean, sizeof clean);
		clip_name(clean, NAME_WIDTH, cells[C_NAME], 512);
		return;
	}
	if (strcmp(r->file, "~") == 0) {
		snprintf(cells[C_FILE], 512, "~");
	} else {
		fp__format_path(r->file, o, PATH_WIDTH, cells[C_NAME], 512);
		escape_controls(cells[C_NAME], cells[C_FILE], 512);
	}
	snprintf(cells[C_LINE], 512, "%d", r->line);
	escape_controls(r->name, clean, sizeof clean);
	clip_name(clean, NAME_WIDTH, cells[C_NAME], 512);
}

/* Appends the table for snap to out. */
void
fp__render_table(fp__buf_t *out, fp_snapshot_t *snap, const fp__render_opts_t *o)
{
	static char cells[NCOLS][512];
	size_t width[NCOLS], shown, i;
	int c;
	char dur[32];

	fp__snapshot_sort(snap, o->sort);
	shown = o->limit && o->limit < snap->count ? o->limit : snap->count;
	fp__format_duration(snap->meta.duration, dur, sizeof dur);
	fp__buf_printf(out, "fullprof: %s timer, %s, Python %s, pid %ld, "
	    "%zu function%s\n", snap->meta.timer ? snap->meta.timer : "?", dur,
	    snap->meta.python ? snap->meta.python : "?", snap->meta.pid,
	    snap->count, snap->count == 1 ? "" : "s");
	for (c = 0; c < NCOLS; c++)
		width[c] = strlen(headings[c]);
	for (i = 0; i < shown; i++) {
		row_cells(&snap->rows[i], o, cells);
		for (c = 0; c < NCOLS; c++) {
			size_t w = display_width(cells[c]);

			if (w > width[c])
				width[c] = w;
		}
	}
	for (c = 0; c < NCOLS; c++) {
		put_padded(out, headings[c], width[c], right_aligned(c));
		fp__buf_puts(out, c == NCOLS - 1 ? "\n" : "  ");
	}
	for (i = 0; i < shown; i++) {
		row_cells(&snap->rows[i], o, cells);
		for (c = 0; c < NCOLS; c++) {
			put_padded(out, cells[c], width[c], right_aligned(c));
			fp__buf_puts(out, c == NCOLS - 1 ? "\n" : "  ");
		}
	}
	if (shown < snap->count)
		fp__buf_printf(out, "(%zu more row%s not shown: a limit of 0 "
		    "shows all)\n", snap->count - shown,
		    snap->count - shown == 1 ? "" : "s");
	if (snap->meta.lost)
		fp__buf_printf(out, "fullprof: warning: memory ran out, %llu "
		    "call%s not recorded\n", (unsigned long long)snap->meta.lost,
		    snap->meta.lost == 1 ? "" : "s");
}

/* Renders profile data as the table. */
int
fp__render_table_pdata(fp__buf_t *out, const fp__pdata_t *d,
    const fp__render_opts_t *o)
{
	fp_snapshot_t *snap = fp__pdata_rows(d);

	if (snap == NULL)
		return FP_ERR_NOMEM;
	fp__render_table(out, snap, o);
	fp_snapshot_free(snap);
	return out->nomem ? FP_ERR_NOMEM : FP_OK;
}
