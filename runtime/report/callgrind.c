/*
 * callgrind.c: the callgrind format, the text file valgrind's
 * callgrind tool writes, which kcachegrind, qcachegrind and
 * callgrind_annotate read.
 *
 * One event, ns (nanoseconds). Each function's self cost is its own time,
 * at its first line; each call line is followed by the callee's total on
 * that edge (summed over the call paths where the caller calls it, counted
 * once per outermost activation, so a recursive call costs 0). A function's
 * inclusive cost is then the sum of its incoming calls, which equals its
 * total. Every thread has a root function "<thread NAME>" (file "~"; the
 * OS thread id stands for a missing name) that calls what ran at the top
 * of that thread, so every real function has a caller and its inclusive
 * figure is right in callgrind_annotate too.
 *
 * A statistical profile has two events, ns (the estimated time) and
 * samples: a function's self cost is its estimated own time and the
 * samples with it at the top; a call line's count (calls=) is the samples
 * with that edge on the stack, and its cost the callee's estimated total
 * and those samples, so the inclusive figures are the estimated totals and
 * the samples with the function on the stack.
 *
 * Names are compressed ("fl=(3) /src/app.py" once, "fl=(3)" after); two
 * functions of the same name in one file are told apart as "name:LINE".
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report/formats.h"

/* A call path reduced to the functions at its two ends; for a call at the
 * top of a thread, caller is that thread's root function. */
typedef struct edge {
	uint32_t caller, callee, node;
} edge_t;

/* What the writer knows of each function, real or thread root. */
typedef struct cfunc {
	const char *file;
	const char *name;
	int line;
	uint32_t file_id;	/* compressed file name, from 1 */
	uint8_t by_line;	/* name shared in its file: add ":LINE" */
	uint8_t named;		/* its "(id) name" has been written */
	uint8_t present;	/* some node or edge names it */
	fp_time_t self;
	uint64_t self_samples;	/* statistical profiles only */
} cfunc_t;

typedef struct writer {
	fp__buf_t *out;
	cfunc_t *funcs;
	size_t nfuncs;		/* real and thread root functions */
	uint8_t *file_named;	/* by file id */
	int sampled;		/* a statistical profile: two events */
} writer_t;

/* Orders functions (pointers to them) by file, name and line. */
static int
func_cmp(const void *pa, const void *pb)
{
	const cfunc_t *a = *(const cfunc_t *const *)pa;
	const cfunc_t *b = *(const cfunc_t *const *)pb;
	int c = strcmp(a->file, b->file);

	if (c == 0)
		c = strcmp(a->name, b->name);
	if (c == 0)
		c = (a->line > b->line) - (a->line < b->line);
	return c;
}

/* Orders strings (pointers to them) bytewise, then by address, so equal
 * labels sort in thread order. */
static int
label_cmp(const void *pa, const void *pb)
{
	const char *const *a = *(const char *const *const *)pa;
	const char *const *b = *(const char *const *const *)pb;
	int c = strcmp(*a, *b);

	return c != 0 ? c : (a > b) - (a < b);
}

/* Orders edges by caller, callee and node. */
static int
edge_cmp(const void *pa, const void *pb)
{
	const edge_t *a = pa, *b = pb;

	if (a->caller != b->caller)
		return a->caller < b->caller ? -1 : 1;
	if (a->callee != b->callee)
		return a->callee < b->callee ? -1 : 1;
	return a->node < b->node ? -1 : a->node > b->node;
}

/* Appends s with line breaks made '?', or "???" for an empty s, so that
 * every name stays on its line and is never mistaken for a reference. */
static void
put_name(fp__buf_t *out, const char *s)
{
	const char *p;

	if (*s == '\0') {
		fp__buf_puts(out, "???");
		return;
	}
	for (p = s; *p != '\0'; p++) {
		size_t n = strcspn(p, "\n\r");

		fp__buf_add(out, p, n);
		p += n;
		if (*p == '\0')
			break;
		fp__buf_add(out, "?", 1);
	}
}

/* Appends "KEY=(id)", with the file name the first time. */
static void
put_file(writer_t *w, const char *key, uint32_t f)
{
	const cfunc_t *c = &w->funcs[f];

	fp__buf_printf(w->out, "%s=(%u)", key, c->file_id);
	if (!w->file_named[c->file_id]) {
		w->file_named[c->file_id] = 1;
		fp__buf_puts(w->out, " ");
		put_name(w->out, c->file);
	}
	fp__buf_puts(w->out, "\n");
}

/* Appends "KEY=(id)", with the function's name the first time. */
static void
put_func(writer_t *w, const char *key, uint32_t f)
{
	cfunc_t *c = &w->funcs[f];

	fp__buf_printf(w->out, "%s=(%u)", key, f + 1);
	if (!c->named) {
		c->named = 1;
		fp__buf_puts(w->out, " ");
		put_name(w->out, c->name);
		if (c->by_line)
			fp__buf_printf(w->out, ":%d", c->line);
	}
	fp__buf_puts(w->out, "\n");
}

/* Returns the thread's root function label, "<thread NAME>" (the OS
 * thread id for a thread with no name) or, when the profile spans
 * processes, "<thread NAME pid N>", in a new string. */
static char *
thread_label(const fp__pthread_t *t, int with_pid)
{
	fp__buf_t b;

	fp__buf_init(&b);
	if (t->name != NULL && t->name[0] != '\0')
		fp__buf_printf(&b, "<thread %s", t->name);
	else if (t->native_id > 0)
		fp__buf_printf(&b, "<thread %lld", (long long)t->native_id);
	else
		fp__buf_printf(&b, "<thread %llu", (unsigned long long)t->ident);
	if (with_pid)
		fp__buf_printf(&b, " pid %llu", (unsigned long long)t->pid);
	fp__buf_puts(&b, ">");
	if (b.nomem) {
		fp__buf_free(&b);
		return NULL;
	}
	return b.data;
}

/* Fills w->funcs: the real functions, then one root per thread label
 * (threads of the same label share it); sets thread_root[t] to each
 * thread's root function. Returns 0 or -1 on ENOMEM. */
static int
collect_funcs(writer_t *w, const fp__pdata_t *d, char **labels,
    uint32_t *thread_root)
{
	char ***order = NULL;
	size_t i;
	int with_pid = 0;

	for (i = 0; i < d->nfuncs; i++) {
		cfunc_t *c = &w->funcs[i];

		c->file = d->funcs[i].file;
		c->name = d->funcs[i].name;
		c->line = d->funcs[i].line;
	}
	w->nfuncs = d->nfuncs;
	for (i = 1; i < d->nthreads; i++)
		if (d->threads[i].pid != d->threads[0].pid)
			with_pid = 1;
	if ((order = malloc((d->nthreads + 1) * sizeof *order)) == NULL)
		return -1;
	for (i = 0; i < d->nthreads; i++) {
		if ((labels[i] = thread_label(&d->threads[i], with_pid)) == NULL) {
			free(order);
			return -1;
		}
		order[i] = &labels[i];
	}
	qsort(order, d->nthreads, sizeof *order, label_cmp);
	for (i = 0; i < d->nthreads; i++) {
		size_t t = (size_t)(order[i] - labels);

		if (i == 0 || strcmp(*order[i - 1], *order[i]) != 0) {
			w->funcs[w->nfuncs].file = "~";
			w->funcs[w->nfuncs].name = labels[t];
			w->nfuncs++;
		}
		thread_root[t] = (uint32_t)(w->nfuncs - 1);
	}
	free(order);
	return 0;
}

/* Numbers the files and marks the names shared within a file; returns 0
 * or -1 on ENOMEM. */
static int
number_files(writer_t *w)
{
	cfunc_t **order = malloc((w->nfuncs + 1) * sizeof *order);
	uint32_t id = 0;
	size_t i;

	if (order == NULL)
		return -1;
	for (i = 0; i < w->nfuncs; i++)
		order[i] = &w->funcs[i];
	qsort(order, w->nfuncs, sizeof *order, func_cmp);
	for (i = 0; i < w->nfuncs; i++) {
		cfunc_t *c = order[i], *prev = i ? order[i - 1] : NULL;

		if (prev == NULL || strcmp(prev->file, c->file) != 0)
			id++;
		c->file_id = id;
		if (prev != NULL && prev->file_id == id &&
		    strcmp(prev->name, c->name) == 0)
			prev->by_line = c->by_line = 1;
	}
	free(order);
	w->file_named = calloc((size_t)id + 1, 1);
	return w->file_named == NULL ? -1 : 0;
}

/* Appends the header: format version, creator, command, the events and
 * the summary (the sum of every self cost: ns, and samples when
 * sampled). */
static void
put_header(fp__buf_t *out, const fp__pdata_t *d, fp_time_t summary,
    uint64_t summary_samples, int sampled)
{
	const fp__meta_t *m = &d->meta;
	int a;

	fp__buf_puts(out, "# callgrind format\nversion: 1\n"
	    "creator: fullprof " FP_VERSION "\n");
	fp__buf_printf(out, "pid: %ld\ncmd:", m->pid);
	for (a = 0; a < m->argc; a++) {
		fp__buf_puts(out, " ");
		put_name(out, m->argv[a]);
	}
	fp__buf_puts(out, "\npart: 1\ndesc: Timer: ");
	put_name(out, m->timer ? m->timer : "wall");
	fp__buf_puts(out, "\ndesc: Mode: ");
	put_name(out, m->mode ? m->mode : "trace");
	if (sampled) {
		fp__buf_printf(out, "\ndesc: Interval: %lld ns\ndesc: Samples: "
		    "%llu requested, %llu taken, %llu dropped\npositions: line\n"
		    "event: ns : Estimated time (nanoseconds)\n"
		    "event: samples : Samples\nevents: ns samples\n"
		    "summary: %lld %llu\n", (long long)m->interval,
		    (unsigned long long)m->samples_requested,
		    (unsigned long long)m->samples_taken,
		    (unsigned long long)m->samples_dropped, (long long)summary,
		    (unsigned long long)summary_samples);
		return;
	}
	fp__buf_printf(out, "\npositions: line\n"
	    "event: ns : Time (nanoseconds)\nevents: ns\nsummary: %lld\n",
	    (long long)summary);
}

/* Appends one function: its self cost, then its calls grouped by callee
 * from the edges [e, end). */
static void
put_function(writer_t *w, const fp__pdata_t *d, uint32_t f, const edge_t *e,
    const edge_t *end)
{
	const cfunc_t *c = &w->funcs[f];

	fp__buf_puts(w->out, "\n");
	put_file(w, "fl", f);
	put_func(w, "fn", f);
	fp__buf_printf(w->out, "%d %lld", c->line, (long long)c->self);
	if (w->sampled)
		fp__buf_printf(w->out, " %llu", (unsigned long long)c->self_samples);
	fp__buf_puts(w->out, "\n");
	while (e < end) {
		uint32_t callee = e->callee;
		uint64_t calls = 0, samples = 0;
		fp_time_t cost = 0;

		for (; e < end && e->callee == callee; e++) {
			calls += d->nodes[e->node].stats.calls;
			samples += d->nodes[e->node].stats.samples;
			cost += d->nodes[e->node].stats.total;
		}
		if (w->sampled)
			calls = samples;
		if (calls == 0 && cost == 0)
			continue;
		/* A call line with a count of 0 is read as self cost:
		 * activations still open when the figures were taken count
		 * as one call. */
		if (calls == 0)
			calls = 1;
		put_file(w, "cfl", callee);
		put_func(w, "cfn", callee);
		fp__buf_printf(w->out, "calls=%llu %d\n%d %lld",
		    (unsigned long long)calls, w->funcs[callee].line, c->line,
		    (long long)cost);
		if (w->sampled)
			fp__buf_printf(w->out, " %llu", (unsigned long long)samples);
		fp__buf_puts(w->out, "\n");
	}
}

/* Renders profile data in callgrind's format. Returns FP_OK or
 * FP_ERR_NOMEM. */
int
fp__render_callgrind(fp__buf_t *out, const fp__pdata_t *d,
    const fp__render_opts_t *o)
{
	writer_t w;
	char **labels = NULL;
	uint32_t *thread_root = NULL;
	edge_t *edges = NULL;
	const edge_t *e, *end;
	size_t nedges = 0, i;
	fp_time_t summary = 0;
	uint64_t summary_samples = 0;
	int rc = FP_ERR_NOMEM;

	(void)o;
	memset(&w, 0, sizeof w);
	w.out = out;
	w.sampled = fp__meta_sampled(&d->meta);
	w.funcs = calloc(d->nfuncs + d->nthreads + 1, sizeof *w.funcs);
	labels = calloc(d->nthreads + 1, sizeof *labels);
	thread_root = calloc(d->nthreads + 1, sizeof *thread_root);
	edges = malloc((d->nnodes + 1) * sizeof *edges);
	if (w.funcs == NULL || labels == NULL || thread_root == NULL ||
	    edges == NULL)
		goto out;
	if (collect_funcs(&w, d, labels, thread_root) != 0 ||
	    number_files(&w) != 0)
		goto out;
	for (i = 0; i < d->nnodes; i++) {
		const fp__pnode_t *n = &d->nodes[i];
		const fp__pnode_t *p;

		if (n->func == FP__NONE)
			continue;
		w.funcs[n->func].present = 1;
		w.funcs[n->func].self += n->stats.own;
		w.funcs[n->func].self_samples += n->stats.own_samples;
		summary += n->stats.own;
		summary_samples += n->stats.own_samples;
		p = &d->nodes[n->parent];
		edges[nedges].caller = p->func != FP__NONE ? p->func :
		    thread_root[p->thread];
		edges[nedges].callee = n->func;
		edges[nedges].node = (uint32_t)i;
		w.funcs[edges[nedges].caller].present = 1;
		nedges++;
	}
	qsort(edges, nedges, sizeof *edges, edge_cmp);
	put_header(out, d, summary, summary_samples, w.sampled);
	/* The thread roots first, then the functions in the order they were
	 * first seen. */
	end = edges + nedges;
	for (i = 0; i < w.nfuncs; i++) {
		uint32_t f = (uint32_t)((i + d->nfuncs) % w.nfuncs);
		const edge_t *first, *last;

		if (!w.funcs[f].present)
			continue;
		for (first = edges, last = end; first < last; ) {
			const edge_t *mid = first + (last - first) / 2;

			if (mid->caller < f)
				first = mid + 1;
			else
				last = mid;
		}
		for (e = first; e < end && e->caller == f; e++)
			;
		put_function(&w, d, f, first, e);
	}
	rc = out->nomem ? FP_ERR_NOMEM : FP_OK;
out:
	for (i = 0; labels != NULL && i < d->nthreads; i++)
		free(labels[i]);
	free(labels);
	free(thread_root);
	free(edges);
	free(w.funcs);
	free(w.file_named);
	return rc;
}
