/*
 * threadend.h: tells the accounting when a thread ends, so that the record
 * of a thread that joined a group is freed (see accounting.h).
 *
 * CPython clears a thread's state, and with it the dictionary
 * PyThreadState_GetDict() gives, on that thread with the GIL held once
 * its Python code is done (a threading thread, a _thread thread, or a C
 * thread releasing the state PyGILState_Ensure made). A capsule put in
 * that dictionary when the thread registers is freed then, and its
 * destructor is the notice. The capsule owns a small record naming the
 * accounting and the thread; a profile cleared or freed since makes it
 * stale (fp__acct_records_serial).
 */
#ifndef FP_THREADEND_H
#define FP_THREADEND_H

#include "trace/accounting.h"

/* Watches the end of the calling thread, whose record in a is t; when the
 * record is freed at its end, forget(t) lets the caller drop any cached
 * pointer to it. A failure only leaves the record in place. Needs the GIL. */
void fp__threadend_watch(fp__acct_t *a, fp__thread_t *t,
    void (*forget)(const fp__thread_t *));

#endif /* FP_THREADEND_H */
