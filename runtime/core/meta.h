/*
 * meta.h: the metadata of a run (mode, timer, Python version, pid, argv,
 * duration, the sampler's counts) that profile data, snapshots and every
 * writer carry.
 *
 * Ownership: a meta record owns its python and argv strings, which
 * fp__meta_copy duplicates and fp__meta_free releases.
 */
#ifndef FP_META_H
#define FP_META_H

#include <stdint.h>

#include "fullprof.h"

/* Metadata describing the run a snapshot comes from. */
typedef struct fp__meta {
	const char *mode;	/* "trace" or "sample" */
	const char *timer;	/* "wall", "cpu", ... */
	char *python;		/* e.g. "3.11.2" */
	long pid;
	int argc;
	char **argv;
	fp_time_t duration;
	fp_time_t started_unix_ns; /* wall-clock start, for metadata */
	uint64_t lost;		/* events dropped for lack of memory */
	/* Sample mode only (zero in trace mode): */
	fp_time_t interval;	/* the requested sampling interval, ns */
	uint64_t samples_requested;	/* duration / interval, per thread 1 */
	uint64_t samples_taken;		/* ticks that read the stacks */
	uint64_t samples_dropped;	/* ticks missed or unreadable */
	fp_time_t samples_uncovered;	/* ns no sample stood for: the sampler
					 * was held up longer than 8 intervals */
} fp__meta_t;

/* Copies meta into *dst (strings duplicated); returns 0 or -1. */
int fp__meta_copy(fp__meta_t *dst, const fp__meta_t *src);

/* Frees the strings of a meta record. */
void fp__meta_free(fp__meta_t *m);

#endif /* FP_META_H */
