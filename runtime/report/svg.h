/*
 * svg.h: what the two halves of the svg writer share, and no other file
 * uses: the page (svg.c: the document, its header and buttons, the text of
 * names, the embedded script and style sheet) and the graphs (svg-graph.c:
 * the frames of the call tree and of the reverse graph, with their
 * details). Ownership: fp__svg_prepare allocates the arrays of an
 * fp__svg_t, and whoever renders frees them, even after a failure; the
 * profile data and options it points to stay the caller's.
 */
#ifndef FP_SVG_H
#define FP_SVG_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/pdata.h"
#include "report/report.h"

#define MARGIN 10		/* pixels left and right of the graphs */
#define FRAME_H 16		/* pixels per level (rect 15, gap 1) */
#define CHAR_W 7.2		/* width of a 12px monospace character */
#define MIN_WIDTH 0.1		/* pixels: narrower reverse frames are left out */
#define MAX_LEVEL 1024		/* deeper frames are left out */

/* What every part of a rendering needs. */
typedef struct fp__svg {
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
} fp__svg_t;

/* What a graph holds, for its header and height. */
typedef struct fp__svg_graph {
	uint32_t levels;	/* levels drawn, "all" included */
	size_t hidden;		/* frames with time left out */
	int deep;		/* some were left out for being too deep */
} fp__svg_graph_t;

/* Appends s as XML character data (fit for attributes too), at most max
 * characters of it: a longer s ends in "..". Bytes that are not UTF-8 and
 * characters XML cannot carry become U+FFFD. */
void fp__svg_put_text(fp__buf_t *b, const char *s, size_t max);

/* Computes the running time of every subtree, the functions' ranks and
 * each node's children in rank order into s (whose d and o are set);
 * returns 0 or -1 on ENOMEM. */
int fp__svg_prepare(fp__svg_t *s);

/* Draws the call tree into b: its frames only, from the top down ("all",
 * the threads, what they called...), and fills in g. Returns 0 or -1 on
 * ENOMEM. */
int fp__svg_draw_tree(fp__buf_t *b, fp__svg_t *s, int64_t total,
    fp__svg_graph_t *g);

/* Draws the reverse graph into b (the functions where the running time is
 * spent at level 1, their callers above) and fills in g. Returns 0 or -1
 * on ENOMEM. */
int fp__svg_draw_reverse(fp__buf_t *b, fp__svg_t *s, fp__svg_graph_t *g);

#endif /* FP_SVG_H */
