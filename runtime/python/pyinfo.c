/*
 * pyinfo.c: thread names and asyncio's task registry, fetched under the
 * GIL by a short-lived helper thread for the sampler (see pyinfo.h).
 */
#include "config.h"

#include <Python.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/bgthread.h"
#include "core/clock.h"
#include "python/pyexit.h"
#include "python/pyframe.h"
#include "python/pyinfo.h"

#define WAIT_NAMES	20000000ll	/* 20ms between helpers for names */
#define WAIT_FIRST	100000000ll	/* 100ms between helpers for tasks */
#define WAIT_MOST	5000000000ll	/* backing off up to 5s */
#define HELPERS_KEPT	4		/* helper thread ids remembered */

/* One published thread name. */
typedef struct named {
	uint64_t ident;
	char *name;
} named_t;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static named_t *names;		/* guarded by lock */
static size_t nnames;
static uint64_t names_version;	/* atomic */
static fp__taskread_t *tasks;	/* atomic; set once */
static int busy;		/* atomic: a helper runs */
static pid_t busy_pid;		/* the process busy is about */
static int64_t last, wait_ns = WAIT_FIRST;	/* guarded by lock */
static int64_t names_wait = WAIT_NAMES;		/* guarded by lock */
static int64_t helper_tids[HELPERS_KEPT];	/* atomic */
static unsigned helpers_next;			/* atomic */

/* What one helper was asked to fetch. */
typedef struct request {
	int names, tasks;
} request_t;

static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

/* Before a fork: takes the lock, so that no other thread holds it (and
 * the names are whole) at the moment the child is made. */
static void
before_fork(void)
{
	pthread_mutex_lock(&lock);
}

/* After a fork, in the parent: lets go of the lock taken before it. */
static void
after_fork_parent(void)
{
	pthread_mutex_unlock(&lock);
}

/* After a fork, in the child: the lock, taken before the fork, is made
 * afresh (the portable way to have an unlocked mutex in a child). */
static void
after_fork_child(void)
{
	pthread_mutex_init(&lock, NULL);
}

/* Registers the fork handlers once per process. */
static void
register_atfork(void)
{
	pthread_atfork(before_fork, after_fork_parent, after_fork_child);
}

/* Takes the lock, first making sure a fork can never leave it held in
 * the child (where the exit report would then wait on it for ever). */
static void
lock_names(void)
{
	pthread_once(&atfork_once, register_atfork);
	pthread_mutex_lock(&lock);
}

/* Records ident's name, replacing an older one; returns 1 when it is new
 * or changed. Called with lock held. */
static int
publish_name(uint64_t ident, const char *name)
{
	named_t *nn;
	char *copy;
	size_t i;

	for (i = 0; i < nnames; i++) {
		if (names[i].ident != ident)
			continue;
		if (strcmp(names[i].name, name) == 0)
			return 0;
		if ((copy = strdup(name)) == NULL)
			return 0;
		free(names[i].name);
		names[i].name = copy;
		return 1;
	}
	if ((nn = realloc(names, (nnames + 1) * sizeof *nn)) == NULL)
		return 0;
	names = nn;
	if ((names[nnames].name = strdup(name)) == NULL)
		return 0;
	names[nnames++].ident = ident;
	return 1;
}

/* Calls fn(ctx, ident, name) for every thread in threading._active, the
 * name read from the Thread's own _name attribute, never through its
 * `name` property: no Python code runs, so nothing here shows in a
 * profile. Needs the GIL; a pending exception is kept. */
void
fp__pyinfo_threads_each(void (*fn)(void *ctx, uint64_t ident,
    const char *name), void *ctx)
{
	PyObject *threading, *active, *key, *thread, *name;
	fp__saved_exc_t saved;
	Py_ssize_t pos = 0;

	threading = PyDict_GetItemString(PyImport_GetModuleDict(),
	    "threading");
	if (threading == NULL)
		return;
	fp__exc_save(&saved);
	active = PyObject_GetAttrString(threading, "_active");
	while (active != NULL && PyDict_Check(active) &&
	    PyDict_Next(active, &pos, &key, &thread)) {
		unsigned long long ident = PyLong_AsUnsignedLongLong(key);
		const char *s;

		if (PyErr_Occurred()) {
			PyErr_Clear();
			continue;
		}
		name = PyObject_GetAttrString(thread, "_name");
		s = name != NULL && PyUnicode_Check(name) ?
		    PyUnicode_AsUTF8(name) : NULL;
		if (s != NULL)
			fn(ctx, (uint64_t)ident, s);
		Py_XDECREF(name);
		PyErr_Clear();
	}
	Py_XDECREF(active);
	fp__exc_restore(&saved);
}

/* Publishes one thread's name; counts it in *ctx when new or changed. */
static void
publish_counted(void *ctx, uint64_t ident, const char *name)
{
	lock_names();
	*(int *)ctx += publish_name(ident, name);
	pthread_mutex_unlock(&lock);
}

/* Reads threading._active (ident -> Thread) and publishes the names;
 * returns how many were new. Needs the GIL; leaves no exception. */
int
fp__pyinfo_fetch_names(void)
{
	int fresh = 0;

	fp__pyinfo_threads_each(publish_counted, &fresh);
	if (fresh > 0)
		__atomic_add_fetch(&names_version, 1, __ATOMIC_RELEASE);
	return fresh;
}

/* Remembers that the calling thread is a helper, for the sampler to leave
 * out: the newest HELPERS_KEPT are kept, enough for a helper whose thread
 * state a read caught just before it ended. */
static void
mark_helper(void)
{
	unsigned slot = __atomic_fetch_add(&helpers_next, 1, __ATOMIC_RELAXED);

	__atomic_store_n(&helper_tids[slot % HELPERS_KEPT],
	    (int64_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
}

/* Tells whether OS thread native_id is (or was lately) a helper. */
int
fp__pyinfo_is_helper(int64_t native_id)
{
	unsigned i;

	for (i = 0; i < HELPERS_KEPT; i++) {
		if (__atomic_load_n(&helper_tids[i], __ATOMIC_ACQUIRE) ==
		    native_id)
			return 1;
	}
	return 0;
}

/* The helper thread: takes the GIL, fetches, publishes, ends. */
static FP__GIL_WAITER void *
helper_main(void *arg)
{
	request_t req = *(request_t *)arg;
	fp__taskread_t *t = NULL;
	int found = 0, fresh = 0;

	free(arg);
	mark_helper();
	if (req.tasks)
		t = fp__taskread_new();
	if (Py_IsInitialized() && !fp__pyexit_finalizing()) {
		PyGILState_STATE g = PyGILState_Ensure();
		PyObject *type, *value, *tb;

		PyErr_Fetch(&type, &value, &tb);
		if (req.names)
			fresh = fp__pyinfo_fetch_names();
		if (t != NULL) {
			found = fp__taskread_discover(t) == 0;
			if (!found) {
				fp__taskread_free(t);
				t = NULL;
			}
		}
		PyErr_Restore(type, value, tb);
		PyGILState_Release(g);
	}
	if (found)
		__atomic_store_n(&tasks, t, __ATOMIC_RELEASE);
	lock_names();
	if (found)
		wait_ns = WAIT_FIRST;
	else if (req.tasks && wait_ns < WAIT_MOST)
		wait_ns *= 2;
	if (fresh > 0)
		names_wait = WAIT_NAMES;
	else if (req.names && names_wait < WAIT_MOST)
		names_wait *= 2;
	pthread_mutex_unlock(&lock);
	__atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
	return NULL;
}

/* Asks a helper to fetch thread names and/or the task registry. */
int
fp__pyinfo_request(int want_names, int want_tasks)
{
	pthread_attr_t attr;
	pthread_t th;
	request_t *req;
	int64_t now = fp__monotonic_ns();
	pid_t pid = getpid();

	if (want_tasks && __atomic_load_n(&tasks, __ATOMIC_ACQUIRE) != NULL)
		want_tasks = 0;
	if (!want_names && !want_tasks)
		return 1;
	lock_names();
	if (busy_pid != pid) {
		/* A child forked while a helper ran: it did not come along. */
		__atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
		busy_pid = pid;
	}
	if (__atomic_load_n(&busy, __ATOMIC_ACQUIRE) || (last != 0 &&
	    now - last < (want_names ? names_wait : wait_ns))) {
		pthread_mutex_unlock(&lock);
		return 0;
	}
	last = now;
	__atomic_store_n(&busy, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&lock);
	if ((req = malloc(sizeof *req)) == NULL)
		goto fail;
	req->names = want_names;
	req->tasks = want_tasks;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 1024 * 1024);
	if (fp__bgthread_start(&th, &attr, helper_main, req) != 0) {
		pthread_attr_destroy(&attr);
		free(req);
		goto fail;
	}
	pthread_attr_destroy(&attr);
	return 1;
fail:
	__atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
	return 0;
}

/* Returns the version of the published names. */
uint64_t
fp__pyinfo_names_version(void)
{
	return __atomic_load_n(&names_version, __ATOMIC_ACQUIRE);
}

/* Calls fn for every published thread name. */
void
fp__pyinfo_names_each(void (*fn)(void *ctx, uint64_t ident,
    const char *name), void *ctx)
{
	size_t i;

	lock_names();
	for (i = 0; i < nnames; i++)
		fn(ctx, names[i].ident, names[i].name);
	pthread_mutex_unlock(&lock);
}

/* Returns asyncio's task registry once found. */
fp__taskread_t *
fp__pyinfo_tasks(void)
{
	return __atomic_load_n(&tasks, __ATOMIC_ACQUIRE);
}
