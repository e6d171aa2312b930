/*
 * trace.c: the trace format, Chrome's trace-event JSON, which
 * Perfetto and chrome://tracing open: a timeline per thread. Every call
 * (and every running segment of a coroutine) is a complete event ("X");
 * every coroutine or generator activation is also an async span ("b" and
 * "e") from its first start to its end, so the gaps where it waited at
 * await stand out between its running segments. Threads are named with
 * metadata events. Times are microseconds from the first event.
 *
 * The events exist only when they were recorded, during the run itself
 * (fullprof run -o FILE.trace.json); .fprof files keep no timeline, and
 * for those the writer refuses with FP_ERR_NOTIMELINE. A statistical run
 * records spans instead of calls (each function from the first sample that
 * shows it on a path to the first that does not): their events are in
 * category "sampled", and otherData gives the mode and the interval.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "report/formats.h"
#include "trace/timeline.h"

/* Appends ns as JSON microseconds with nanosecond precision. */
static void
put_us(fp__buf_t *out, fp_time_t ns)
{
	fp__buf_printf(out, "%lld.%03lld", (long long)(ns / 1000),
	    (long long)(ns % 1000));
}

/* Appends the fields every event of node shares: name, pid and tid. */
static void
put_common(fp__buf_t *out, const fp__pdata_t *d, uint32_t node)
{
	const fp__pnode_t *n = &d->nodes[node];
	const fp__pthread_t *t = &d->threads[n->thread];
	const fp__pfunc_t *f = &d->funcs[n->func];

	fp__buf_puts(out, "{\"name\": ");
	fp__buf_json_string(out, f->name);
	fp__buf_printf(out, ", \"pid\": %llu, \"tid\": %lld",
	    (unsigned long long)(t->pid ? t->pid : (uint64_t)d->meta.pid),
	    (long long)(t->native_id ? t->native_id : (int64_t)t->ident));
}

/* Orders events by start, longer first at equal starts (so parents come
 * before their children). */
static int
by_start(const void *pa, const void *pb)
{
	const fp__pevent_t *a = *(const fp__pevent_t *const *)pa;
	const fp__pevent_t *b = *(const fp__pevent_t *const *)pb;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->end != b->end)
		return a->end > b->end ? -1 : 1;
	return 0;
}

/* Renders the timeline of d as Chrome trace-event JSON. */
int
fp__render_trace(fp__buf_t *out, const fp__pdata_t *d,
    const fp__render_opts_t *o)
{
	const fp__pevent_t **order;
	size_t i;
	int first = 1, sampled = fp__meta_sampled(&d->meta);

	if (!d->has_timeline)
		return FP_ERR_NOTIMELINE;
	order = malloc((d->nevents + 1) * sizeof *order);
	if (order == NULL)
		return FP_ERR_NOMEM;
	for (i = 0; i < d->nevents; i++)
		order[i] = &d->events[i];
	qsort(order, d->nevents, sizeof *order, by_start);
	fp__buf_puts(out, "{\"traceEvents\": [");
	for (i = 0; i < d->nthreads; i++) {
		const fp__pthread_t *t = &d->threads[i];
		char name[64];

		if (t->name == NULL || t->name[0] == '\0')
			snprintf(name, sizeof name, "Thread %llu",
			    (unsigned long long)t->ident);
		fp__buf_printf(out, "%s\n {\"name\": \"thread_name\", \"ph\": "
		    "\"M\", \"pid\": %llu, \"tid\": %lld, \"args\": {\"name\": ",
		    first ? "" : ",",
		    (unsigned long long)(t->pid ? t->pid : (uint64_t)d->meta.pid),
		    (long long)(t->native_id ? t->native_id : (int64_t)t->ident));
		fp__buf_json_string(out, t->name && t->name[0] ? t->name : name);
		fp__buf_puts(out, "}}");
		first = 0;
	}
	for (i = 0; i < d->nevents; i++) {
		const fp__pevent_t *e = order[i];
		const fp__pfunc_t *f = &d->funcs[d->nodes[e->node].func];

		if (e->end - e->start < o->trace_min)
			continue;
		fp__buf_puts(out, first ? "\n " : ",\n ");
		first = 0;
		put_common(out, d, e->node);
		if (e->kind == FP__EVENT_RUN) {
			fp__buf_printf(out, ", \"cat\": \"%s\", \"ph\": \"X\", "
			    "\"ts\": ", sampled ? "sampled" : "call");
			put_us(out, e->start);
			fp__buf_puts(out, ", \"dur\": ");
			put_us(out, e->end - e->start);
			fp__buf_puts(out, ", \"args\": {\"file\": ");
			fp__buf_json_string(out, f->file);
			fp__buf_printf(out, ", \"line\": %d}}", f->line);
		} else {
			/* An async span: begin and end share an id. */
			fp__buf_printf(out, ", \"cat\": \"coroutine\", \"ph\": "
			    "\"b\", \"id\": \"%zu\", \"ts\": ", i);
			put_us(out, e->start);
			fp__buf_puts(out, ", \"args\": {\"file\": ");
			fp__buf_json_string(out, f->file);
			fp__buf_printf(out, ", \"line\": %d}},\n ", f->line);
			put_common(out, d, e->node);
			fp__buf_printf(out, ", \"cat\": \"coroutine\", \"ph\": "
			    "\"e\", \"id\": \"%zu\", \"ts\": ", i);
			put_us(out, e->end);
			fp__buf_puts(out, "}");
		}
	}
	fp__buf_puts(out, "],\n \"displayTimeUnit\": \"ms\",\n \"otherData\": "
	    "{\"fullprof\": \"" FP_VERSION "\", \"python\": ");
	fp__buf_json_string(out, d->meta.python ? d->meta.python : "");
	fp__buf_puts(out, ", \"timer\": ");
	fp__buf_json_string(out, d->meta.timer ? d->meta.timer : "");
	if (sampled)
		fp__buf_printf(out, ", \"mode\": \"sample\", \"interval_ns\": "
		    "%lld", (long long)d->meta.interval);
	fp__buf_printf(out, ", \"dropped_events\": %llu}}\n",
	    (unsigned long long)d->events_dropped);
	free(order);
	return out->nomem ? FP_ERR_NOMEM : FP_OK;
}
