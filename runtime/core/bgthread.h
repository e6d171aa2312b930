/*
 * bgthread.h: starting fullprof's own background threads (the sampler,
 * its GIL helpers, the SIGTERM watcher) so that they never take a signal.
 *
 * A signal sent to the process goes to any thread that does not block it.
 * When CPython's handler runs on a thread other than Python's main thread,
 * CPython 3.11-3.13 on Linux records the signal but does not wake the main
 * thread's evaluation loop, so a program busy in pure Python would not see
 * Ctrl-C until something else disturbed it. Threads started here block
 * every signal from their first instruction, leaving signals to the
 * program's threads.
 */
#ifndef FP_BGTHREAD_H
#define FP_BGTHREAD_H

#include <pthread.h>

/* pthread_create() with every signal blocked in the new thread; returns 0
 * or an error number, as pthread_create() does. */
int fp__bgthread_start(pthread_t *thread, const pthread_attr_t *attr,
    void *(*fn)(void *), void *arg);

/*
 * Marks the start routine of a background thread that waits for the GIL.
 * While the interpreter finalises, CPython ends such a thread inside
 * PyGILState_Ensure (pthread_exit), so the routine's frame never returns;
 * under AddressSanitizer the redzones of its locals would stay poisoned
 * and the thread's own exit code, reusing that stack, would be reported
 * as a stack-buffer-underflow. The routine is left uninstrumented in a
 * sanitizer build; what it calls once it has the GIL is not.
 */
#if defined(__SANITIZE_ADDRESS__)
#define FP__GIL_WAITER __attribute__((no_sanitize_address))
#else
#define FP__GIL_WAITER
#endif

#endif /* FP_BGTHREAD_H */
