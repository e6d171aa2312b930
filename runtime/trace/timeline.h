/*
 * timeline.h: the events a Chrome trace is drawn from, recorded only when
 * a trace output was asked for: each finished call (or running segment of
 * a coroutine) and each whole coroutine activation, with start and end
 * times, per call path. Events shorter than a threshold are not kept, and
 * past a cap they are counted as dropped, so a long run stays bounded.
 *
 * Ownership: a timeline owns its event array; fp__timeline_free releases
 * it.
 */
#ifndef FP_TIMELINE_H
#define FP_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "fullprof.h"

enum {
	FP__EVENT_RUN = 0,	/* a call, or one running segment */
	FP__EVENT_ACTIVATION,	/* a coroutine/generator, first start to end */
};

typedef struct fp__event {
	uint32_t node;		/* call tree node id */
	uint32_t kind;		/* FP__EVENT_* */
	fp_time_t start, end;	/* clock units */
} fp__event_t;

typedef struct fp__timeline {
	fp__event_t *events;
	size_t count, capacity, max;
	fp_time_t min_units;	/* shorter events are not kept */
	uint64_t dropped;	/* events past max, or lost to ENOMEM */
} fp__timeline_t;

/* Creates a timeline that keeps events of at least min_units, at most max
 * of them; NULL on ENOMEM. */
fp__timeline_t *fp__timeline_new(fp_time_t min_units, size_t max);

/* Frees a timeline. NULL is accepted. */
void fp__timeline_free(fp__timeline_t *tl);

/* Records an event of node from start to end (slow path). */
void fp__timeline_add_slow(fp__timeline_t *tl, uint32_t node, uint32_t kind,
    fp_time_t start, fp_time_t end);

/* Records an event when it is long enough. */
static inline void
fp__timeline_add(fp__timeline_t *tl, uint32_t node, uint32_t kind,
    fp_time_t start, fp_time_t end)
{
	if (end - start >= tl->min_units)
		fp__timeline_add_slow(tl, node, kind, start, end);
}

#endif /* FP_TIMELINE_H */
