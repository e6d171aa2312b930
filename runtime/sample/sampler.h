/*
 * sampler.h: the sampling thread of statistical mode.
 *
 * A thread of its own wakes up every interval (on absolute deadlines, so
 * a late tick does not shift the next ones), reads the Python stack of
 * every thread of the target process through the stack reader, without
 * the GIL, and folds them into an fp__samples_t. The target is this
 * process (fullprof run --sample) or another one (fullprof attach).
 *
 * Timers: "wall" counts every thread at every tick, weighted by the time
 * since the previous tick; "cpu" weights each thread's sample by the CPU
 * time it used since its previous sample, so a thread that sleeps counts
 * nothing.
 *
 * Ownership: the sampler owns its thread, its reader and the collection;
 * the caller gets copies (fp__sampler_pdata). Every function here may be
 * called from any thread except the sampler's own. In a forked child the
 * sampler is orphaned (see fp__sampler_orphaned).
 */
#ifndef FP_SAMPLER_H
#define FP_SAMPLER_H

#include <stdint.h>

#include "core/clock.h"
#include "fullprof.h"
#include "core/pdata.h"
#include "sample/pylayout.h"
#include "core/snapshot.h"

typedef struct fp__sampler fp__sampler_t;

typedef struct fp__sampler_opts {
	int pid;		/* the process to sample */
	uint64_t runtime_addr;	/* its _PyRuntime */
	fp__pylayout_t layout;	/* its interpreter's layout */
	fp_time_t interval;	/* ns, FP__SAMPLE_MIN_NS..FP__SAMPLE_MAX_NS */
	int cpu;		/* 1: cpu timer, 0: wall */
	int asyncio;		/* 1: charge idle event loops to waiting tasks
				 * (this process only: needs the GIL once) */
	int paused;		/* 1: start without sampling (attach) */
	int timeline;		/* 1: record a timeline (trace format) */
	const char *const *specs; /* -F specs (copied), or NULL */
	size_t nspecs;
	const fp__meta_t *meta;	/* copied; mode, interval, duration and the
				 * sample counts are filled in */
} fp__sampler_opts_t;

/* Starts sampling on a new thread. FP_OK, FP_ERR_NOMEM, FP_ERR_INVAL (an
 * interval out of range) or FP_ERR_IO (the thread could not start). */
int fp__sampler_start(const fp__sampler_opts_t *o, fp__sampler_t **out);

/* Pauses (1) or resumes (0) sampling; paused time is not requested. */
void fp__sampler_pause(fp__sampler_t *s, int paused);

/* Changes the interval from the next tick on; FP_ERR_INVAL if out of
 * range. */
int fp__sampler_set_interval(fp__sampler_t *s, fp_time_t interval);

/* Replaces the function specs (attach's add/remove); FP_OK or
 * FP_ERR_NOMEM. */
int fp__sampler_set_specs(fp__sampler_t *s, const char *const *specs,
    size_t count);

/* Names a thread (by threading.get_ident()) in the outputs; FP_OK or
 * FP_ERR_NOMEM. */
int fp__sampler_name_thread(fp__sampler_t *s, uint64_t ident,
    const char *name);

/* Returns non-zero in a forked child of the sampled process: the
 * sampler's thread stayed in the parent; the child may still copy the
 * results and must free it (and start another to sample itself). */
int fp__sampler_orphaned(fp__sampler_t *s);

/* Forgets the samples so far. */
void fp__sampler_clear(fp__sampler_t *s);

/* Returns non-zero once the target process has gone (sampling stopped by
 * itself; the results so far are kept). */
int fp__sampler_target_gone(fp__sampler_t *s);

/* Returns a copy of the results so far, or NULL on ENOMEM. */
fp__pdata_t *fp__sampler_pdata(fp__sampler_t *s);

/* Stops the thread (waits for it: the sampler never waits for the GIL,
 * so this may be called with or without it) and frees everything; NULL
 * accepted. */
void fp__sampler_free(fp__sampler_t *s);

#endif /* FP_SAMPLER_H */
