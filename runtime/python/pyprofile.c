/*
 * pyprofile.c: the tracer's profile function installed without the
 * "sys.setprofile" audit event reaching the program (see pyprofile.h).
 *
 * This file alone defines Py_BUILD_CORE before Python.h, for the
 * interpreter's private audit_hooks list (internal/pycore_interp.h).
 */
#include "config.h"

#define Py_BUILD_CORE 1
#include <Python.h>
#include "internal/pycore_interp.h"

#include "python/pyprofile.h"

/* Sets fn in one thread (ts) or in all of them, the caller's audit hooks
 * already held aside. */
static void
set_profile(PyThreadState *ts, Py_tracefunc fn, int all_threads)
{
#if PY_VERSION_HEX >= 0x030c0000
	(void)ts;
	if (all_threads)
		PyEval_SetProfileAllThreads(fn, NULL);
	else
		PyEval_SetProfile(fn, NULL);
#else
	if (!all_threads) {
		PyEval_SetProfile(fn, NULL);
		return;
	}
	for (ts = PyInterpreterState_ThreadHead(ts->interp); ts != NULL;
	    ts = PyThreadState_Next(ts))
		_PyEval_SetProfile(ts, fn, NULL);
#endif
}

/* Installs or removes fn with the interpreter's list of Python audit
 * hooks (sys.addaudithook) detached meanwhile, so CPython finds no hook
 * to call; hooks added from C (PySys_AddAuditHook) still see the event. */
void
fp__profile_set_quietly(Py_tracefunc fn, int all_threads)
{
	PyThreadState *ts = PyThreadState_Get();
	PyInterpreterState *interp = ts->interp;
	PyObject *hooks = interp->audit_hooks;
	PyObject *type, *value, *tb;

	PyErr_Fetch(&type, &value, &tb);
	interp->audit_hooks = NULL;
	set_profile(ts, fn, all_threads);
	interp->audit_hooks = hooks;
	PyErr_Clear();
	PyErr_Restore(type, value, tb);
}
