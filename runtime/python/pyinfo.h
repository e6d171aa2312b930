/*
 * pyinfo.h: what the sampler of this process can only learn under the
 * GIL: the names of threads (threading._active) and where asyncio keeps
 * its tasks.
 *
 * The sampler must never wait for the GIL (it would stall behind the very
 * program it measures, and could deadlock at exit), so a request starts a
 * short-lived, detached helper thread that takes the GIL, reads what was
 * asked for and publishes it here; the sampler picks the results up on a
 * later tick. Requests are rate-limited: 20ms between helpers for names,
 * 100ms for the task registry, each backing off to 5s while nothing new
 * turns up.
 *
 * Ownership: the published names and the task registry belong to this
 * module and live as long as the process (the registry holds references
 * to Python objects that could only be dropped under the GIL).
 */
#ifndef FP_PYINFO_H
#define FP_PYINFO_H

#include <stdint.h>

#include "sample/taskread.h"

/* Asks a helper to fetch thread names (names) and/or asyncio's task
 * registry (tasks, unless already found). Never blocks; a request made
 * while a helper runs, or too soon after the last, is dropped: returns 1
 * when a helper was started (or nothing was needed), 0 when dropped. */
int fp__pyinfo_request(int names, int tasks);

/* Reads the names of the threads alive now and publishes them at once;
 * returns how many were new. Needs the GIL (for a caller that has it). */
int fp__pyinfo_fetch_names(void);

/* Calls fn(ctx, ident, name) for every thread in threading._active, with
 * the name its Thread object holds (_name, read without running Python
 * code). Needs the GIL; a pending exception is kept. */
void fp__pyinfo_threads_each(void (*fn)(void *ctx, uint64_t ident,
    const char *name), void *ctx);

/* Tells whether OS thread native_id is one of the helpers started here,
 * which take the GIL and so show in a read of the thread states; the
 * sampler leaves them out. */
int fp__pyinfo_is_helper(int64_t native_id);

/* Returns a number that changes whenever new thread names are published. */
uint64_t fp__pyinfo_names_version(void);

/* Calls fn(ctx, ident, name) for every thread name published so far. */
void fp__pyinfo_names_each(void (*fn)(void *ctx, uint64_t ident,
    const char *name), void *ctx);

/* Returns asyncio's task registry once a helper has found it, else NULL. */
fp__taskread_t *fp__pyinfo_tasks(void);

#endif /* FP_PYINFO_H */
