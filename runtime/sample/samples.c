/*
 * samples.c: stack samples folded into profile data (see samples.h).
 *
 * The collection keeps one pdata of its own and adds each sample along
 * its path, root first: every node on the path gains one sample and the
 * sample's weight in total time (unless the node is a recursive repeat
 * of a function already counted on that path), and the innermost node
 * gains them in own time too. Functions are looked up through a small
 * cache keyed by the reader's fp__rcode_t record, so the strings are
 * compared only the first time a record is seen.
 *
 * With a timeline (for the trace format), each thread keeps the path of
 * its previous sample open: a function stays on the timeline from the
 * sample that first shows it on a path to the first one that does not,
 * so consecutive samples of the same code become one span per frame.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/filter.h"
#include "core/hash.h"
#include "sample/samples.h"
#include "trace/timeline.h"

/* The most events a sampled timeline keeps (24 bytes each); more are
 * counted as dropped. */
#define TIMELINE_MAX ((size_t)5 * 1000 * 1000)

/* What the collection knows of one fp__rcode_t record it has met. */
typedef struct func_slot {
	const fp__rcode_t *code;	/* the reader's record (key) */
	const char *file, *name;	/* its strings when met: a record
					 * reused for another function has
					 * other strings */
	int line;
	uint32_t func;			/* index into the pdata's funcs */
	uint32_t generation;		/* of the specs its verdict is for */
	uint8_t selected;
} func_slot_t;

/* The spans a thread has open on the timeline: its last sample's path. */
typedef struct thread_line {
	uint32_t *nodes;		/* root first */
	fp_time_t *since;
	size_t n, cap;
} thread_line_t;

struct fp__samples {
	fp__pdata_t *d;
	int timeline;			/* record events for the trace format */
	fp_time_t now, t0;		/* this tick's time, the first's */
	thread_line_t *lines;		/* by pdata thread index */
	size_t nlines;
	size_t events_cap;
	func_slot_t *slots;		/* open addressing, by code pointer */
	size_t nslots, used;
	char **specs;
	size_t nspecs;
	uint32_t generation;		/* bumped when the specs change */
	uint32_t path[FP__STACK_MAX];	/* scratch: one sample's functions */
	uint32_t path_nodes[FP__STACK_MAX];	/* and their nodes */
};

/* Returns the hash slot index of a record pointer. */
static size_t
slot_of(const fp__samples_t *s, const fp__rcode_t *code)
{
	return fp__hash_ptr(code) & (s->nslots - 1);
}

/* Doubles the function cache; 0 or -1 on ENOMEM. */
static int
grow_slots(fp__samples_t *s)
{
	size_t n = s->nslots ? s->nslots * 2 : 1024, i, old = s->nslots;
	func_slot_t *prev = s->slots;

	s->slots = calloc(n, sizeof *s->slots);
	if (s->slots == NULL) {
		s->slots = prev;
		return -1;
	}
	s->nslots = n;
	for (i = 0; i < old; i++) {
		size_t j;

		if (prev[i].code == NULL)
			continue;
		for (j = slot_of(s, prev[i].code); s->slots[j].code != NULL;
		    j = (j + 1) & (n - 1))
			;
		s->slots[j] = prev[i];
	}
	free(prev);
	return 0;
}

/* Returns the cache slot of a record, adding the function to the pdata
 * on first sight; NULL on ENOMEM. */
static func_slot_t *
slot_for(fp__samples_t *s, const fp__rcode_t *code)
{
	func_slot_t *slot;
	size_t j;

	if ((s->used + 1) * 2 > s->nslots && grow_slots(s) != 0)
		return NULL;
	for (j = slot_of(s, code); s->slots[j].code != NULL;
	    j = (j + 1) & (s->nslots - 1)) {
		slot = &s->slots[j];
		if (slot->code == code && slot->file == code->file &&
		    slot->name == code->name && slot->line == code->line)
			return slot;
		if (slot->code == code)
			break;		/* the record now names another one */
	}
	slot = &s->slots[j];
	if (slot->code == NULL)
		s->used++;
	slot->code = code;
	slot->file = code->file;
	slot->name = code->name;
	slot->line = code->line;
	slot->generation = s->generation - 1;
	slot->func = fp__pdata_add_func(s->d, code->file ? code->file : "?",
	    code->line, code->name ? code->name : "?", code->module);
	if (slot->func == FP__NONE) {
		slot->code = NULL;
		s->used--;
		return NULL;
	}
	return slot;
}

/* Returns whether the function of a slot is named by a spec. */
static int
selected(fp__samples_t *s, func_slot_t *slot, const fp__rcode_t *code)
{
	size_t i;

	if (slot->generation != s->generation) {
		slot->selected = 0;
		for (i = 0; i < s->nspecs && !slot->selected; i++)
			slot->selected = (uint8_t)fp__filter_spec_matches(
			    s->specs[i], code->module,
			    code->name ? code->name : "");
		slot->generation = s->generation;
	}
	return slot->selected;
}

/* Starts an empty collection. */
fp__samples_t *
fp__samples_new(const fp__meta_t *meta)
{
	fp__samples_t *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	s->generation = 1;
	if ((s->d = fp__pdata_new(meta)) == NULL) {
		free(s);
		return NULL;
	}
	s->d->meta.mode = "sample";
	return s;
}

/* Frees the specs of a collection. */
static void
free_specs(fp__samples_t *s)
{
	size_t i;

	for (i = 0; i < s->nspecs; i++)
		free(s->specs[i]);
	free(s->specs);
	s->specs = NULL;
	s->nspecs = 0;
}

/* Replaces the function specs. */
int
fp__samples_set_specs(fp__samples_t *s, const char *const *specs,
    size_t count)
{
	char **copy = NULL;
	size_t i;

	if (count > 0 && (copy = calloc(count, sizeof *copy)) == NULL)
		return FP_ERR_NOMEM;
	for (i = 0; i < count; i++) {
		if ((copy[i] = strdup(specs[i])) == NULL) {
			while (i > 0)
				free(copy[--i]);
			free(copy);
			return FP_ERR_NOMEM;
		}
	}
	free_specs(s);
	s->specs = copy;
	s->nspecs = count;
	s->generation++;
	return FP_OK;
}

/* Returns the pdata thread index of ident, adding the thread on first
 * sight; FP__NONE on ENOMEM. */
static uint32_t
thread_for(fp__samples_t *s, uint64_t ident, int64_t native_id)
{
	size_t i;
	char name[48];

	for (i = s->d->nthreads; i > 0; i--) {
		if (s->d->threads[i - 1].ident == ident &&
		    s->d->threads[i - 1].native_id == native_id)
			return (uint32_t)(i - 1);
	}
	snprintf(name, sizeof name, "Thread %lld", (long long)native_id);
	return fp__pdata_add_thread(s->d, ident, native_id, name,
	    (uint64_t)s->d->meta.pid);
}

/* Appends one finished span to the timeline (or counts it dropped). */
static void
emit(fp__samples_t *s, uint32_t node, fp_time_t start, fp_time_t end)
{
	fp__pdata_t *d = s->d;

	if (d->nevents == s->events_cap) {
		size_t cap = s->events_cap ? s->events_cap * 2 : 4096;
		fp__pevent_t *ne;

		if (d->nevents >= TIMELINE_MAX ||
		    (ne = realloc(d->events, cap * sizeof *ne)) == NULL) {
			d->events_dropped++;
			return;
		}
		d->events = ne;
		s->events_cap = cap;
	}
	d->events[d->nevents].node = node;
	d->events[d->nevents].kind = FP__EVENT_RUN;
	d->events[d->nevents].start = start - s->t0;
	d->events[d->nevents].end = end - s->t0;
	d->nevents++;
}

/* Moves thread t's open spans to a new path (root first, n nodes) at
 * s->now: what the two paths share stays open, the rest of the old one
 * ends, the rest of the new one starts. 0 or -1 on ENOMEM. */
static int
timeline_step(fp__samples_t *s, uint32_t t, const uint32_t *nodes, size_t n)
{
	thread_line_t *l;
	size_t keep = 0, i;

	if (t >= s->nlines) {
		thread_line_t *nl = realloc(s->lines, (t + 1) * sizeof *nl);

		if (nl == NULL)
			return -1;
		memset(nl + s->nlines, 0, (t + 1 - s->nlines) * sizeof *nl);
		s->lines = nl;
		s->nlines = t + 1;
	}
	l = &s->lines[t];
	while (keep < l->n && keep < n && l->nodes[keep] == nodes[keep])
		keep++;
	for (i = l->n; i > keep; i--)
		emit(s, l->nodes[i - 1], l->since[i - 1], s->now);
	if (n > l->cap) {
		uint32_t *nn = realloc(l->nodes, n * sizeof *nn);
		fp_time_t *ns;

		if (nn == NULL)
			return -1;
		l->nodes = nn;
		if ((ns = realloc(l->since, n * sizeof *ns)) == NULL)
			return -1;
		l->since = ns;
		l->cap = n;
	}
	for (i = keep; i < n; i++) {
		l->nodes[i] = nodes[i];
		l->since[i] = s->now;
	}
	l->n = n;
	return 0;
}

/* Records a timeline from now on. */
void
fp__samples_record_timeline(fp__samples_t *s)
{
	s->timeline = 1;
	s->d->has_timeline = 1;
}

/* Sets the time of the samples that follow. */
void
fp__samples_at(fp__samples_t *s, fp_time_t now)
{
	if (s->t0 == 0)
		s->t0 = now;
	s->now = now;
}

/* Adds one sample of a thread. */
int
fp__samples_add(fp__samples_t *s, uint64_t ident, int64_t native_id,
    const fp__rcode_t *const *frames, size_t depth, fp_time_t weight)
{
	size_t i, start, n = 0;
	uint32_t t, node;

	if (depth == 0)
		return FP_OK;
	if (depth > FP__STACK_MAX)
		depth = FP__STACK_MAX;
	/* Root first; with specs, from the outermost selected frame. */
	start = depth;
	for (i = depth; i > 0; i--) {
		func_slot_t *slot = slot_for(s, frames[i - 1]);

		if (slot == NULL)
			return FP_ERR_NOMEM;
		if (start == depth && s->nspecs > 0 &&
		    !selected(s, slot, frames[i - 1]))
			continue;
		if (start == depth)
			start = i - 1;
		s->path[n++] = slot->func;
	}
	if (n == 0)
		return FP_OK;
	if ((t = thread_for(s, ident, native_id)) == FP__NONE)
		return FP_ERR_NOMEM;
	node = s->d->threads[t].root;
	for (i = 0; i < n; i++) {
		fp__pnode_t *pn;

		node = fp__pdata_add_node(s->d, node, s->path[i], NULL);
		if (node == FP__NONE)
			return FP_ERR_NOMEM;
		pn = &s->d->nodes[node];
		if (!pn->recursive) {
			pn->stats.samples++;
			pn->stats.total += weight;
		}
		if (i == n - 1) {
			pn->stats.own_samples++;
			pn->stats.own += weight;
		}
		s->path_nodes[i] = node;
	}
	if (s->timeline && timeline_step(s, t, s->path_nodes, n) != 0)
		return FP_ERR_NOMEM;
	return FP_OK;
}

/* Records a new sampling interval in the metadata. */
void
fp__samples_set_interval(fp__samples_t *s, fp_time_t interval)
{
	s->d->meta.interval = interval;
}

/* Names a thread. */
int
fp__samples_name_thread(fp__samples_t *s, uint64_t ident, const char *name)
{
	size_t i;
	char *copy;

	for (i = 0; i < s->d->nthreads; i++) {
		if (s->d->threads[i].ident != ident)
			continue;
		if ((copy = strdup(name)) == NULL)
			return FP_ERR_NOMEM;
		free(s->d->threads[i].name);
		s->d->threads[i].name = copy;
	}
	return FP_OK;
}

/* Counts one tick of the sampler, which stands for requested ticks of
 * the grid and left uncovered ns of the run to no sample. */
void
fp__samples_tick(fp__samples_t *s, uint64_t requested, int taken,
    fp_time_t uncovered)
{
	fp__meta_t *m = &s->d->meta;

	m->samples_uncovered += uncovered;
	m->samples_requested += requested;
	if (taken)
		m->samples_taken++;
	m->samples_dropped = m->samples_requested > m->samples_taken ?
	    m->samples_requested - m->samples_taken : 0;
}

/* Returns non-zero when spec names a function of d that was sampled. */
static int
spec_has_data(const fp__pdata_t *d, const char *spec)
{
	size_t i;

	for (i = 0; i < d->nfuncs; i++) {
		if (fp__filter_spec_matches(spec, d->funcs[i].module,
		    d->funcs[i].name))
			return 1;
	}
	return 0;
}

/* Gives the copy dst (merged from s->d) the timeline of s: the events so
 * far and the spans still open, ended now, with node indices mapped to
 * dst's. 0 or -1 on ENOMEM. */
static int
copy_timeline(fp__pdata_t *dst, const fp__samples_t *s)
{
	const fp__pdata_t *src = s->d;
	uint32_t *map = malloc((src->nnodes + 1) * sizeof *map);
	size_t i, j, open = 0, k = 0;

	if (map == NULL)
		return -1;
	/* Merging added the threads in order, then the nodes path by path:
	 * looking each source node up again in dst gives its new index. */
	for (i = 0; i < src->nnodes; i++) {
		const fp__pnode_t *n = &src->nodes[i];
		const fp__pfunc_t *f;

		if (n->parent == FP__NONE) {
			map[i] = dst->threads[n->thread].root;
			continue;
		}
		f = &src->funcs[n->func];
		map[i] = fp__pdata_add_node(dst, map[n->parent],
		    fp__pdata_add_func(dst, f->file, f->line, f->name, f->module),
		    NULL);
		if (map[i] == FP__NONE)
			goto fail;
	}
	for (i = 0; i < s->nlines; i++)
		open += s->lines[i].n;
	dst->events = malloc((src->nevents + open + 1) * sizeof *dst->events);
	if (dst->events == NULL)
		goto fail;
	for (i = 0; i < src->nevents; i++) {
		dst->events[k] = src->events[i];
		dst->events[k++].node = map[src->events[i].node];
	}
	for (i = 0; i < s->nlines; i++) {
		for (j = 0; j < s->lines[i].n; j++) {
			dst->events[k].node = map[s->lines[i].nodes[j]];
			dst->events[k].kind = FP__EVENT_RUN;
			dst->events[k].start = s->lines[i].since[j] - s->t0;
			dst->events[k++].end = s->now - s->t0;
		}
	}
	dst->nevents = k;
	dst->events_dropped = src->events_dropped;
	dst->has_timeline = 1;
	free(map);
	return 0;
fail:
	free(map);
	return -1;
}

/* Returns a copy of the figures so far. */
fp__pdata_t *
fp__samples_pdata(const fp__samples_t *s, fp_time_t duration)
{
	fp__meta_t meta = s->d->meta;
	fp__pdata_t *copy;
	size_t i;

	meta.samples_requested = meta.samples_taken = 0;
	meta.samples_dropped = 0;
	meta.samples_uncovered = 0;
	meta.duration = 0;
	if ((copy = fp__pdata_new(&meta)) == NULL)
		return NULL;
	if (fp__pdata_merge(copy, s->d) != FP_OK)
		goto fail;
	if (s->timeline && copy_timeline(copy, s) != 0)
		goto fail;
	copy->meta.mode = "sample";
	copy->meta.duration = duration;
	copy->meta.samples_requested = s->d->meta.samples_requested;
	copy->meta.samples_taken = s->d->meta.samples_taken;
	copy->meta.samples_dropped = s->d->meta.samples_dropped;
	copy->meta.samples_uncovered = s->d->meta.samples_uncovered;
	for (i = 0; i < s->nspecs; i++) {
		if (!spec_has_data(copy, s->specs[i]) &&
		    fp__pdata_add_no_data(copy, s->specs[i]) != 0)
			goto fail;
	}
	return copy;
fail:
	fp__pdata_free(copy);
	return NULL;
}

/* Frees the open spans of every thread. */
static void
free_lines(fp__samples_t *s)
{
	size_t i;

	for (i = 0; i < s->nlines; i++) {
		free(s->lines[i].nodes);
		free(s->lines[i].since);
	}
	free(s->lines);
	s->lines = NULL;
	s->nlines = 0;
}

/* Forgets every sample and count. */
void
fp__samples_clear(fp__samples_t *s)
{
	fp__pdata_t *fresh = fp__pdata_new(&s->d->meta);

	if (fresh == NULL)
		return;		/* keeps the old figures rather than none */
	fresh->meta.mode = "sample";
	fresh->meta.samples_requested = fresh->meta.samples_taken = 0;
	fresh->meta.samples_dropped = 0;
	fresh->meta.samples_uncovered = 0;
	fp__pdata_free(s->d);
	s->d = fresh;
	free(s->slots);
	s->slots = NULL;
	s->nslots = s->used = 0;
	free_lines(s);
	s->events_cap = 0;
	s->t0 = 0;
	if (s->timeline)
		fresh->has_timeline = 1;
}

/* Releases a collection. */
void
fp__samples_free(fp__samples_t *s)
{
	if (s == NULL)
		return;
	fp__pdata_free(s->d);
	free(s->slots);
	free_lines(s);
	free_specs(s);
	free(s);
}
