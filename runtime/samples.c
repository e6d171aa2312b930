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
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filter.h"
#include "samples.h"

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

struct fp__samples {
	fp__pdata_t *d;
	func_slot_t *slots;		/* open addressing, by code pointer */
	size_t nslots, used;
	char **specs;
	size_t nspecs;
	uint32_t generation;		/* bumped when the specs change */
	uint32_t path[FP__STACK_MAX];	/* scratch: one sample's functions */
};

/* Returns the hash slot index of a record pointer. */
static size_t
slot_of(const fp__samples_t *s, const fp__rcode_t *code)
{
	uint64_t k = (uint64_t)(uintptr_t)code * 0x9E3779B97F4A7C15ull;

	return (size_t)(k >> 20) & (s->nslots - 1);
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
	}
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

/* Counts one tick of the sampler. */
void
fp__samples_tick(fp__samples_t *s, uint64_t requested, int taken)
{
	fp__meta_t *m = &s->d->meta;

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

/* Returns a copy of the figures so far. */
fp__pdata_t *
fp__samples_pdata(const fp__samples_t *s, fp_time_t duration)
{
	fp__meta_t meta = s->d->meta;
	fp__pdata_t *copy;
	size_t i;

	meta.samples_requested = meta.samples_taken = 0;
	meta.samples_dropped = 0;
	meta.duration = 0;
	if ((copy = fp__pdata_new(&meta)) == NULL)
		return NULL;
	if (fp__pdata_merge(copy, s->d) != FP_OK)
		goto fail;
	copy->meta.mode = "sample";
	copy->meta.duration = duration;
	copy->meta.samples_requested = s->d->meta.samples_requested;
	copy->meta.samples_taken = s->d->meta.samples_taken;
	copy->meta.samples_dropped = s->d->meta.samples_dropped;
	for (i = 0; i < s->nspecs; i++) {
		char **nd;

		if (spec_has_data(copy, s->specs[i]))
			continue;
		nd = realloc(copy->no_data, (copy->nno_data + 1) * sizeof *nd);
		if (nd == NULL)
			goto fail;
		copy->no_data = nd;
		if ((nd[copy->nno_data] = strdup(s->specs[i])) == NULL)
			goto fail;
		copy->nno_data++;
	}
	return copy;
fail:
	fp__pdata_free(copy);
	return NULL;
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
	fp__pdata_free(s->d);
	s->d = fresh;
	free(s->slots);
	s->slots = NULL;
	s->nslots = s->used = 0;
}

/* Releases a collection. */
void
fp__samples_free(fp__samples_t *s)
{
	if (s == NULL)
		return;
	fp__pdata_free(s->d);
	free(s->slots);
	free_specs(s);
	free(s);
}
