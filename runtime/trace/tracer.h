/*
 * tracer.h: the deterministic tracer. It installs a PEP 523 frame
 * evaluation function that wraps CPython's own, so it sees every start,
 * resume, suspension and end of every Python frame in every thread, and
 * (with builtins) a C-level profile function for C calls.
 */
#ifndef FP_TRACER_H
#define FP_TRACER_H

#include "trace/accounting.h"
#include "core/filter.h"

/* Makes a the accounting that every thread records into and installs the
 * hooks; with a non-empty filter, only the functions it selects, and what
 * they call, are recorded (filter must outlive the run). Returns FP_OK,
 * FP_ERR_BUSY (another one is active) or FP_ERR_NOPYTHON. Needs the GIL. */
int fp__tracer_start(fp__acct_t *a, int builtins, const fp__filter_t *filter);

/* Removes the hooks (when the interpreter is still alive); frames inside
 * them stop recording. Needs the GIL, or a finalised interpreter. */
void fp__tracer_stop(fp__acct_t *a);

/* Returns the accounting being recorded into, or NULL. */
fp__acct_t *fp__tracer_active(void);

/* Names the threads of a that threading knows (needs the GIL). */
void fp__tracer_name_threads(fp__acct_t *a);

/* Puts a changed filter of accounting a in force if a is recording. */
void fp__tracer_filter_changed(const fp__acct_t *a, const fp__filter_t *filter);

/* Returns the active accounting's record of the calling thread, or NULL
 * when nothing records or the thread has no valid record. Needs the GIL. */
fp__thread_t *fp__tracer_this_thread(void);

/* Forgets the calling thread's cached record if it is t (a record just
 * freed: it is only compared). */
void fp__tracer_forget_thread(const fp__thread_t *t);

/* Makes every frame already inside the hooks forget its segment (used
 * when a profile is cleared or freed while frames are running). */
void fp__tracer_invalidate(void);

#endif /* FP_TRACER_H */
