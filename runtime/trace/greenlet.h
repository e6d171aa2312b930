/*
 * greenlet.h: follows greenlet switches, so that each greenlet has a stack
 * of its own in the accounting (see accounting.h).
 *
 * greenlet calls a trace function of each thread on every switch, in the
 * greenlet switched to, before it runs on: greenlet.settrace(f), f(event,
 * (origin, target)). Once greenlet's C module is imported, each thread
 * that runs a frame through the hook installs a C trace function of
 * fullprof's that moves the accounting to the target's stack and then
 * calls the trace function installed before it, if any. A program that
 * installs its own later must call the one it replaces (greenlet's
 * documented practice, as gevent does), or fullprof no longer sees the
 * switches of that thread.
 *
 * Detecting the import costs nothing per call: the tracer tells this file
 * of every new code object, and while greenlet's package module runs, the
 * hook asks sys.modules at each call until the C module is there.
 * Everything here runs under the GIL; this file owns the trace function
 * objects it installs (greenlet holds the references).
 */
#ifndef FP_GREENLET_H
#define FP_GREENLET_H

#include <stdint.h>

#include "core/functions.h"
#include "trace/accounting.h"

/* Bumped when threads are to look again for greenlet's C module. */
extern uint32_t fp__greenlet_want;
/* The value of fp__greenlet_want this thread last acted on. */
extern __thread uint32_t fp__greenlet_seen
    __attribute__((tls_model("initial-exec")));

/* Returns the recording accounting's record of the calling thread, or
 * NULL: the tracer's lookup, handed in by fp__greenlet_start. */
typedef fp__thread_t *(*fp__greenlet_thread_fn)(void);

/* Called by the tracer as it starts recording: this_thread finds the
 * calling thread's record from now on, every thread is to look again for
 * greenlet's C module, and the calling thread does so at once. */
void fp__greenlet_start(fp__greenlet_thread_fn this_thread);

/* Looks for greenlet's C module and, once it is there, installs the trace
 * function in this thread (slow path of fp__greenlet_poll). */
void fp__greenlet_sync(void);

/* Called by the hook before a frame runs: does the thread's share of the
 * work when fp__greenlet_want has changed. */
static inline void
fp__greenlet_poll(void)
{
	if (__builtin_expect(fp__greenlet_seen != fp__greenlet_want, 0))
		fp__greenlet_sync();
}

/* Called for each new function record f (a code object seen for the first
 * time): notices that greenlet is imported or being imported. */
void fp__greenlet_saw_func(const fp__func_t *f);

#endif /* FP_GREENLET_H */
