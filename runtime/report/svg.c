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
 *
 * This file writes the page: the header, the buttons, each graph's title
 * and notes, the text of names, the details bar. The frames of both graphs
 * are drawn by svg-graph.c; the script and the style sheet are real files,
 * flamegraph.js and flamegraph.css, which the build embeds as C strings.
 */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "report/formats.h"
#include "report/svg.h"

/* The script (flamegraph_js) and the style sheet (flamegraph_css), made
 * by embed.awk from runtime/report/flamegraph.js and flamegraph.css. */
#include "report/flamegraph.h"

#define DEFAULT_WIDTH 1200
#define BAR_H 22		/* pixels: the details bar */

/* Returns non-zero when XML 1.0 can carry cp and it is no control
 * character (those are shown as U+FFFD, like invalid bytes). */
static int
printable(uint32_t cp)
{
	return cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp < 0xA0) &&
	    cp != 0xFFFE && cp != 0xFFFF;
}

/* Returns the number of characters fp__svg_put_text would show for s. */
static size_t
text_length(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0, len;
	uint32_t cp;

	for (; *p != '\0'; p += len ? len : 1, n++)
		len = fp__utf8_decode(p, SIZE_MAX, &cp);
	return n;
}

/* Appends s as XML character data (fit for attributes too), at most max
 * characters of it: a longer s ends in "..". Bytes that are not UTF-8 and
 * characters XML cannot carry become U+FFFD. */
void
fp__svg_put_text(fp__buf_t *b, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t keep = max, shown = 0, len;
	uint32_t cp;

	if (text_length(s) > max)
		keep = max >= 2 ? max - 2 : 0;
	for (; *p != '\0' && shown < keep; p += len ? len : 1, shown++) {
		len = fp__utf8_decode(p, SIZE_MAX, &cp);
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
open_graph(fp__buf_t *b, const fp__svg_t *s, int width, int y, const char *id,
    const char *title, const fp__svg_graph_t *g, int reverse, int base)
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
	fp__svg_put_text(b, cmd.data ? cmd.data : "fullprof",
	    (size_t)(width / 10));
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
	fp__svg_graph_t tg, rg;
	size_t t;
	int64_t total = 0;
	int width, x, top1 = 0, y2 = 0, base2 = 0, height, rc = FP_ERR_NOMEM;
	char dur[32];
	fp__svg_t s;

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
	if (fp__svg_prepare(&s) != 0)
		goto out;
	for (t = 0; t < d->nthreads; t++) {
		if (d->threads[t].root < d->nnodes)
			total += s.incl[d->threads[t].root];
	}
	memset(&tg, 0, sizeof tg);
	memset(&rg, 0, sizeof rg);
	if (total > 0 && (fp__svg_draw_tree(&tree, &s, total, &tg) != 0 ||
	    fp__svg_draw_reverse(&rev, &s, &rg) != 0))
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
	    flamegraph_css, width, height);
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
	fp__svg_put_text(out, m->timer ? m->timer : "?", 32);
	fp__buf_printf(out, " timer, %s, Python ", dur);
	fp__svg_put_text(out, m->python ? m->python : "?", 32);
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
	    width - 2 * MARGIN, height, BAR_H, flamegraph_js);
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
