/*
 * fprof.c: the .fprof file, fullprof's own lossless format, from
 * which every other format can be derived later ("fullprof report"). It
 * keeps the whole calling-context tree, not only caller-callee edges, with
 * every figure in integer nanoseconds. fprof-read.c reads it back.
 *
 * The file is UTF-8 text, one record per line, each line ended by "\n";
 * fields are separated by one space; strings are JSON string literals (so
 * any name is safe), numbers are decimal integers. Records refer only to
 * what came before them, so a file can be written and read as a stream,
 * and two profiles of the same program diff line by line:
 *
 *   fullprof-profile 1
 *   meta {"fullprof": "0.1.0", "mode": "trace", "timer": "wall", ...}
 *   func INDEX LINE FILE NAME MODULE
 *   thread INDEX ROOT IDENT NATIVE_ID PID NAME
 *   node INDEX PARENT FUNC CALLS OWN TOTAL SUSPENDED SUM MIN MAX
 *       [SAMPLES OWN_SAMPLES]
 *   nodata SPEC
 *   end NODES
 *
 * The header names the format version; a reader refuses other versions.
 * meta is a JSON object on one line: fullprof (the writer's version),
 * mode ("trace" or "sample"), timer ("wall", "cpu", "process", "custom" or
 * null), python, pid, argv, duration_ns, started_unix_ns and lost_calls,
 * and in sample mode only interval_ns (0 when merged profiles had
 * different ones), samples_requested, samples_taken, samples_dropped and
 * samples_uncovered_ns;
 * readers skip keys they do not know. func INDEX counts from 0 in order:
 * LINE is its first line (0 for C functions, whose FILE is "~"), MODULE
 * is a string or null. thread and node share one sequence of node indices,
 * from 0 in order: a thread record declares the thread (indices from 0,
 * its ident, OS thread id, process id and name) and its root node, ROOT,
 * which is the next node index and has no figures; a node record is one
 * call path, the child of PARENT (an earlier node) in function FUNC, with
 * its figures in nanoseconds: CALLS activations ended, OWN, TOTAL
 * (inclusive, 0 on recursive paths), SUSPENDED (of total, at await or
 * yield), SUM (inclusive durations of every activation), MIN ("-" when
 * there is none) and MAX. In sample mode, and only there, a node record
 * ends with two more: SAMPLES (samples with the path on the stack, 0 on
 * recursive paths) and OWN_SAMPLES (samples with the path at the top; a
 * reader takes a node without either as one with no samples);
 * OWN and TOTAL are then estimates, and CALLS, SUSPENDED, SUM and MAX are
 * 0 and MIN "-". Files written before sampling existed have no such
 * fields, nor the sample keys in meta. Two nodes never have the same
 * parent and function. nodata names a requested function (-F) that matched nothing.
 * end repeats the number of nodes, roots included, so that a file cut
 * short is never taken for a whole one.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>

#include "report/formats.h"
#include "report/fprof-read.h"

/* Appends the meta record. */
static void
put_meta(fp__buf_t *out, const fp__meta_t *m)
{
	int i;

	fp__buf_puts(out, "meta {\"fullprof\": \"" FP_VERSION "\", \"mode\": ");
	fp__buf_json_string(out, m->mode ? m->mode : "trace");
	fp__buf_puts(out, ", \"timer\": ");
	if (m->timer != NULL)
		fp__buf_json_string(out, m->timer);
	else
		fp__buf_puts(out, "null");
	fp__buf_puts(out, ", \"python\": ");
	if (m->python != NULL)
		fp__buf_json_string(out, m->python);
	else
		fp__buf_puts(out, "null");
	fp__buf_printf(out, ", \"pid\": %ld, \"argv\": [", m->pid);
	for (i = 0; i < m->argc; i++) {
		if (i > 0)
			fp__buf_puts(out, ", ");
		fp__buf_json_string(out, m->argv[i]);
	}
	fp__buf_printf(out, "], \"duration_ns\": %lld, \"started_unix_ns\": "
	    "%lld, \"lost_calls\": %llu", (long long)m->duration,
	    (long long)m->started_unix_ns, (unsigned long long)m->lost);
	if (fp__meta_sampled(m))
		fp__buf_printf(out, ", \"interval_ns\": %lld, "
		    "\"samples_requested\": %llu, \"samples_taken\": %llu, "
		    "\"samples_dropped\": %llu, \"samples_uncovered_ns\": %lld",
		    (long long)m->interval,
		    (unsigned long long)m->samples_requested,
		    (unsigned long long)m->samples_taken,
		    (unsigned long long)m->samples_dropped,
		    (long long)m->samples_uncovered);
	fp__buf_puts(out, "}\n");
}

/* Appends a thread record, which declares its root node. */
static void
put_thread(fp__buf_t *out, const fp__pthread_t *t, size_t index)
{
	fp__buf_printf(out, "thread %zu %lu %llu %lld %llu ", index,
	    (unsigned long)t->root, (unsigned long long)t->ident,
	    (long long)t->native_id, (unsigned long long)t->pid);
	fp__buf_json_string(out, t->name ? t->name : "");
	fp__buf_puts(out, "\n");
}

/* Appends a node record; sampled adds the sample counts. */
static void
put_node(fp__buf_t *out, const fp__pnode_t *n, size_t index, int sampled)
{
	const fp__stats_t *s = &n->stats;
	char min[24];

	if (s->min == INT64_MAX)
		snprintf(min, sizeof min, "-");
	else
		snprintf(min, sizeof min, "%lld", (long long)s->min);
	fp__buf_printf(out, "node %zu %lu %lu %llu %lld %lld %lld %lld %s "
	    "%lld", index, (unsigned long)n->parent, (unsigned long)n->func,
	    (unsigned long long)s->calls, (long long)s->own,
	    (long long)s->total, (long long)s->suspended, (long long)s->sum,
	    min, (long long)s->max);
	if (sampled)
		fp__buf_printf(out, " %llu %llu",
		    (unsigned long long)s->samples,
		    (unsigned long long)s->own_samples);
	fp__buf_puts(out, "\n");
}

/* Renders profile data as a .fprof file; the render options do not
 * apply, since the file keeps everything. Returns FP_OK, FP_ERR_NOMEM, or
 * FP_ERR_INVAL for data that breaks pdata.h's invariants. */
int
fp__render_fprof(fp__buf_t *out, const fp__pdata_t *d,
    const fp__render_opts_t *o)
{
	size_t i;
	int sampled = fp__meta_sampled(&d->meta);

	(void)o;
	fp__buf_printf(out, "fullprof-profile %d\n", FP__FPROF_VERSION);
	put_meta(out, &d->meta);
	for (i = 0; i < d->nfuncs; i++) {
		const fp__pfunc_t *f = &d->funcs[i];

		fp__buf_printf(out, "func %zu %d ", i, f->line);
		fp__buf_json_string(out, f->file);
		fp__buf_puts(out, " ");
		fp__buf_json_string(out, f->name);
		fp__buf_puts(out, " ");
		if (f->module != NULL)
			fp__buf_json_string(out, f->module);
		else
			fp__buf_puts(out, "null");
		fp__buf_puts(out, "\n");
	}
	for (i = 0; i < d->nnodes; i++) {
		const fp__pnode_t *n = &d->nodes[i];

		if (n->parent == FP__NONE) {
			if (n->thread >= d->nthreads ||
			    d->threads[n->thread].root != i)
				return FP_ERR_INVAL;
			put_thread(out, &d->threads[n->thread], n->thread);
		} else {
			if (n->parent >= i || n->func >= d->nfuncs)
				return FP_ERR_INVAL;
			put_node(out, n, i, sampled);
		}
	}
	for (i = 0; i < d->nno_data; i++) {
		fp__buf_puts(out, "nodata ");
		fp__buf_json_string(out, d->no_data[i]);
		fp__buf_puts(out, "\n");
	}
	fp__buf_printf(out, "end %zu\n", d->nnodes);
	return out->nomem ? FP_ERR_NOMEM : FP_OK;
}
