/*
 * collapsed.c: the collapsed (folded) stacks format that Brendan
 * Gregg's flamegraph.pl, speedscope and inferno read: one line per call
 * path, its frames from the outermost joined by ';', a space, and the own
 * time of that path in whole microseconds; for a statistical profile, the
 * number of samples with that path at the top (what flamegraph.pl expects
 * from a sampler), written as they are.
 *
 * A Python function's frame is "name (file:line)", a C function's its
 * cProfile name alone ("<built-in method time.sleep>"). Frames never hold
 * ';' (made ',') nor line breaks (made '?'). When more than one thread has
 * time to show, each line starts with a frame "<thread NAME>" (the OS
 * thread id for a thread with no name; with " pid N" when the profile
 * spans processes). Paths whose own time rounds to 0 are left out; the
 * microseconds are rounded along the running sum, so the lines add up to
 * the total own time, rounded, and each line is within 1µs of its own
 * figure.
 *
 * A stack deeper than 256 frames keeps its outermost 128 and innermost 128
 * frames with a frame "[...]" between them, and the lines that then read
 * the same are written as one: each line holds the whole stack, so a
 * recursion 30000 deep would otherwise take gigabytes.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "report/formats.h"

/* Appends s with ';' made ',' and line breaks made '?'. */
static void
put_clean(fp__buf_t *out, const char *s)
{
	for (;;) {
		size_t n = strcspn(s, ";\n\r");

		fp__buf_add(out, s, n);
		s += n;
		if (*s == '\0')
			return;
		fp__buf_add(out, *s == ';' ? "," : "?", 1);
		s++;
	}
}

/* Appends the frame of function f. */
static void
put_frame(fp__buf_t *out, const fp__pfunc_t *f)
{
	put_clean(out, f->name);
	if (strcmp(f->file, "~") == 0 && f->line == 0)
		return;
	fp__buf_puts(out, " (");
	put_clean(out, f->file);
	fp__buf_printf(out, ":%d)", f->line);
}

/* Appends the frame of thread t: its name, or its OS thread id when it
 * has none. */
static void
put_thread(fp__buf_t *out, const fp__pthread_t *t, int with_pid)
{
	fp__buf_puts(out, "<thread ");
	if (t->name != NULL && t->name[0] != '\0')
		put_clean(out, t->name);
	else if (t->native_id > 0)
		fp__buf_printf(out, "%lld", (long long)t->native_id);
	else
		fp__buf_printf(out, "%llu", (unsigned long long)t->ident);
	if (with_pid)
		fp__buf_printf(out, " pid %llu", (unsigned long long)t->pid);
	fp__buf_puts(out, ">");
}

/* Frames kept at each end of a stack deeper than twice this. */
#define KEEP 128

/* The frames of each function, written once, and what the lines are made
 * of. */
typedef struct folder {
	const fp__pdata_t *d;
	fp__buf_t frames;	/* every function's frame */
	size_t *frame;		/* frame f is frame[f] to frame[f + 1] */
	uint32_t *depth;	/* by node: 0 for a thread root */
	uint32_t *anchor;	/* by node deeper than KEEP: its ancestor at
				 * depth KEEP, the last outer frame kept */
	int sampled;		/* a statistical profile: count samples */
} folder_t;

/* One line to write: a node, standing for every node whose elided line
 * reads the same, and their own time (or own samples). */
typedef struct line {
	uint32_t node;
	fp_time_t ns;
} line_t;

/* Returns what a node's line counts: its own time, or its own samples in
 * a statistical profile. */
static int64_t
weight(const folder_t *fo, const fp__pnode_t *n)
{
	if (fo->sampled)
		return n->stats.own_samples > INT64_MAX ? INT64_MAX :
		    (int64_t)n->stats.own_samples;
	return n->stats.own;
}

/* Returns the hash of a deep node's elided line: its anchor and the
 * functions of its last KEEP frames. */
static uint32_t
tail_hash(const folder_t *fo, uint32_t n)
{
	uint64_t h = fo->anchor[n];
	int k;

	for (k = 0; k < KEEP; k++, n = fo->d->nodes[n].parent)
		h = (h ^ fo->d->nodes[n].func) * 1099511628211ull;
	return fp__hash_u64(h);
}

/* Returns non-zero when deep nodes a and b have the same elided line. */
static int
same_tail(const folder_t *fo, uint32_t a, uint32_t b)
{
	int k;

	if (fo->anchor[a] != fo->anchor[b])
		return 0;
	for (k = 0; k < KEEP; k++) {
		if (fo->d->nodes[a].func != fo->d->nodes[b].func)
			return 0;
		a = fo->d->nodes[a].parent;
		b = fo->d->nodes[b].parent;
	}
	return 1;
}

/* Appends the frames of count nodes ending at node n, outermost first. */
static void
put_frames(fp__buf_t *out, const folder_t *fo, uint32_t n, uint32_t count)
{
	uint32_t path[2 * KEEP], i;

	for (i = 0; i < count; i++, n = fo->d->nodes[n].parent)
		path[i] = n;
	while (i > 0) {
		uint32_t f = fo->d->nodes[path[--i]].func;

		fp__buf_add(out, fo->frames.data + fo->frame[f],
		    fo->frame[f + 1] - fo->frame[f]);
		if (i > 0)
			fp__buf_add(out, ";", 1);
	}
}

/* Returns the microseconds of a running sum of nanoseconds, rounded. */
static int64_t
round_us(fp_time_t ns)
{
	return (ns + 500) / 1000;
}

/* Fills lines with the nodes that have own time, in node order; a node
 * deeper than 2 * KEEP joins the first one whose elided line reads the
 * same. Sets *count to the number of lines; returns 0 or -1 on ENOMEM. */
static int
collect_lines(folder_t *fo, line_t *lines, size_t *count)
{
	const fp__pdata_t *d = fo->d;
	uint32_t *slots = NULL;
	size_t cap = 16, nlines = 0, i;

	while (cap < 2 * d->nnodes)
		cap *= 2;
	for (i = 0; i < d->nnodes; i++) {
		const fp__pnode_t *n = &d->nodes[i];
		uint32_t depth;
		size_t j;

		if (n->func == FP__NONE) {
			fo->depth[i] = 0;
			fo->anchor[i] = FP__NONE;
			continue;
		}
		depth = fo->depth[i] = fo->depth[n->parent] + 1;
		fo->anchor[i] = depth == KEEP ? (uint32_t)i :
		    depth > KEEP ? fo->anchor[n->parent] : FP__NONE;
		if (weight(fo, n) <= 0)
			continue;
		if (depth <= 2 * KEEP) {
			lines[nlines].node = (uint32_t)i;
			lines[nlines++].ns = weight(fo, n);
			continue;
		}
		if (slots == NULL) {
			if ((slots = malloc(cap * sizeof *slots)) == NULL)
				return -1;
			memset(slots, 0xff, cap * sizeof *slots);
		}
		j = tail_hash(fo, (uint32_t)i) & (cap - 1);
		for (; slots[j] != FP__NONE; j = (j + 1) & (cap - 1))
			if (same_tail(fo, lines[slots[j]].node, (uint32_t)i))
				break;
		if (slots[j] == FP__NONE) {
			slots[j] = (uint32_t)nlines;
			lines[nlines].node = (uint32_t)i;
			lines[nlines++].ns = 0;
		}
		lines[slots[j]].ns += weight(fo, n);
	}
	free(slots);
	*count = nlines;
	return 0;
}

/* Renders profile data as collapsed stacks. Returns FP_OK or
 * FP_ERR_NOMEM. */
int
fp__render_collapsed(fp__buf_t *out, const fp__pdata_t *d,
    const fp__render_opts_t *o)
{
	folder_t fo;
	line_t *lines = NULL;
	uint8_t *has_time = NULL;
	size_t i, nlines, nthreads = 0;
	fp_time_t running = 0;
	int with_pid = 0, with_thread, rc = FP_ERR_NOMEM;

	(void)o;
	memset(&fo, 0, sizeof fo);
	fo.d = d;
	fo.sampled = fp__meta_sampled(&d->meta);
	fp__buf_init(&fo.frames);
	fo.frame = malloc((d->nfuncs + 1) * sizeof *fo.frame);
	fo.depth = malloc((d->nnodes + 1) * sizeof *fo.depth);
	fo.anchor = malloc((d->nnodes + 1) * sizeof *fo.anchor);
	lines = malloc((d->nnodes + 1) * sizeof *lines);
	has_time = calloc(d->nthreads + 1, 1);
	if (fo.frame == NULL || fo.depth == NULL || fo.anchor == NULL ||
	    lines == NULL || has_time == NULL)
		goto out;
	for (i = 0; i < d->nfuncs; i++) {
		fo.frame[i] = fo.frames.len;
		put_frame(&fo.frames, &d->funcs[i]);
	}
	fo.frame[d->nfuncs] = fo.frames.len;
	if (fo.frames.nomem || collect_lines(&fo, lines, &nlines) != 0)
		goto out;
	for (i = 0; i < nlines; i++) {
		uint32_t t = d->nodes[lines[i].node].thread;

		if (!has_time[t]) {
			has_time[t] = 1;
			nthreads++;
		}
		if (d->threads[t].pid != d->threads[0].pid)
			with_pid = 1;
	}
	with_thread = nthreads > 1;
	for (i = 0; i < nlines; i++) {
		uint32_t n = lines[i].node, depth = fo.depth[n];
		int64_t us;

		if (fo.sampled) {
			us = lines[i].ns;
		} else {
			us = round_us(running + lines[i].ns) - round_us(running);
			running += lines[i].ns;
		}
		if (us == 0)
			continue;
		if (with_thread) {
			put_thread(out, &d->threads[d->nodes[n].thread],
			    with_pid);
			fp__buf_add(out, ";", 1);
		}
		if (depth <= 2 * KEEP) {
			put_frames(out, &fo, n, depth);
		} else {
			put_frames(out, &fo, fo.anchor[n], KEEP);
			fp__buf_puts(out, ";[...];");
			put_frames(out, &fo, n, KEEP);
		}
		fp__buf_printf(out, " %lld\n", (long long)us);
	}
	rc = out->nomem ? FP_ERR_NOMEM : FP_OK;
out:
	free(fo.frame);
	free(fo.depth);
	free(fo.anchor);
	fp__buf_free(&fo.frames);
	free(lines);
	free(has_time);
	return rc;
}
