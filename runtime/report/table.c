/*
 * table.c: the table printed at exit: aligned columns in human
 * units, sorted, with a one-line header and a footer saying what was cut.
 * A statistical profile's table has samples, their share, and the own and
 * total estimates with their standard errors ("1.350s ± 0.040s") where a
 * traced one has calls and per-call figures, and a footer counting the
 * samples requested, taken and dropped.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/utf8.h"
#include "report/formats.h"
#include "report/report.h"

#define PATH_WIDTH 40
#define NAME_WIDTH 44

/* Appends s padded with spaces to width characters (left or right). */
static void
put_padded(fp__buf_t *out, const char *s, size_t width, int right)
{
	size_t w = fp__utf8_count(s);

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

	if (fp__utf8_count(name) <= max) {
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

/* A statistical profile's columns: the first three, then these. */
enum { S_SAMPLES = C_CALLS, S_SHARE, S_OWN, S_TOTAL, NSCOLS };
static const char *const sample_headings[NSCOLS] = { "file", "line",
    "function", "samples", "%", "own", "total" };

/* Returns non-zero for the columns aligned to the right (the numbers). */
static int
right_aligned(int c)
{
	return c == C_LINE || c >= C_CALLS;
}

/* Fills the figures of a sampled row: its samples, their share of
 * all samples, and the estimates with their standard errors. */
static void
sample_cells(const fp_row_t *r, uint64_t all, char cells[NCOLS][512])
{
	snprintf(cells[S_SAMPLES], 512, "%llu", (unsigned long long)r->samples);
	snprintf(cells[S_SHARE], 512, "%.1f", all ? 100.0 *
	    (double)r->samples / (double)all : 0.0);
	fp__format_estimate(r->own, r->own_error, cells[S_OWN], 512);
	fp__format_estimate(r->total, r->error, cells[S_TOTAL], 512);
}

/* Fills the cells of one row; all is the number of samples of a
 * statistical profile, 0 for a traced one. */
static void
row_cells(const fp_row_t *r, const fp__render_opts_t *o, int sampled,
    uint64_t all, char cells[NCOLS][512])
{
	char clean[512];
	int c, ncols = sampled ? NSCOLS : NCOLS;

	if (sampled) {
		sample_cells(r, all, cells);
	} else {
		if (r->calls != r->primitive_calls)
			snprintf(cells[C_CALLS], 512, "%llu/%llu",
			    (unsigned long long)r->calls,
			    (unsigned long long)r->primitive_calls);
		else
			snprintf(cells[C_CALLS], 512, "%llu",
			    (unsigned long long)r->calls);
		fp__format_duration(r->own, cells[C_OWN], 512);
		fp__format_duration(r->total, cells[C_TOTAL], 512);
		fp__format_duration(r->suspended, cells[C_SUSP], 512);
		fp__format_duration(r->min, cells[C_MIN], 512);
		fp__format_duration(r->mean, cells[C_MEAN], 512);
		fp__format_duration(r->max, cells[C_MAX], 512);
	}
	if (r->no_data) {
		for (c = 0; c < ncols; c++)
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

/* Appends the header line of a table. */
static void
put_header(fp__buf_t *out, const fp_snapshot_t *snap, int sampled)
{
	const fp__meta_t *m = &snap->meta;
	char dur[32], every[32];

	fp__format_duration(m->duration, dur, sizeof dur);
	fp__buf_puts(out, "fullprof: ");
	if (sampled) {
		fp__format_duration(m->interval, every, sizeof every);
		fp__buf_printf(out, "statistical profile, %s timer, %s%s, ",
		    m->timer ? m->timer : "?", m->interval > 0 ? "a sample "
		    "every " : "samples at mixed intervals", m->interval > 0 ?
		    every : "");
	} else {
		fp__buf_printf(out, "%s timer, ", m->timer ? m->timer : "?");
	}
	fp__buf_printf(out, "%s, Python %s, pid %ld, %zu function%s\n", dur,
	    m->python ? m->python : "?", m->pid, snap->count,
	    snap->count == 1 ? "" : "s");
}

/* Appends the footer of a statistical profile: how many samples were
 * requested, taken and dropped, and what the sort key became. */
static void
put_sample_footer(fp__buf_t *out, const fp_snapshot_t *snap,
    fp__sort_key_t asked)
{
	const fp__meta_t *m = &snap->meta;

	fp__buf_printf(out, "fullprof: %llu sample%s requested, %llu taken, "
	    "%llu dropped", (unsigned long long)m->samples_requested,
	    m->samples_requested == 1 ? "" : "s",
	    (unsigned long long)m->samples_taken,
	    (unsigned long long)m->samples_dropped);
	if (m->samples_requested > 0)
		fp__buf_printf(out, " (%.1f%%)", 100.0 *
		    (double)m->samples_dropped / (double)m->samples_requested);
	fp__buf_puts(out, "; own and total are estimates ± one standard "
	    "error\n");
	if (m->samples_uncovered > 0 && m->duration > 0 &&
	    1000 * m->samples_uncovered >= m->duration)
		fp__buf_printf(out, "fullprof: the sampler was held up (a busy "
		    "machine?): %.1f%% of the run is covered by no sample and "
		    "missing from the estimates\n", 100.0 *
		    (double)m->samples_uncovered / (double)m->duration);
	if (fp__sort_key_for(m, asked) != asked)
		fp__buf_puts(out, "fullprof: sorted by total: sampling measures "
		    "no mean or max\n");
}

/* Appends the table for snap to out. */
void
fp__render_table(fp__buf_t *out, fp_snapshot_t *snap, const fp__render_opts_t *o)
{
	static char cells[NCOLS][512];
	const char *const *heads = headings;
	size_t width[NCOLS], shown, i;
	uint64_t all = 0;
	int c, ncols = NCOLS, sampled = fp__meta_sampled(&snap->meta);

	if (sampled) {
		heads = sample_headings;
		ncols = NSCOLS;
		for (i = 0; i < snap->count; i++)
			all += snap->rows[i].own_samples;
	}
	fp__snapshot_sort(snap, fp__sort_key_for(&snap->meta, o->sort));
	shown = o->limit && o->limit < snap->count ? o->limit : snap->count;
	put_header(out, snap, sampled);
	for (c = 0; c < ncols; c++)
		width[c] = strlen(heads[c]);
	for (i = 0; i < shown; i++) {
		row_cells(&snap->rows[i], o, sampled, all, cells);
		for (c = 0; c < ncols; c++) {
			size_t w = fp__utf8_count(cells[c]);

			if (w > width[c])
				width[c] = w;
		}
	}
	for (c = 0; c < ncols; c++) {
		put_padded(out, heads[c], width[c], right_aligned(c));
		fp__buf_puts(out, c == ncols - 1 ? "\n" : "  ");
	}
	for (i = 0; i < shown; i++) {
		row_cells(&snap->rows[i], o, sampled, all, cells);
		for (c = 0; c < ncols; c++) {
			put_padded(out, cells[c], width[c], right_aligned(c));
			fp__buf_puts(out, c == ncols - 1 ? "\n" : "  ");
		}
	}
	if (shown < snap->count)
		fp__buf_printf(out, "(%zu more row%s not shown: a limit of 0 "
		    "shows all)\n", snap->count - shown,
		    snap->count - shown == 1 ? "" : "s");
	if (sampled)
		put_sample_footer(out, snap, o->sort);
	if (snap->meta.lost)
		fp__buf_printf(out, "fullprof: warning: memory ran out, %llu "
		    "%s%s not recorded\n", (unsigned long long)snap->meta.lost,
		    sampled ? "sample" : "call", snap->meta.lost == 1 ? "" : "s");
}

/* The most threads the footer of a sampled table names. */
#define FOOTER_THREADS 16

/* Appends the footer line of a sampled table that names its threads, with
 * their ids and samples (a sampler sees every thread, also those that
 * ran no profiled code of their own). */
static void
put_threads_footer(fp__buf_t *out, const fp__pdata_t *d)
{
	size_t shown = d->nthreads < FOOTER_THREADS ? d->nthreads :
	    FOOTER_THREADS, t;
	uint64_t samples[FOOTER_THREADS];
	fp_time_t total[FOOTER_THREADS];

	fp__pdata_thread_sums(d, total, samples, shown);
	fp__buf_printf(out, "fullprof: %zu thread%s:", d->nthreads,
	    d->nthreads == 1 ? "" : "s");
	for (t = 0; t < shown; t++) {
		const fp__pthread_t *th = &d->threads[t];
		char name[256];

		escape_controls(th->name, name, sizeof name);
		fp__buf_printf(out, "%s %s (ident %llu, tid %lld, %llu sample%s)",
		    t ? "," : "", name, (unsigned long long)th->ident,
		    (long long)th->native_id, (unsigned long long)samples[t],
		    samples[t] == 1 ? "" : "s");
	}
	if (d->nthreads > FOOTER_THREADS)
		fp__buf_printf(out, " and %zu more", d->nthreads -
		    FOOTER_THREADS);
	fp__buf_puts(out, "\n");
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
	if (fp__meta_sampled(&d->meta) && d->nthreads > 0)
		put_threads_footer(out, d);
	fp_snapshot_free(snap);
	return out->nomem ? FP_ERR_NOMEM : FP_OK;
}
