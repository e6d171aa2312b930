/*
 * samples.h: stack samples folded into profile data.
 *
 * A sampler (this process's, or attach's reading another process) hands
 * over one stack per thread per tick; each becomes one sample on its call
 * path: the path's sample count and estimated time grow by one sample and
 * its weight (the time the sample stands for: the interval, or the CPU
 * time the thread used since its previous sample). The result is the same
 * profile data (pdata) a traced run gives, with mode "sample", so every
 * output format reads it.
 *
 * With function specs (-F), a sample counts only when a selected function
 * is on the stack, from the outermost selected frame up, as a traced run
 * records a selected function and whatever it calls.
 *
 * Ownership: an fp__samples_t owns copies of everything given to it; the
 * fp__rcode_t records passed in are only read during the call. Not
 * thread-safe: one sampler thread feeds it, and readers (pdata copies)
 * must be serialised with it by the caller.
 */
#ifndef FP_SAMPLES_H
#define FP_SAMPLES_H

#include <stddef.h>
#include <stdint.h>

#include "fullprof.h"
#include "core/pdata.h"
#include "core/snapshot.h"
#include "sample/stackread.h"

typedef struct fp__samples fp__samples_t;

/* Starts an empty collection; meta is copied (mode is set to "sample",
 * meta->interval must be the requested interval in ns). NULL on ENOMEM. */
fp__samples_t *fp__samples_new(const fp__meta_t *meta);

/* Restricts samples to those with a function named by one of specs on the
 * stack (see fp__filter_spec_matches); count 0 records every sample.
 * Specs that never match are reported as "no data" rows. FP_OK or
 * FP_ERR_NOMEM. May be called again between samples (attach's "add"). */
int fp__samples_set_specs(fp__samples_t *s, const char *const *specs,
    size_t count);

/* Adds one sample of a thread: frames innermost first, as the stack
 * reader gives them (depth entries), standing for weight ns. name may be
 * NULL (the thread is then "Thread <native_id>" unless named later).
 * FP_OK or FP_ERR_NOMEM. */
int fp__samples_add(fp__samples_t *s, uint64_t ident, int64_t native_id,
    const fp__rcode_t *const *frames, size_t depth, fp_time_t weight);

/* Records a new sampling interval (ns) in the metadata. */
void fp__samples_set_interval(fp__samples_t *s, fp_time_t interval);

/* Records a timeline of the samples from now on, for the trace format:
 * each function's spans on each thread, from the first sample that shows
 * it on a path to the first that does not (see fp__samples_at). */
void fp__samples_record_timeline(fp__samples_t *s);

/* Sets the time (monotonic ns) of the samples added next. */
void fp__samples_at(fp__samples_t *s, fp_time_t now);

/* Names a thread (by ident) for the outputs; FP_OK or FP_ERR_NOMEM. */
int fp__samples_name_thread(fp__samples_t *s, uint64_t ident,
    const char *name);

/* Counts one tick of the sampler: requested is how many ticks the
 * interval asked for since the previous call (1 when on time, more when
 * the sampler fell behind), taken is 1 when the stacks were read and 0
 * when the tick was lost (an unreadable thread list). */
void fp__samples_tick(fp__samples_t *s, uint64_t requested, int taken,
    fp_time_t uncovered);

/* Returns a copy of the figures so far as profile data, with the
 * duration given, or NULL on ENOMEM. The collection stays usable. */
fp__pdata_t *fp__samples_pdata(const fp__samples_t *s, fp_time_t duration);

/* Forgets every sample and count (attach's "start" after a "stop"). */
void fp__samples_clear(fp__samples_t *s);

/* Releases a collection. NULL is accepted. */
void fp__samples_free(fp__samples_t *s);

#endif /* FP_SAMPLES_H */
