/*
 * threadend.c: the capsule in each thread's state dictionary whose
 * destructor reports the end of the thread (see threadend.h).
 */
#include "config.h"

#include <Python.h>
#include <stdlib.h>

#include "python/pyframe.h"
#include "trace/threadend.h"

#define WATCH_KEY "fullprof.thread-end"

/* What a capsule knows: the accounting and thread, valid while the
 * accounting's records serial has not changed. */
typedef struct watch {
	fp__acct_t *acct;
	fp__thread_t *thread;
	uint64_t serial;
	void (*forget)(const fp__thread_t *);	/* drops a cached record */
} watch_t;

/* The capsule's destructor: the thread state is being cleared. On the
 * thread itself, with the record still valid and nothing open, the
 * accounting learns that the thread ended (the tracer's cache of the
 * record is dropped when the record is freed). */
static void
watch_ended(PyObject *capsule)
{
	watch_t *w = PyCapsule_GetPointer(capsule, WATCH_KEY);
	fp__thread_t *t;

	if (w == NULL) {
		PyErr_Clear();
		return;
	}
	t = w->thread;
	if (w->serial == fp__acct_records_serial() &&
	    t->ident == PyThread_get_thread_ident() &&
	    t->native_id == (long)PyThread_get_thread_native_id() &&
	    (t->epoch != w->acct->epoch || t->depth == 0) &&
	    fp__acct_thread_ended(w->acct, t)) {
		/* Freed: a thread state made later on this OS thread (a C
		 * thread's next PyGILState_Ensure) registers anew. A record
		 * that stays is found again through the cache. */
		w->forget(t);
	}
	free(w);
}

/* Watches the end of the calling thread, whose record in a is t. */
void
fp__threadend_watch(fp__acct_t *a, fp__thread_t *t,
    void (*forget)(const fp__thread_t *))
{
	fp__saved_exc_t saved;
	PyObject *dict, *capsule;
	watch_t *w;

	w = malloc(sizeof *w);
	if (w == NULL)
		return;
	w->acct = a;
	w->thread = t;
	w->serial = fp__acct_records_serial();
	w->forget = forget;
	fp__exc_save(&saved);
	dict = PyThreadState_GetDict();
	capsule = dict != NULL ? PyCapsule_New(w, WATCH_KEY, watch_ended) :
	    NULL;
	if (capsule == NULL) {
		free(w);
	} else {
		/* A watch already there (of a record this thread had before)
		 * is freed here, which reports that record ended. */
		(void)PyDict_SetItemString(dict, WATCH_KEY, capsule);
		Py_DECREF(capsule);
	}
	fp__exc_restore(&saved);
}
