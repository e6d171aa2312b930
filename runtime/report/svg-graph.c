/*
 * svg-graph.c: the graphs of the svg flame graph (the page around them is
 * svg.c, which says how they are laid out): the frames of the call tree,
 * drawn from its root down, and of the reverse graph, drawn from the
 * functions where the time is spent up to their callers, each frame with
 * its details, its width in pixels and its colour.
 */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/formats.h"
#include "report/svg.h"

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

/* Appends the label of a frame w pixels wide: as much of name as fits. */
static void
put_label(fp__buf_t *b, const char *name, double w)
{
	double fit = (w - 6) / CHAR_W;

	if (fit >= 3)
		fp__svg_put_text(b, name, (size_t)fit);
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

/* Appends an estimate of n samples out of `of` (0: unknown), its standard
 * error and its share of total: "1.350s ± 0.040s (12.34%)". */
static void
put_estimate(fp__buf_t *b, int64_t ns, uint64_t n, uint64_t of,
    int64_t total)
{
	char est[64];

	fp__format_estimate(ns, fp__sample_error(ns, n, of), est, sizeof est);
	fp__buf_printf(b, "%s (%.2f%%)", est,
	    total > 0 ? 100.0 * (double)ns / (double)total : 0.0);
}

/* Appends a figure of subtree or frame with n samples out of `of` (the
 * samples of its thread, 0 when unknown): as an estimate when the profile
 * is sampled, else as a duration; both with the share. */
static void
put_figure(fp__buf_t *b, const fp__svg_t *s, int64_t ns, uint64_t n,
    uint64_t of, int64_t total)
{
	if (s->sampled)
		put_estimate(b, ns, n, of, total);
	else
		put_share(b, ns, total);
}

/* Appends where function f is defined, as the table shows it. */
static void
put_location(fp__buf_t *b, const fp__svg_t *s, uint32_t f)
{
	const fp__pfunc_t *fn = &s->d->funcs[f];
	char path[4096];

	if (strcmp(fn->file, "~") == 0) {
		fp__buf_puts(b, "built-in");
		return;
	}
	fp__format_path(fn->file, s->o, 0, path, sizeof path);
	fp__svg_put_text(b, path, SIZE_MAX);
	if (fn->line > 0)
		fp__buf_printf(b, ":%d", fn->line);
}

/* Appends the name of thread t: its name, or "Thread <ident>", with its
 * process when the profile holds several. */
static void
put_thread_name(fp__buf_t *b, const fp__svg_t *s, uint32_t t, size_t max)
{
	const fp__pthread_t *th = &s->d->threads[t];
	char name[64];

	if (th->name[0] == '\0') {
		snprintf(name, sizeof name, "Thread %" PRIu64, th->ident);
		fp__svg_put_text(b, name, max);
	} else {
		fp__svg_put_text(b, th->name, max);
	}
	if (s->multi_pid)
		fp__buf_printf(b, " (pid %" PRIu64 ")", th->pid);
}

/* Appends the pixel width of ns as a number with six significant digits. */
static void
put_width(fp__buf_t *b, const fp__svg_t *s, int64_t ns, int64_t total)
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
close_frame(fp__buf_t *b, const fp__svg_t *s, uint32_t f, uint32_t level,
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
int
fp__svg_prepare(fp__svg_t *s)
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
drawn(const fp__svg_t *s, int64_t ns, int64_t total)
{
	return ns > 0 && (double)ns >= s->o->threshold * (double)total;
}

/* Returns non-zero when a frame of the reverse graph is drawn: as drawn()
 * says, and at least MIN_WIDTH pixels wide (as flamegraph.pl's --minwidth:
 * the reverse graph holds a frame per caller path of every function, many
 * more than the call tree, most of them too narrow to be seen). */
static int
drawn_reverse(const fp__svg_t *s, int64_t ns, int64_t total)
{
	return drawn(s, ns, total) &&
	    (double)ns / (double)total * s->fw >= MIN_WIDTH;
}

/* Returns the samples of the thread node n belongs to. */
static uint64_t
thread_samples(const fp__svg_t *s, uint32_t n)
{
	uint32_t t = s->d->nodes[n].thread;

	if (t >= s->d->nthreads || s->d->threads[t].root >= s->d->nnodes)
		return 0;
	return s->isamp[s->d->threads[t].root];
}

/* Appends the details of node n of the call tree. */
static void
node_details(fp__buf_t *b, const fp__svg_t *s, uint32_t n, int64_t total)
{
	const fp__pnode_t *nd = &s->d->nodes[n];
	const fp__stats_t *st = &nd->stats;
	char dur[32];

	fp__svg_put_text(b, s->d->funcs[nd->func].name, SIZE_MAX);
	fp__buf_puts(b, "\n");
	put_location(b, s, nd->func);
	fp__buf_puts(b, "\nrunning ");
	put_figure(b, s, s->incl[n], s->isamp[n], thread_samples(s, n), total);
	if (s->sampled) {
		char est[64];

		fp__format_estimate(st->own, fp__sample_error(st->own,
		    st->own_samples, thread_samples(s, n)), est, sizeof est);
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
all_samples(const fp__svg_t *s)
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
int
fp__svg_draw_tree(fp__buf_t *b, fp__svg_t *s, int64_t total,
    fp__svg_graph_t *g)
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
	put_figure(b, s, total, s->sampled ? all_samples(s) : 0,
	    s->sampled ? all_samples(s) : 0, total);
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
				put_figure(b, s, s->incl[m], s->isamp[m],
				    s->isamp[m], total);
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
rframe_details(fp__buf_t *b, const fp__svg_t *s, const rframe_t *fr,
    uint32_t f, int64_t w, uint64_t count, int64_t total)
{
	const char *what = s->sampled ? "sample" : "call";

	fp__svg_put_text(b, s->d->funcs[f].name, SIZE_MAX);
	fp__buf_puts(b, "\n");
	put_location(b, s, f);
	if (fr->level == 1) {
		fp__buf_puts(b, "\nown time ");
		put_figure(b, s, w, count, 0, total);
		fp__buf_printf(b, ", %" PRIu64 " %s%s", count, what,
		    count == 1 ? "" : "s");
		return;
	}
	fp__buf_puts(b, "\n");
	fp__svg_put_text(b, s->d->funcs[fr->base].name, SIZE_MAX);
	fp__buf_puts(b, " own time through here: ");
	put_figure(b, s, w, count, 0, total);
	if (s->sampled)
		fp__buf_printf(b, ", %" PRIu64 " %s%s", count, what,
		    count == 1 ? "" : "s");
}

/* Sorts entries [lo, hi) by key, splits them into runs of one function
 * and pushes those drawn as the frames above fr (x from fr's left edge);
 * returns the number pushed and counts the others in g. */
static size_t
push_callers(const fp__svg_t *s, rentry_t *e, const rframe_t *fr,
    rframe_t *stack, size_t sp, int64_t total, fp__svg_graph_t *g)
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
int
fp__svg_draw_reverse(fp__buf_t *b, fp__svg_t *s, fp__svg_graph_t *g)
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
	put_figure(b, s, total, all, all, total);
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

