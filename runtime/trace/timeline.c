/*
 * timeline.c: the growable, capped event array behind the trace format.
 */
#include "config.h"

#include <stdlib.h>

#include "trace/timeline.h"

/* Creates a timeline. */
fp__timeline_t *
fp__timeline_new(fp_time_t min_units, size_t max)
{
	fp__timeline_t *tl = calloc(1, sizeof *tl);

	if (tl == NULL)
		return NULL;
	tl->min_units = min_units;
	tl->max = max;
	return tl;
}

/* Frees a timeline. */
void
fp__timeline_free(fp__timeline_t *tl)
{
	if (tl == NULL)
		return;
	free(tl->events);
	free(tl);
}

/* Records an event of node from start to end. */
void
fp__timeline_add_slow(fp__timeline_t *tl, uint32_t node, uint32_t kind,
    fp_time_t start, fp_time_t end)
{
	fp__event_t *e;

	if (tl->count == tl->max) {
		tl->dropped++;
		return;
	}
	if (tl->count == tl->capacity) {
		size_t ncap = tl->capacity ? tl->capacity * 2 : 4096;
		fp__event_t *ne;

		if (ncap > tl->max)
			ncap = tl->max;
		ne = realloc(tl->events, ncap * sizeof *ne);
		if (ne == NULL) {
			tl->dropped++;
			return;
		}
		tl->events = ne;
		tl->capacity = ncap;
	}
	e = &tl->events[tl->count++];
	e->node = node;
	e->kind = kind;
	e->start = start;
	e->end = end;
}
