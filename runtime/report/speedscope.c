/*
 * speedscope.c: the speedscope output format
 * (https://www.speedscope.app/file-format-schema.json), for the speedscope
 * viewer: one "evented" profile per thread over one shared list of frames
 * (one frame per function), in integer nanoseconds.
 *
 * The calling-context tree has no timeline, so the events lay it out as
 * one: a node opens where its previous sibling closed, its children follow
 * one another from there in the order they were first called, and it closes
 * after its own time, its running time (own time summed over its subtree,
 * suspension left out) after it opened. Evented rather than sampled keeps
 * the file at two events per call path, where samples would repeat every
 * stack in full. speedscope's "left heavy" and "sandwich" views then give
 * the same figures as fullprof's table; "time order" is this layout.
 *
 * A statistical profile is what speedscope's "sampled" profiles are for:
 * each thread's profile lists, for every call path with estimated own
 * time, its stack (frame indices from the outermost) once, weighted by
 * that estimate in nanoseconds, in the order the paths were first
 * sampled. As the stacks are written whole, a profile whose stacks would
 * hold more than MAX_SAMPLED_FRAMES frames in all falls back to the
 * evented layout, which gives the same figures.
 */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/formats.h"

#define MAX_SAMPLED_FRAMES ((size_t)1 << 24)

/* One step of the depth-first walk: open node, or close it at a time. */
typedef struct step {
	uint32_t node;
	int close;
	int64_t at;
} step_t;

/* Appends the name of thread t: its name, or "Thread <ident>", with its
 * process when the profile holds several. */
static void
put_thread_name(fp__buf_t *b, const fp__pdata_t *d, uint32_t t, int multi_pid)
{
	const fp__pthread_t *th = &d->threads[t];
	fp__buf_t name;

	fp__buf_init(&name);
	if (th->name[0] == '\0')
		fp__buf_printf(&name, "Thread %" PRIu64, th->ident);
	else
		fp__buf_puts(&name, th->name);
	if (multi_pid)
		fp__buf_printf(&name, " (pid %" PRIu64 ")", th->pid);
	fp__buf_json_string(b, name.data ? name.data : "");
	if (name.nomem)
		b->nomem = 1;
	fp__buf_free(&name);
}

/* Appends the document's name: "fullprof: " and the command line. */
static void
put_name(fp__buf_t *b, const fp__pdata_t *d)
{
	fp__buf_t name;
	int a;

	fp__buf_init(&name);
	fp__buf_puts(&name, fp__meta_sampled(&d->meta) ? "fullprof (sampled):" :
	    "fullprof:");
	for (a = 0; a < d->meta.argc; a++) {
		fp__buf_puts(&name, " ");
		fp__buf_puts(&name, d->meta.argv[a] ? d->meta.argv[a] : "");
	}
	fp__buf_json_string(b, name.data ? name.data : "fullprof");
	if (name.nomem)
		b->nomem = 1;
	fp__buf_free(&name);
}

/* Appends the events of thread t's tree, walking it depth first with
 * children in node order (the order of their first calls). */
static void
put_events(fp__buf_t *b, const fp__pdata_t *d, uint32_t t, const int64_t *incl,
    const uint32_t *kids, const uint32_t *kstart, step_t *stack)
{
	size_t sp = 0, k, top, n = 0;
	int64_t at = 0;

	stack[sp].node = d->threads[t].root;
	stack[sp].close = 0;
	stack[sp++].at = 0;
	while (sp > 0) {
		step_t st = stack[--sp];
		uint32_t m = st.node;

		if (st.close) {
			at = st.at;
			fp__buf_printf(b, "%s\n    {\"type\": \"C\", \"frame\": %" PRIu32
			    ", \"at\": %" PRId64 "}", n++ ? "," : "",
			    d->nodes[m].func, at);
			continue;
		}
		/* A thread's root is no frame: its profile stands for it. */
		if (d->nodes[m].parent != FP__NONE) {
			fp__buf_printf(b, "%s\n    {\"type\": \"O\", \"frame\": %" PRIu32
			    ", \"at\": %" PRId64 "}", n++ ? "," : "",
			    d->nodes[m].func, at);
			stack[sp].node = m;
			stack[sp].close = 1;
			stack[sp++].at = at + incl[m];
		}
		top = sp;
		for (k = kstart[m]; k < kstart[m + 1]; k++) {
			if (incl[kids[k]] <= 0)
				continue;
			stack[sp].node = kids[k];
			stack[sp].close = 0;
			stack[sp++].at = 0;
		}
		/* Reverse the pushed children: the first pops first. */
		for (k = 0; k < (sp - top) / 2; k++) {
			step_t tmp = stack[top + k];

			stack[top + k] = stack[sp - 1 - k];
			stack[sp - 1 - k] = tmp;
		}
	}
}

/* Appends the samples and weights of thread t: one stack per node of its
 * with own time (its nodes are order[lo..hi), in node order), using path
 * (room for the deepest stack) as scratch. */
static void
put_samples(fp__buf_t *b, const fp__pdata_t *d, const uint32_t *order,
    size_t lo, size_t hi, uint32_t *path)
{
	size_t i, k, n = 0;

	fp__buf_puts(b, "\n   \"samples\": [");
	for (i = lo; i < hi; i++) {
		uint32_t m = order[i], depth = 0;

		if (d->nodes[m].stats.own <= 0)
			continue;
		for (; d->nodes[m].parent != FP__NONE; m = d->nodes[m].parent)
			path[depth++] = d->nodes[m].func;
		fp__buf_puts(b, n++ ? ",\n    [" : "\n    [");
		for (k = depth; k > 0; k--)
			fp__buf_printf(b, "%s%" PRIu32, k < depth ? ", " : "",
			    path[k - 1]);
		fp__buf_puts(b, "]");
	}
	fp__buf_puts(b, "],\n   \"weights\": [");
	n = 0;
	for (i = lo; i < hi; i++) {
		const fp__stats_t *st = &d->nodes[order[i]].stats;

		if (st->own <= 0)
			continue;
		fp__buf_printf(b, "%s%" PRId64, n++ ? ", " : "", st->own);
	}
	fp__buf_puts(b, "]");
}

/* Orders the nodes of d by thread, keeping node order within a thread:
 * thread t's are order[tstart[t]..tstart[t + 1]). Returns the number of
 * frames the stacks of the nodes with own time hold in all, and sets
 * *deepest to the deepest such stack. */
static size_t
by_thread(const fp__pdata_t *d, uint32_t *order, size_t *tstart,
    uint32_t *depth, size_t *deepest)
{
	size_t i, frames = 0, *fill = tstart + d->nthreads + 1;

	*deepest = 0;
	for (i = 0; i < d->nnodes; i++) {
		uint32_t p = d->nodes[i].parent;

		depth[i] = p == FP__NONE ? 0 : depth[p] + 1;
		tstart[d->nodes[i].thread + 1]++;
		if (d->nodes[i].stats.own > 0) {
			frames += depth[i];
			if (depth[i] > *deepest)
				*deepest = depth[i];
		}
	}
	for (i = 0; i < d->nthreads; i++) {
		tstart[i + 1] += tstart[i];
		fill[i] = tstart[i];
	}
	for (i = 0; i < d->nnodes; i++)
		order[fill[d->nodes[i].thread]++] = (uint32_t)i;
	return frames;
}

/* Renders profile data in speedscope's file format. */
int
fp__render_speedscope(fp__buf_t *out, const fp__pdata_t *d,
    const fp__render_opts_t *o)
{
	size_t n = d->nnodes, i, t, np = 0, active = 0;
	int64_t *incl = calloc(n + 1, sizeof *incl), best = -1;
	uint32_t *kids = calloc(n + 1, sizeof *kids);
	uint32_t *kstart = calloc(n + 2, sizeof *kstart);
	uint32_t *fill = calloc(n + 1, sizeof *fill);
	step_t *stack = calloc(2 * n + 2, sizeof *stack);
	uint32_t *order = NULL, *path = NULL;
	size_t *tstart = NULL, deepest = 0;
	int multi_pid = 0, sampled = 0, rc = FP_ERR_NOMEM;

	(void)o;
	if (incl == NULL || kids == NULL || kstart == NULL || fill == NULL ||
	    stack == NULL)
		goto out;
	if (fp__meta_sampled(&d->meta)) {
		order = calloc(n + 1, sizeof *order);
		tstart = calloc(2 * d->nthreads + 2, sizeof *tstart);
		if (order == NULL || tstart == NULL)
			goto out;
		/* kids serves as scratch for the depths until it is filled. */
		sampled = by_thread(d, order, tstart, kids, &deepest) <=
		    MAX_SAMPLED_FRAMES;
		memset(kids, 0, (n + 1) * sizeof *kids);
		if (sampled && (path = calloc(deepest + 1, sizeof *path)) == NULL)
			goto out;
	}
	/* Running time of each subtree: parents come before children, so
	 * summing from the last node up completes a subtree before its
	 * parent's is used. */
	for (i = 0; i < n; i++)
		incl[i] = d->nodes[i].stats.own > 0 ? d->nodes[i].stats.own : 0;
	for (i = n; i-- > 0;) {
		uint32_t p = d->nodes[i].parent;

		if (p != FP__NONE && p < n)
			incl[p] += incl[i];
	}
	for (i = 0; i < n; i++) {
		uint32_t p = d->nodes[i].parent;

		if (p != FP__NONE && p < n && d->nodes[i].func < d->nfuncs)
			kstart[p + 1]++;
	}
	for (i = 0; i < n; i++)
		kstart[i + 1] += kstart[i];
	for (i = 0; i < n; i++) {
		uint32_t p = d->nodes[i].parent;

		if (p != FP__NONE && p < n && d->nodes[i].func < d->nfuncs)
			kids[kstart[p] + fill[p]++] = (uint32_t)i;
	}
	for (t = 1; t < d->nthreads; t++) {
		if (d->threads[t].pid != d->threads[0].pid)
			multi_pid = 1;
	}
	/* The thread with the most running time opens first. */
	for (t = 0; t < d->nthreads; t++) {
		uint32_t r = d->threads[t].root;

		if (r >= n || incl[r] <= 0)
			continue;
		if (incl[r] > best) {
			best = incl[r];
			active = np;
		}
		np++;
	}

	fp__buf_puts(out, "{\"$schema\": "
	    "\"https://www.speedscope.app/file-format-schema.json\",\n"
	    " \"exporter\": \"fullprof " FP_VERSION "\", \"name\": ");
	put_name(out, d);
	fp__buf_printf(out, ", \"activeProfileIndex\": %zu,\n"
	    " \"shared\": {\"frames\": [", active);
	for (i = 0; i < d->nfuncs; i++) {
		const fp__pfunc_t *f = &d->funcs[i];

		fp__buf_puts(out, i ? ",\n  {\"name\": " : "\n  {\"name\": ");
		fp__buf_json_string(out, f->name);
		if (strcmp(f->file, "~") != 0) {
			fp__buf_puts(out, ", \"file\": ");
			fp__buf_json_string(out, f->file);
			if (f->line > 0)
				fp__buf_printf(out, ", \"line\": %d", f->line);
		}
		fp__buf_puts(out, "}");
	}
	fp__buf_puts(out, "]},\n \"profiles\": [");
	np = 0;
	for (t = 0; t < d->nthreads; t++) {
		uint32_t r = d->threads[t].root;

		if (r >= n || incl[r] <= 0)
			continue;
		fp__buf_printf(out, "%s\n  {\"type\": \"%s\", \"name\": ",
		    np++ ? "," : "", sampled ? "sampled" : "evented");
		put_thread_name(out, d, (uint32_t)t, multi_pid);
		fp__buf_printf(out, ", \"unit\": \"nanoseconds\", "
		    "\"startValue\": 0, \"endValue\": %" PRId64 ",", incl[r]);
		if (sampled) {
			put_samples(out, d, order, tstart[t], tstart[t + 1], path);
			fp__buf_puts(out, "}");
			continue;
		}
		fp__buf_puts(out, "\n   \"events\": [");
		put_events(out, d, (uint32_t)t, incl, kids, kstart, stack);
		fp__buf_puts(out, "]}");
	}
	fp__buf_puts(out, "]}\n");
	rc = out->nomem ? FP_ERR_NOMEM : FP_OK;
out:
	free(incl);
	free(kids);
	free(kstart);
	free(fill);
	free(stack);
	free(order);
	free(tstart);
	free(path);
	return rc;
}
