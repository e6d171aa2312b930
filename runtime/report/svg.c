/*
 * svg.c: the svg output format, an interactive flame graph that
 * needs nothing but a browser: click a frame to zoom in, search function
 * names by regular expression (the matched share of the running time is
 * shown), hover a frame for its figures. Below the call tree comes a
 * reverse graph of the same time: the functions where it is spent at the
 * base, their callers above them.
 *
 * Layout. Every thread is drawn in the same graph, under one frame per
 * thread, under one "all" frame, so threads compare at a glance and a click
 * on a thread zooms to it. The call tree hangs from the top of the page
 * (an "icicle"): the wide frames a reader starts from are under the title,
 * not below a screenful of the thin towers deep calls make (an import is
 * 60 frames deep). The reverse graph stands on its base at the end of the
 * page, callers above.
 *
 * A frame's width is its running time: the own time summed over its
 * subtree. The measured total would not do: a coroutine's includes the
 * time it spent suspended and would let its children overflow it; the
 * suspended time is in the frame's details instead. Children are laid out
 * left to right by name (then file and line) from the left edge of their
 * parent; whatever the parent ran itself is the gap on their right.
 *
 * Size. Frames under the threshold share of the total are left out with
 * everything they call, and so are frames deeper than MAX_LEVEL (a deep
 * recursion would make a page a million pixels tall); the reverse graph,
 * which has a frame per caller path of every function, also leaves out
 * frames narrower than MIN_WIDTH. Each graph says how many it left out.
 *
 * A statistical profile is drawn the same way from its estimates: widths
 * are estimated running time, and a frame's details give its samples and
 * each estimate with its standard error ("1.350s ± 0.040s"); the title
 * and the subtitle say that the profile is sampled, at what interval, and
 * how many samples were taken and dropped.
 *
 * The file is plain SVG 1.1, drawn by any viewer; the script at its end
 * adds the interaction. Frames come in depth-first order, so the script
 * rebuilds the tree from the document order and the frames' levels, and
 * lays out a zoomed frame's subtree from widths alone (written with six
 * significant digits), which keeps deep zooms exact.
 */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/formats.h"

#define MARGIN 10		/* pixels left and right of the graphs */
#define FRAME_H 16		/* pixels per level (rect 15, gap 1) */
#define CHAR_W 7.2		/* width of a 12px monospace character */
#define DEFAULT_WIDTH 1200
#define BAR_H 22		/* pixels: the details bar */
#define MIN_WIDTH 0.1		/* pixels: narrower reverse frames are left out */
#define MAX_LEVEL 1024		/* deeper frames are left out */

/* What every part of a rendering needs. */
typedef struct svg {
	const fp__pdata_t *d;
	const fp__render_opts_t *o;
	double fw;		/* width of the frames' area, pixels */
	int64_t *incl;		/* running time of each node's subtree */
	uint64_t *isamp;	/* sampled: own samples of each subtree */
	int sampled;		/* a statistical profile */
	uint32_t *rank;		/* functions' places by name, file, line */
	uint32_t *kids;		/* children of node n: kids[kstart[n]..] */
	uint32_t *kstart;
	int multi_pid;		/* threads of more than one process */
	int down;		/* drawing downwards from the top (the call
				 * tree), else upwards from the base */
} svg_t;

/* What a graph holds, for its header and height. */
typedef struct graph {
	uint32_t levels;	/* levels drawn, "all" included */
	size_t hidden;		/* frames with time left out */
	int deep;		/* some were left out for being too deep */
} graph_t;

/* One frame of the reverse graph being expanded: entries [lo, hi) are the
 * paths it stands for. */
typedef struct rframe {
	size_t lo, hi;
	uint32_t level;
	int64_t x;		/* left edge, ns from the graph's left */
	uint32_t base;		/* the function at level 1 under it */
} rframe_t;

/* A node with own time seen from its leaf: anc climbs to its callers. */
typedef struct rentry {
	uint64_t key;		/* rank of anc's function, then node */
	uint32_t node, anc;
} rentry_t;

/* Decodes the UTF-8 character at s into *cp; returns its length in bytes,
 * or 0 when the bytes there are not valid UTF-8. */
static size_t
utf8_decode(const unsigned char *s, unsigned *cp)
{
	size_t n, i;
	unsigned c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0)
		n = 2, c = s[0] & 0x1F;
	else if ((s[0] & 0xF0) == 0xE0)
		n = 3, c = s[0] & 0x0F;
	else if ((s[0] & 0xF8) == 0xF0)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) ||
	    (n == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
	    (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

/* Returns non-zero when XML 1.0 can carry cp and it is no control
 * character (those are shown as U+FFFD, like invalid bytes). */
static int
printable(unsigned cp)
{
	return cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp < 0xA0) &&
	    cp != 0xFFFE && cp != 0xFFFF;
}

/* Returns the number of characters put_text would show for s. */
static size_t
text_length(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0, len;
	unsigned cp;

	for (; *p != '\0'; p += len ? len : 1, n++)
		len = utf8_decode(p, &cp);
	return n;
}

/* Appends s as XML character data (fit for attributes too), at most max
 * characters of it: a longer s ends in "..". Bytes that are not UTF-8 and
 * characters XML cannot carry become U+FFFD. */
static void
put_text(fp__buf_t *b, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t keep = max, shown = 0, len;
	unsigned cp;

	if (text_length(s) > max)
		keep = max >= 2 ? max - 2 : 0;
	for (; *p != '\0' && shown < keep; p += len ? len : 1, shown++) {
		len = utf8_decode(p, &cp);
		if (len == 0 || !printable(cp)) {
			fp__buf_puts(b, "\xEF\xBF\xBD");
			continue;
		}
		switch (cp) {
		case '&': fp__buf_puts(b, "&amp;"); break;
		case '<': fp__buf_puts(b, "&lt;"); break;
		case '>': fp__buf_puts(b, "&gt;"); break;
		case '"': fp__buf_puts(b, "&quot;"); break;
		case '\'': fp__buf_puts(b, "&apos;"); break;
		default: fp__buf_add(b, (const char *)p, len);
		}
	}
	if (keep < max && *p != '\0')
		fp__buf_puts(b, "..");
}

/* Appends the label of a frame w pixels wide: as much of name as fits. */
static void
put_label(fp__buf_t *b, const char *name, double w)
{
	double fit = (w - 6) / CHAR_W;

	if (fit >= 3)
		put_text(b, name, (size_t)fit);
}

/* Returns the FNV-1a hash of s. */
static uint32_t
name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Appends the fill colour of function f (FP__NONE: a thread or "all"):
 * warm for Python functions, blue-green for built-in ones, from the hash
 * of the name, so a function keeps its colour from one graph to the next. */
static void
put_colour(fp__buf_t *b, const fp__pdata_t *d, uint32_t f)
{
	uint32_t h;
	unsigned v1, v2, v3;

	if (f == FP__NONE) {
		fp__buf_puts(b, "#c8c8c0");
		return;
	}
	h = name_hash(d->funcs[f].name);
	v1 = h & 0xFF;
	v2 = (h >> 8) & 0xFF;
	v3 = (h >> 16) & 0xFF;
	if (strcmp(d->funcs[f].file, "~") == 0)
		fp__buf_printf(b, "#%02x%02x%02x", 60 + v1 * 60 / 255,
		    160 + v2 * 55 / 255, 170 + v3 * 55 / 255);
	else
		fp__buf_printf(b, "#%02x%02x%02x", 205 + v1 * 50 / 255,
		    40 + v2 * 190 / 255, v3 * 55 / 255);
}

/* Appends a duration and its share of total: "1.5ms (12.34%)". */
static void
put_share(fp__buf_t *b, int64_t ns, int64_t total)
{
	char dur[32];

	fp__format_duration(ns, dur, sizeof dur);
	fp__buf_printf(b, "%s (%.2f%%)", dur,
	    total > 0 ? 100.0 * (double)ns / (double)total : 0.0);
}

/* Appends an estimate of n samples, its standard error and its share of
 * total: "1.350s ± 0.040s (12.34%)". */
static void
put_estimate(fp__buf_t *b, int64_t ns, uint64_t n, int64_t total)
{
	char est[64];

	fp__format_estimate(ns, fp__sample_error(ns, n, 0), est, sizeof est);
	fp__buf_printf(b, "%s (%.2f%%)", est,
	    total > 0 ? 100.0 * (double)ns / (double)total : 0.0);
}

/* Appends a figure of subtree or frame with n samples: as an estimate when
 * the profile is sampled, else as a duration; both with the share. */
static void
put_figure(fp__buf_t *b, const svg_t *s, int64_t ns, uint64_t n,
    int64_t total)
{
	if (s->sampled)
		put_estimate(b, ns, n, total);
	else
		put_share(b, ns, total);
}

/* Appends where function f is defined, as the table shows it. */
static void
put_location(fp__buf_t *b, const svg_t *s, uint32_t f)
{
	const fp__pfunc_t *fn = &s->d->funcs[f];
	char path[4096];

	if (strcmp(fn->file, "~") == 0) {
		fp__buf_puts(b, "built-in");
		return;
	}
	fp__format_path(fn->file, s->o, 0, path, sizeof path);
	put_text(b, path, SIZE_MAX);
	if (fn->line > 0)
		fp__buf_printf(b, ":%d", fn->line);
}

/* Appends the name of thread t: its name, or "Thread <ident>", with its
 * process when the profile holds several. */
static void
put_thread_name(fp__buf_t *b, const svg_t *s, uint32_t t, size_t max)
{
	const fp__pthread_t *th = &s->d->threads[t];
	char name[64];

	if (th->name[0] == '\0') {
		snprintf(name, sizeof name, "Thread %" PRIu64, th->ident);
		put_text(b, name, max);
	} else {
		put_text(b, th->name, max);
	}
	if (s->multi_pid)
		fp__buf_printf(b, " (pid %" PRIu64 ")", th->pid);
}

/* Appends the pixel width of ns as a number with six significant digits. */
static void
put_width(fp__buf_t *b, const svg_t *s, int64_t ns, int64_t total)
{
	fp__buf_printf(b, "%.6g", (double)ns / (double)total * s->fw);
}

/* Appends the opening of a frame, up to its details. */
static void
open_frame(fp__buf_t *b)
{
	fp__buf_puts(b, "<g class=\"f\"><title>");
}

/* Appends the rect and label of a frame and closes it; name is the label's
 * text (NULL: the thread t's name). */
static void
close_frame(fp__buf_t *b, const svg_t *s, uint32_t f, uint32_t level,
    int64_t x, int64_t w, int64_t total, const char *name, uint32_t t)
{
	double px = MARGIN + (double)x / (double)total * s->fw;
	double pw = (double)w / (double)total * s->fw;
	int y = s->down ? (int)level * FRAME_H : -(int)(level + 1) * FRAME_H;

	fp__buf_printf(b, "</title><rect x=\"%.2f\" y=\"%d\" width=\"", px, y);
	put_width(b, s, w, total);
	fp__buf_printf(b, "\" height=\"%d\" fill=\"", FRAME_H - 1);
	put_colour(b, s->d, f);
	fp__buf_puts(b, "\"/>");
	if ((pw - 6) / CHAR_W >= 3) {
		fp__buf_printf(b, "<text x=\"%.2f\" y=\"%d\">", px + 3, y + 12);
		if (name != NULL)
			put_label(b, name, pw);
		else
			put_thread_name(b, s, t, (size_t)((pw - 6) / CHAR_W));
		fp__buf_puts(b, "</text>");
	}
	fp__buf_puts(b, "</g>\n");
}

/* Orders functions by name, then file, then line. */
static int
cmp_func(const void *a, const void *b)
{
	const fp__pfunc_t *x = *(const fp__pfunc_t *const *)a;
	const fp__pfunc_t *y = *(const fp__pfunc_t *const *)b;
	int c = strcmp(x->name, y->name);

	if (c == 0)
		c = strcmp(x->file, y->file);
	if (c == 0)
		c = (x->line > y->line) - (x->line < y->line);
	if (c == 0)
		c = (x > y) - (x < y);
	return c;
}

/* Orders 64-bit keys, smallest first. */
static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Orders reverse-graph entries by key. */
static int
cmp_entry(const void *a, const void *b)
{
	uint64_t x = ((const rentry_t *)a)->key, y = ((const rentry_t *)b)->key;

	return (x > y) - (x < y);
}

/* Computes the running time of every subtree, the functions' ranks and
 * each node's children in rank order; returns 0 or -1 on ENOMEM. */
static int
prepare(svg_t *s)
{
	const fp__pdata_t *d = s->d;
	const fp__pfunc_t **order = NULL;
	uint64_t *keys = NULL;
	size_t i, n = d->nnodes;
	int rc = -1;

	s->incl = calloc(n + 1, sizeof *s->incl);
	s->isamp = calloc(n + 1, sizeof *s->isamp);
	s->rank = calloc(d->nfuncs + 1, sizeof *s->rank);
	s->kids = calloc(n + 1, sizeof *s->kids);
	s->kstart = calloc(n + 2, sizeof *s->kstart);
	order = calloc(d->nfuncs + 1, sizeof *order);
	keys = calloc(n + 1, sizeof *keys);
	if (s->incl == NULL || s->isamp == NULL || s->rank == NULL ||
	    s->kids == NULL ||
	    s->kstart == NULL || order == NULL || keys == NULL)
		goto out;
	for (i = 0; i < d->nfuncs; i++)
		order[i] = &d->funcs[i];
	qsort(order, d->nfuncs, sizeof *order, cmp_func);
	for (i = 0; i < d->nfuncs; i++)
		s->rank[order[i] - d->funcs] = (uint32_t)i;
	/* Parents come before children: summing from the last node up gives
	 * every subtree before its parent's is used. */
	for (i = 0; i < n; i++) {
		s->incl[i] = d->nodes[i].stats.own > 0 ? d->nodes[i].stats.own : 0;
		s->isamp[i] = d->nodes[i].stats.own_samples;
	}
	for (i = n; i-- > 0;) {
		uint32_t p = d->nodes[i].parent;

		if (p != FP__NONE && p < n) {
			s->incl[p] += s->incl[i];
			s->isamp[p] += s->isamp[i];
		}
	}
	for (i = 0; i < n; i++) {
		uint32_t p = d->nodes[i].parent;

		if (p != FP__NONE && p < n && d->nodes[i].func < d->nfuncs)
			s->kstart[p + 1]++;
	}
	for (i = 0; i < n; i++)
		s->kstart[i + 1] += s->kstart[i];
	/* kids[p] first counts the children placed in p's range so far,
	 * then gets the children in rank order. */
	for (i = 0; i < n; i++) {
		uint32_t p = d->nodes[i].parent;

		if (p != FP__NONE && p < n && d->nodes[i].func < d->nfuncs)
			keys[s->kstart[p] + s->kids[p]++] =
			    ((uint64_t)s->rank[d->nodes[i].func] << 32) | i;
	}
	for (i = 0; i < n; i++) {
		size_t lo = s->kstart[i], hi = s->kstart[i + 1], j;

		qsort(keys + lo, hi - lo, sizeof *keys, cmp_u64);
		for (j = lo; j < hi; j++)
			s->kids[j] = (uint32_t)(keys[j] & 0xFFFFFFFFu);
	}
	for (i = 1; i < d->nthreads; i++) {
		if (d->threads[i].pid != d->threads[0].pid)
			s->multi_pid = 1;
	}
	rc = 0;
out:
	free(order);
	free(keys);
	return rc;
}

/* Returns non-zero when a frame of ns nanoseconds out of total is drawn:
 * it has running time and is not under the threshold. */
static int
drawn(const svg_t *s, int64_t ns, int64_t total)
{
	return ns > 0 && (double)ns >= s->o->threshold * (double)total;
}

/* Returns non-zero when a frame of the reverse graph is drawn: as drawn()
 * says, and at least MIN_WIDTH pixels wide (as flamegraph.pl's --minwidth:
 * the reverse graph holds a frame per caller path of every function, many
 * more than the call tree, most of them too narrow to be seen). */
static int
drawn_reverse(const svg_t *s, int64_t ns, int64_t total)
{
	return drawn(s, ns, total) &&
	    (double)ns / (double)total * s->fw >= MIN_WIDTH;
}

/* Appends the details of node n of the call tree. */
static void
node_details(fp__buf_t *b, const svg_t *s, uint32_t n, int64_t total)
{
	const fp__pnode_t *nd = &s->d->nodes[n];
	const fp__stats_t *st = &nd->stats;
	char dur[32];

	put_text(b, s->d->funcs[nd->func].name, SIZE_MAX);
	fp__buf_puts(b, "\n");
	put_location(b, s, nd->func);
	fp__buf_puts(b, "\nrunning ");
	put_figure(b, s, s->incl[n], s->isamp[n], total);
	if (s->sampled) {
		char est[64];

		fp__format_estimate(st->own, fp__sample_error(st->own,
		    st->own_samples, 0), est, sizeof est);
		fp__buf_printf(b, ", own %s, %" PRIu64 " sample%s (%" PRIu64
		    " at the top)", est, s->isamp[n], s->isamp[n] == 1 ? "" :
		    "s", st->own_samples);
		if (nd->recursive)
			fp__buf_puts(b, "\nrecursive");
		return;
	}
	fp__format_duration(st->own, dur, sizeof dur);
	fp__buf_printf(b, ", own %s, %" PRIu64 " call%s", dur, st->calls,
	    st->calls == 1 ? "" : "s");
	if (st->suspended > 0) {
		fp__format_duration(st->suspended, dur, sizeof dur);
		fp__buf_printf(b, "\nsuspended %s at await or yield", dur);
		/* (A recursive path's total is counted by its outermost.) */
		if (!nd->recursive) {
			fp__format_duration(st->total, dur, sizeof dur);
			fp__buf_printf(b, ", total with suspension %s", dur);
		}
	}
	if (nd->recursive)
		fp__buf_puts(b, "\nrecursive");
}

/* Returns the samples under every thread root. */
static uint64_t
all_samples(const svg_t *s)
{
	uint64_t n = 0;
	size_t t;

	for (t = 0; t < s->d->nthreads; t++) {
		if (s->d->threads[t].root < s->d->nnodes)
			n += s->isamp[s->d->threads[t].root];
	}
	return n;
}

/* Draws the call tree into b (frames only, from the top down: "all", the
 * threads, what they called, what that called...) and fills in g, where
 * hidden counts every frame with time left out. Returns 0 or -1 on
 * ENOMEM. */
static int
draw_tree(fp__buf_t *b, svg_t *s, int64_t total, graph_t *g)
{
	const fp__pdata_t *d = s->d;
	uint32_t *stack = NULL, *level = NULL;
	int64_t *x = NULL;
	size_t sp = 0, i, n = d->nnodes, drawn_with_time = 0, with_time = 0;
	int64_t tx = 0;
	uint32_t t;

	stack = malloc((n + 1) * sizeof *stack);
	level = calloc(n + 1, sizeof *level);
	x = calloc(n + 1, sizeof *x);
	if (stack == NULL || level == NULL || x == NULL) {
		free(stack);
		free(level);
		free(x);
		return -1;
	}
	g->levels = 1;
	s->down = 1;
	open_frame(b);
	fp__buf_puts(b, "all\nrunning ");
	put_figure(b, s, total, s->sampled ? all_samples(s) : 0, total);
	fp__buf_printf(b, " in %zu thread%s", d->nthreads,
	    d->nthreads == 1 ? "" : "s");
	close_frame(b, s, FP__NONE, 0, 0, total, total, "all", 0);
	for (i = 0; i < n; i++)
		with_time += s->incl[i] > 0 && d->nodes[i].parent != FP__NONE;
	for (t = 0; t < d->nthreads; t++) {
		uint32_t r = d->threads[t].root;

		if (r >= n || !drawn(s, s->incl[r], total))
			continue;
		x[r] = tx;
		tx += s->incl[r];
		level[r] = 1;
		stack[sp++] = r;
		/* Depth first, children by rank: the script rebuilds the
		 * tree from this order. */
		while (sp > 0) {
			uint32_t m = stack[--sp];
			size_t lo = s->kstart[m], hi = s->kstart[m + 1], k, top;
			int64_t cx = x[m];

			if (level[m] + 1 > g->levels)
				g->levels = level[m] + 1;
			open_frame(b);
			if (d->nodes[m].parent == FP__NONE) {
				put_thread_name(b, s, t, SIZE_MAX);
				fp__buf_printf(b, "\nthread %" PRIu64 ", native id "
				    "%" PRId64 "\nrunning ", d->threads[t].ident,
				    d->threads[t].native_id);
				put_figure(b, s, s->incl[m], s->isamp[m], total);
				close_frame(b, s, FP__NONE, level[m], x[m],
				    s->incl[m], total, NULL, t);
			} else {
				drawn_with_time++;
				node_details(b, s, m, total);
				close_frame(b, s, d->nodes[m].func, level[m], x[m],
				    s->incl[m], total,
				    d->funcs[d->nodes[m].func].name, 0);
			}
			top = sp;
			for (k = lo; k < hi; k++) {
				uint32_t c = s->kids[k];

				if (!drawn(s, s->incl[c], total))
					continue;
				if (level[m] >= MAX_LEVEL) {
					g->deep = 1;
					continue;
				}
				x[c] = cx;
				cx += s->incl[c];
				level[c] = level[m] + 1;
				stack[sp++] = c;
			}
			/* Reverse the pushed children: the first pops first. */
			for (k = 0; k < (sp - top) / 2; k++) {
				uint32_t tmp = stack[top + k];

				stack[top + k] = stack[sp - 1 - k];
				stack[sp - 1 - k] = tmp;
			}
		}
	}
	g->hidden = with_time - drawn_with_time;
	free(stack);
	free(level);
	free(x);
	return 0;
}

/* Appends the details of a frame of the reverse graph; count is its calls
 * (its own samples when the profile is sampled). */
static void
rframe_details(fp__buf_t *b, const svg_t *s, const rframe_t *fr,
    uint32_t f, int64_t w, uint64_t count, int64_t total)
{
	const char *what = s->sampled ? "sample" : "call";

	put_text(b, s->d->funcs[f].name, SIZE_MAX);
	fp__buf_puts(b, "\n");
	put_location(b, s, f);
	if (fr->level == 1) {
		fp__buf_puts(b, "\nown time ");
		put_figure(b, s, w, count, total);
		fp__buf_printf(b, ", %" PRIu64 " %s%s", count, what,
		    count == 1 ? "" : "s");
		return;
	}
	fp__buf_puts(b, "\n");
	put_text(b, s->d->funcs[fr->base].name, SIZE_MAX);
	fp__buf_puts(b, " own time through here: ");
	put_figure(b, s, w, count, total);
	if (s->sampled)
		fp__buf_printf(b, ", %" PRIu64 " %s%s", count, what,
		    count == 1 ? "" : "s");
}

/* Sorts entries [lo, hi) by key, splits them into runs of one function
 * and pushes those drawn as the frames above fr (x from fr's left edge);
 * returns the number pushed and counts the others in g. */
static size_t
push_callers(const svg_t *s, rentry_t *e, const rframe_t *fr, rframe_t *stack,
    size_t sp, int64_t total, graph_t *g)
{
	const fp__pnode_t *nodes = s->d->nodes;
	size_t i = fr->lo, j, k, top = sp;
	int64_t cx = fr->x;

	/* A recursion climbs one run of entries already in order, once per
	 * level: checking is linear where sorting again would not be. */
	for (j = fr->lo + 1; j < fr->hi && e[j - 1].key <= e[j].key; j++)
		;
	if (j < fr->hi)
		qsort(e + fr->lo, fr->hi - fr->lo, sizeof *e, cmp_entry);
	if (fr->level >= MAX_LEVEL) {
		if (i < fr->hi && (e[i].key >> 32) != UINT32_MAX) {
			g->hidden++;
			g->deep = 1;
		}
		return 0;
	}
	while (i < fr->hi && (e[i].key >> 32) != UINT32_MAX) {
		int64_t w = 0;

		for (j = i; j < fr->hi && (e[j].key >> 32) == (e[i].key >> 32); j++)
			w += nodes[e[j].node].stats.own;
		if (drawn_reverse(s, w, total)) {
			rframe_t *c = &stack[sp++];

			c->lo = i;
			c->hi = j;
			c->level = fr->level + 1;
			c->x = cx;
			c->base = fr->level == 0 ? nodes[e[i].anc].func : fr->base;
			cx += w;
		} else {
			g->hidden++;
		}
		i = j;
	}
	for (k = 0; k < (sp - top) / 2; k++) {
		rframe_t tmp = stack[top + k];

		stack[top + k] = stack[sp - 1 - k];
		stack[sp - 1 - k] = tmp;
	}
	return sp - top;
}

/* Draws the reverse graph into b: level 1 holds the functions where the
 * running time is spent, each level above the callers of the one below.
 * Fills in g, where hidden counts the frames left out but not what would
 * have been above them. Returns 0 or -1 on ENOMEM. */
static int
draw_reverse(fp__buf_t *b, svg_t *s, graph_t *g)
{
	const fp__pdata_t *d = s->d;
	const fp__pnode_t *nodes = d->nodes;
	rentry_t *e = NULL;
	rframe_t *stack = NULL, root;
	size_t ne = 0, i, sp = 0;
	int64_t total = 0;
	uint64_t calls, all = 0;

	s->down = 0;
	for (i = 0; i < d->nnodes; i++) {
		if (nodes[i].func < d->nfuncs && nodes[i].stats.own > 0)
			ne++;
	}
	e = malloc((ne + 1) * sizeof *e);
	/* A frame's callers are pushed above its siblings: at most one run
	 * per entry per level on the stack, which ne + levels bounds. */
	stack = malloc((2 * ne + 2) * sizeof *stack);
	if (e == NULL || stack == NULL) {
		free(e);
		free(stack);
		return -1;
	}
	ne = 0;
	for (i = 0; i < d->nnodes; i++) {
		if (nodes[i].func < d->nfuncs && nodes[i].stats.own > 0) {
			e[ne].node = (uint32_t)i;
			e[ne].anc = (uint32_t)i;
			e[ne].key = ((uint64_t)s->rank[nodes[i].func] << 32) | i;
			total += nodes[i].stats.own;
			all += nodes[i].stats.own_samples;
			ne++;
		}
	}
	if (total <= 0)
		goto out;
	g->levels = 1;
	root.lo = 0;
	root.hi = ne;
	root.level = 0;
	root.x = 0;
	root.base = FP__NONE;
	open_frame(b);
	fp__buf_puts(b, "all\nown time ");
	put_figure(b, s, total, all, total);
	close_frame(b, s, FP__NONE, 0, 0, total, total, "all", 0);
	sp = push_callers(s, e, &root, stack, 0, total, g);
	while (sp > 0) {
		rframe_t fr = stack[--sp];
		uint32_t f = nodes[e[fr.lo].anc].func;
		int64_t w = 0;

		calls = 0;
		for (i = fr.lo; i < fr.hi; i++) {
			w += nodes[e[i].node].stats.own;
			calls += s->sampled ? nodes[e[i].node].stats.own_samples :
			    nodes[e[i].node].stats.calls;
		}
		if (fr.level + 1 > g->levels)
			g->levels = fr.level + 1;
		open_frame(b);
		rframe_details(b, s, &fr, f, w, calls, total);
		close_frame(b, s, f, fr.level, fr.x, w, total,
		    d->funcs[f].name, 0);
		/* Climb one caller up; a path that reached its thread's
		 * root sorts last and ends here. */
		for (i = fr.lo; i < fr.hi; i++) {
			uint32_t p = nodes[e[i].anc].parent;

			e[i].anc = p;
			if (p == FP__NONE || nodes[p].func >= d->nfuncs)
				e[i].key = ((uint64_t)UINT32_MAX << 32) | e[i].node;
			else
				e[i].key = ((uint64_t)s->rank[nodes[p].func] << 32) |
				    e[i].node;
		}
		sp += push_callers(s, e, &fr, stack, sp, total, g);
	}
out:
	free(e);
	free(stack);
	return 0;
}

/* The script that makes the graphs interactive; it runs at the end of the
 * document, after FL and FW (left edge and width of the frames' area), H
 * (the document's height) and BH (the details bar's). */
static const char script[] =
"var NS = \"http://www.w3.org/2000/svg\", CW = 7.2;\n"
"var graphs = [], details, bar, help, hint, last = \"\";\n"
"function init() {\n"
"  var probe = document.getElementById(\"probe\"), gs, i;\n"
"  try { if (probe.getComputedTextLength() > 0)\n"
"    CW = probe.getComputedTextLength() / 20; } catch (e) {}\n"
"  details = document.getElementById(\"details\");\n"
"  bar = document.getElementById(\"bar\");\n"
"  help = hint = details.textContent;\n"
"  gs = document.querySelectorAll(\"g.graph\");\n"
"  for (i = 0; i < gs.length; i++) graphs.push(load(gs[i]));\n"
"  document.addEventListener(\"click\", click);\n"
"  document.addEventListener(\"mouseover\", over);\n"
"  document.addEventListener(\"mouseout\", function () {\n"
"    details.textContent = hint; });\n"
"  document.addEventListener(\"keydown\", key);\n"
"  window.addEventListener(\"scroll\", pin);\n"
"  window.addEventListener(\"resize\", pin);\n"
"  pin();\n"
"}\n"
"/* Keeps the details bar at the bottom of the window. */\n"
"function pin() {\n"
"  var y = Math.min(H - BH, window.scrollY + window.innerHeight - BH);\n"
"  bar.setAttribute(\"transform\", \"translate(0,\" + Math.max(y, 0) + \")\");\n"
"}\n"
"/* Frames come depth first, and a child is one level further from the\n"
"   graph's base than its parent: a stack of its ancestors rebuilds the\n"
"   tree. (Levels go down from y 0 in the call tree, up from y -16 in the\n"
"   reverse graph: |y| grows with the level in both.) */\n"
"function load(g) {\n"
"  var es = g.querySelectorAll(\"g.f\"), gr = {frames: [],\n"
"    matched: g.querySelector(\".matched\")}, st = [], i, e, r, f;\n"
"  for (i = 0; i < es.length; i++) {\n"
"    e = es[i]; r = e.querySelector(\"rect\");\n"
"    f = {e: e, r: r, t: e.querySelector(\"text\"), i: i, end: es.length,\n"
"      kids: [], up: null, g: gr, nx: 0,\n"
"      w: parseFloat(r.getAttribute(\"width\")),\n"
"      y: parseFloat(r.getAttribute(\"y\")),\n"
"      name: e.querySelector(\"title\").textContent.split(\"\\n\")[0]};\n"
"    while (st.length && Math.abs(st[st.length - 1].y) >= Math.abs(f.y))\n"
"      st.pop().end = i;\n"
"    if (st.length) { f.up = st[st.length - 1]; f.up.kids.push(f); }\n"
"    st.push(f); e.fp = f; gr.frames.push(f);\n"
"  }\n"
"  gr.root = gr.frames[0];\n"
"  return gr;\n"
"}\n"
"function label(f, x, w) {\n"
"  var n = Math.floor((w - 6) / CW), s = \"\";\n"
"  if (n >= 3) s = f.name.length > n ? f.name.slice(0, n - 2) + \"..\" : f.name;\n"
"  if (!f.t) {\n"
"    if (!s) return;\n"
"    f.t = document.createElementNS(NS, \"text\");\n"
"    f.t.setAttribute(\"y\", f.y + 12);\n"
"    f.e.appendChild(f.t);\n"
"  }\n"
"  f.t.setAttribute(\"x\", (x + 3).toFixed(2));\n"
"  f.t.textContent = s;\n"
"}\n"
"function place(f, x, w, faded) {\n"
"  f.r.setAttribute(\"x\", x.toFixed(2));\n"
"  f.r.setAttribute(\"width\", w.toFixed(3));\n"
"  f.e.classList.remove(\"z\");\n"
"  f.e.classList.toggle(\"a\", faded);\n"
"  label(f, x, w);\n"
"}\n"
"/* Shows f across the whole width, its subtree laid out from the widths\n"
"   alone, its ancestors faded, and hides the rest. */\n"
"function zoom(gr, f) {\n"
"  var fr = gr.frames, s = FW / f.w, i, k, q, c, x;\n"
"  for (i = 0; i < fr.length; i++)\n"
"    if (i < f.i || i >= f.end) fr[i].e.classList.add(\"z\");\n"
"  for (q = f.up; q; q = q.up) place(q, FL, FW, true);\n"
"  f.nx = FL;\n"
"  place(f, FL, FW, false);\n"
"  for (i = f.i; i < f.end; i++) {\n"
"    q = fr[i]; x = q.nx;\n"
"    for (k = 0; k < q.kids.length; k++) {\n"
"      c = q.kids[k]; c.nx = x;\n"
"      place(c, x, c.w * s, false);\n"
"      x += c.w * s;\n"
"    }\n"
"  }\n"
"}\n"
"function reset() {\n"
"  for (var i = 0; i < graphs.length; i++)\n"
"    if (graphs[i].root) zoom(graphs[i], graphs[i].root);\n"
"}\n"
"/* Marks the frames whose name matches re (null: none) and shows the\n"
"   share of the running time under a marked frame, each counted once. */\n"
"function search(re) {\n"
"  var gi, gr, fr, i, sum;\n"
"  for (gi = 0; gi < graphs.length; gi++) {\n"
"    gr = graphs[gi]; fr = gr.frames; sum = 0;\n"
"    for (i = 1; i < fr.length; i++)\n"
"      fr[i].e.classList.toggle(\"m\", re !== null && re.test(fr[i].name));\n"
"    for (i = 1; i < fr.length;) {\n"
"      if (re !== null && fr[i].e.classList.contains(\"m\")) {\n"
"        sum += fr[i].w; i = fr[i].end;\n"
"      } else i++;\n"
"    }\n"
"    if (gr.matched) gr.matched.textContent = re === null ? \"\" :\n"
"      \"Matched: \" + (100 * sum / gr.root.w).toFixed(2) +\n"
"      \"% of the running time\";\n"
"    if (gi === 0) hint = re === null ? help : \"Search \" + re + \": \" +\n"
"      gr.matched.textContent + \" (Esc to clear)\";\n"
"  }\n"
"  details.textContent = hint;\n"
"}\n"
"function ask() {\n"
"  var s = window.prompt(\"Search function names (a regular expression; \" +\n"
"    \"empty to clear)\", last), re;\n"
"  if (s === null) return;\n"
"  last = s;\n"
"  if (s === \"\") { search(null); return; }\n"
"  try { re = new RegExp(s); } catch (e) {\n"
"    window.alert(\"Not a regular expression: \" + s); return; }\n"
"  search(re);\n"
"}\n"
"function click(ev) {\n"
"  var t = ev.target, b = t.closest ? t.closest(\".btn\") : null,\n"
"    e = t.closest ? t.closest(\"g.f\") : null;\n"
"  if (b && b.id === \"search\") ask();\n"
"  else if (b && b.id === \"clear\") { last = \"\"; search(null); }\n"
"  else if (b && b.id === \"reset\") reset();\n"
"  else if (e && e.fp) zoom(e.fp.g, e.fp);\n"
"}\n"
"function over(ev) {\n"
"  var e = ev.target.closest ? ev.target.closest(\"g.f\") : null;\n"
"  if (e) details.textContent =\n"
"    e.querySelector(\"title\").textContent.split(\"\\n\").join(\"  |  \");\n"
"}\n"
"function key(ev) {\n"
"  if ((ev.ctrlKey || ev.metaKey) && (ev.key === \"f\" || ev.key === \"F\")) {\n"
"    ev.preventDefault(); ask();\n"
"  } else if (ev.key === \"Escape\") { reset(); search(null); }\n"
"}\n"
"init();\n";

/* The style sheet: no fonts but the system's, nothing fetched. */
static const char style[] =
"text { font-family: \"DejaVu Sans Mono\", Menlo, Consolas, monospace;"
" font-size: 12px; fill: #000; }\n"
".title { font-family: sans-serif; font-size: 17px; font-weight: bold; }\n"
".gtitle { font-family: sans-serif; font-size: 14px; font-weight: bold; }\n"
".sub, .note { fill: #444; }\n"
".matched { fill: #a010a0; font-weight: bold; }\n"
".f { cursor: pointer; }\n"
".f text { pointer-events: none; }\n"
".f:hover rect { stroke: #000; stroke-width: 0.7; }\n"
".z { display: none; }\n"
".a rect { opacity: 0.5; }\n"
".m rect { fill: #e040e0; }\n"
".btn { cursor: pointer; }\n"
".btn rect { fill: #f0f0ea; stroke: #999; }\n"
"#probe { visibility: hidden; }\n";

/* Appends a button: a labelled box at x on the controls' row; returns the
 * x after it. */
static int
put_button(fp__buf_t *b, const char *id, const char *text, int x)
{
	int w = (int)(strlen(text) * CHAR_W) + 12;

	fp__buf_printf(b, "<g class=\"btn\" id=\"%s\"><rect x=\"%d\" y=\"70\" "
	    "width=\"%d\" height=\"18\" rx=\"3\"/><text x=\"%d\" y=\"83\">%s"
	    "</text></g>\n", id, x, w, x + 6, text);
	return x + w + 8;
}

/* Appends the header of graph g at y (its title, the matched share and a
 * line on the frames left out; reverse: of the reverse graph) and opens
 * its frames' group at base. */
static void
open_graph(fp__buf_t *b, const svg_t *s, int width, int y, const char *id,
    const char *title, const graph_t *g, int reverse, int base)
{
	double pct = s->o->threshold * 100;
	size_t hidden = g->hidden;
	const char *sep = "";

	fp__buf_printf(b, "<g class=\"graph\" id=\"%s\">\n<text class=\"gtitle\" "
	    "x=\"%d\" y=\"%d\">%s</text>\n<text class=\"matched\" x=\"%d\" "
	    "y=\"%d\" text-anchor=\"end\"></text>\n<text class=\"note\" "
	    "x=\"%d\" y=\"%d\">", id, MARGIN, y, title, width - MARGIN, y,
	    MARGIN, y + 16);
	if (hidden > 0) {
		fp__buf_printf(b, "%zu frame%s ", hidden, hidden == 1 ? "" : "s");
		if (pct > 0) {
			fp__buf_printf(b, "under %g%% of the running time", pct);
			sep = " or ";
		}
		if (reverse) {
			fp__buf_printf(b, "%snarrower than %g pixel", sep, MIN_WIDTH);
			sep = " or ";
		}
		if (g->deep)
			fp__buf_printf(b, "%sdeeper than %d levels", sep, MAX_LEVEL);
		fp__buf_printf(b, " %s not drawn%s", hidden == 1 ? "is" : "are",
		    reverse ? ", nor their callers" : "");
	} else if (pct > 0) {
		fp__buf_printf(b, "No frame is under %g%% of the running time: "
		    "every frame is drawn", pct);
	} else {
		fp__buf_puts(b, "Every frame is drawn");
	}
	fp__buf_printf(b, "</text>\n<g transform=\"translate(0,%d)\">\n", base);
}

/* Appends the title line: the program's command line. */
static void
put_title(fp__buf_t *b, const fp__pdata_t *d, int width)
{
	fp__buf_t cmd;
	int a;

	fp__buf_init(&cmd);
	fp__buf_puts(&cmd, fp__meta_sampled(&d->meta) ? "fullprof (sampled):" :
	    "fullprof:");
	for (a = 0; a < d->meta.argc; a++) {
		fp__buf_puts(&cmd, " ");
		fp__buf_puts(&cmd, d->meta.argv[a] ? d->meta.argv[a] : "");
	}
	if (d->meta.argc == 0)
		fp__buf_puts(&cmd, " flame graph");
	fp__buf_printf(b, "<text class=\"title\" x=\"%d\" y=\"24\" "
	    "text-anchor=\"middle\">", width / 2);
	put_text(b, cmd.data ? cmd.data : "fullprof", (size_t)(width / 10));
	fp__buf_puts(b, "</text>\n");
	fp__buf_free(&cmd);
}

/* Renders profile data as an interactive SVG flame graph. */
int
fp__render_svg(fp__buf_t *out, const fp__pdata_t *d, const fp__render_opts_t *o)
{
	static const fp__render_opts_t defaults;
	const fp__meta_t *m = &d->meta;
	fp__buf_t tree, rev;
	graph_t tg, rg;
	size_t t;
	int64_t total = 0;
	int width, x, top1 = 0, y2 = 0, base2 = 0, height, rc = FP_ERR_NOMEM;
	char dur[32];
	svg_t s;

	memset(&s, 0, sizeof s);
	s.d = d;
	s.o = o != NULL ? o : &defaults;
	s.sampled = fp__meta_sampled(m);
	width = s.o->width > 0 ? s.o->width : DEFAULT_WIDTH;
	if (width < 2 * MARGIN + 20)
		width = 2 * MARGIN + 20;
	s.fw = width - 2 * MARGIN;
	fp__buf_init(&tree);
	fp__buf_init(&rev);
	if (prepare(&s) != 0)
		goto out;
	for (t = 0; t < d->nthreads; t++) {
		if (d->threads[t].root < d->nnodes)
			total += s.incl[d->threads[t].root];
	}
	memset(&tg, 0, sizeof tg);
	memset(&rg, 0, sizeof rg);
	if (total > 0 && (draw_tree(&tree, &s, total, &tg) != 0 ||
	    draw_reverse(&rev, &s, &rg) != 0))
		goto out;
	if (tree.nomem || rev.nomem)
		goto out;

	/* The header, then the call tree from top1 down, then the reverse
	 * graph up from base2, then the details bar. */
	if (total > 0) {
		top1 = 112 + 24;
		y2 = top1 + (int)tg.levels * FRAME_H + 32;
		base2 = y2 + 24 + (int)rg.levels * FRAME_H;
		height = base2 + 12 + BAR_H;
	} else {
		height = 112 + 16 + BAR_H;
	}
	fp__buf_printf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\" "
	    "standalone=\"no\"?>\n<!-- flame graph written by fullprof "
	    FP_VERSION " -->\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "version=\"1.1\" width=\"%d\" height=\"%d\" "
	    "viewBox=\"0 0 %d %d\">\n<style type=\"text/css\"><![CDATA[\n%s]]>"
	    "</style>\n<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" "
	    "fill=\"#fbfbf6\"/>\n<text id=\"probe\" x=\"0\" y=\"-20\">"
	    "xxxxxxxxxxxxxxxxxxxx</text>\n", width, height, width, height,
	    style, width, height);
	put_title(out, d, width);
	fp__format_duration(m->duration, dur, sizeof dur);
	fp__buf_printf(out, "<text class=\"sub\" x=\"%d\" y=\"44\" "
	    "text-anchor=\"middle\">", width / 2);
	if (s.sampled) {
		char every[32];

		fp__format_duration(m->interval, every, sizeof every);
		fp__buf_printf(out, "Statistical profile, %s%s, ",
		    m->interval > 0 ? "a sample every " : "samples at mixed "
		    "intervals", m->interval > 0 ? every : "");
	}
	put_text(out, m->timer ? m->timer : "?", 32);
	fp__buf_printf(out, " timer, %s, Python ", dur);
	put_text(out, m->python ? m->python : "?", 32);
	fp__buf_printf(out, ", pid %ld, %zu thread%s, %zu function%s", m->pid,
	    d->nthreads, d->nthreads == 1 ? "" : "s", d->nfuncs,
	    d->nfuncs == 1 ? "" : "s");
	if (s.sampled)
		fp__buf_printf(out, ", %" PRIu64 " samples taken, %" PRIu64
		    " dropped", m->samples_taken, m->samples_dropped);
	if (m->lost > 0)
		fp__buf_printf(out, ", %" PRIu64 " %s lost for lack of memory",
		    m->lost, s.sampled ? "samples" : "calls");
	if (s.sampled)
		fp__buf_printf(out, "</text>\n<text class=\"sub\" x=\"%d\" "
		    "y=\"60\" text-anchor=\"middle\">Widths are estimated "
		    "running time (own time summed over the callees), from "
		    "samples: hover a frame for its samples; ± is one standard "
		    "error</text>\n", width / 2);
	else
		fp__buf_printf(out, "</text>\n<text class=\"sub\" x=\"%d\" "
		    "y=\"60\" text-anchor=\"middle\">Widths are running time "
		    "(own time summed over the callees), not time suspended at "
		    "await or yield: hover a coroutine for that</text>\n",
		    width / 2);
	x = put_button(out, "search", "Search (Ctrl+F)", MARGIN);
	x = put_button(out, "clear", "Clear search", x);
	put_button(out, "reset", "Reset zoom (Esc)", x);

	if (total > 0) {
		open_graph(out, &s, width, 112, "tree", "Call tree: callers "
		    "above, the functions they call below; threads side by side",
		    &tg, 0, top1);
		fp__buf_add(out, tree.data, tree.len);
		fp__buf_puts(out, "</g>\n</g>\n");
		open_graph(out, &s, width, y2, "callers", "Reverse "
		    "graph: where the running time is spent at the base, who "
		    "calls it above", &rg, 1, base2);
		fp__buf_add(out, rev.data, rev.len);
		fp__buf_puts(out, "</g>\n</g>\n");
	} else {
		fp__buf_printf(out, "<text class=\"gtitle\" x=\"%d\" y=\"%d\">No "
		    "running time was recorded: there is nothing to draw</text>\n",
		    MARGIN, 112);
	}
	/* The details bar: the script keeps it at the bottom of the window. */
	fp__buf_printf(out, "<g id=\"bar\" transform=\"translate(0,%d)\">"
	    "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" "
	    "fill=\"#fbfbf6\"/><text id=\"details\" class=\"note\" x=\"%d\" "
	    "y=\"15\">Hover a frame for its figures; click it to zoom in, "
	    "click a faded frame or press Esc to zoom out</text></g>\n",
	    height - BAR_H, width, BAR_H, MARGIN);
	fp__buf_printf(out, "<script type=\"text/ecmascript\"><![CDATA[\n"
	    "(function () {\n\"use strict\";\nvar FL = %d, FW = %d, H = %d, "
	    "BH = %d;\n%s})();\n]]></script>\n</svg>\n", MARGIN,
	    width - 2 * MARGIN, height, BAR_H, script);
	rc = out->nomem ? FP_ERR_NOMEM : FP_OK;
out:
	free(s.incl);
	free(s.isamp);
	free(s.rank);
	free(s.kids);
	free(s.kstart);
	fp__buf_free(&tree);
	fp__buf_free(&rev);
	return rc;
}
