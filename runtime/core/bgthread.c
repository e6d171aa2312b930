/*
 * bgthread.c: background threads that never take a signal (see
 * bgthread.h). A new thread inherits its creator's signal mask, so the
 * creator blocks everything for the instant of the creation.
 */
#include "config.h"

#include <signal.h>

#include "core/bgthread.h"

/* Starts a thread with every signal blocked. */
int
fp__bgthread_start(pthread_t *thread, const pthread_attr_t *attr,
    void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int err;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(thread, attr, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return err;
}
