/*
 * greenlet.c: the greenlet trace function and its installation in each
 * thread (see greenlet.h).
 */
#include "config.h"

#include <Python.h>
#include <string.h>

#include "python/pyexit.h"
#include "python/pyframe.h"
#include "trace/greenlet.h"

uint32_t fp__greenlet_want;
__thread uint32_t fp__greenlet_seen
    __attribute__((tls_model("initial-exec")));

/* Non-zero once greenlet's C module has been found. */
static int ready;
/* Calls left to look for the C module while the package is imported (an
 * unrelated module named greenlet must not make every call look). */
static uint32_t polls;
/* Non-zero once this thread has installed the trace function. */
static __thread int installed __attribute__((tls_model("initial-exec")));

/* The tracer's lookup of the calling thread's record (fp__greenlet_start). */
static fp__greenlet_thread_fn this_thread;

/* Moves the accounting of this thread from origin's stack to target's. */
static void
switched(PyObject *origin, PyObject *target)
{
	fp__thread_t *t = this_thread != NULL ? this_thread() : NULL;

	if (t != NULL)
		fp__acct_switch(t->acct, t, origin, target,
		    fp__clock_now(&t->acct->clock));
}

/* The trace function greenlet calls on each switch, as
 * f(event, (origin, target)); self is the trace function it replaced (or
 * None), which is called in turn. Returns what that one returns. */
static PyObject *
on_switch(PyObject *prev, PyObject *const *args, Py_ssize_t nargs)
{
	if (nargs == 2 && PyTuple_Check(args[1]) &&
	    PyTuple_GET_SIZE(args[1]) == 2)
		switched(PyTuple_GET_ITEM(args[1], 0),
		    PyTuple_GET_ITEM(args[1], 1));
	if (prev == NULL || prev == Py_None)
		Py_RETURN_NONE;
	return PyObject_Vectorcall(prev, args, (size_t)nargs, NULL);
}

static PyMethodDef switch_def = {
	"fullprof_greenlet_trace", (PyCFunction)(void (*)(void))on_switch,
	METH_FASTCALL,
	"fullprof's greenlet trace function: follows the switch, then calls "
	"the trace function it replaced."
};

/* Returns the module named name from sys.modules (borrowed), or NULL.
 * sys.modules is taken from the sys module's dictionary, which is safe at
 * any moment: while the interpreter finalises it may be gone (an audit
 * hook runs Python code while the interpreter is cleared), where
 * PyImport_GetModuleDict() is a fatal error; and unlike
 * PyImport_GetModule() this runs no Python code (that one asks importlib
 * whether a module is still being initialised). */
static PyObject *
loaded_module(const char *name)
{
	PyObject *modules;

	if (fp__pyexit_finalizing())
		return NULL;
	modules = PySys_GetObject("modules");
	return modules != NULL && PyDict_Check(modules) ?
	    PyDict_GetItemString(modules, name) : NULL;
}

/* Installs the trace function in this thread through mod (greenlet's C
 * module), chaining the one in place; returns 0 or -1 (a Python error
 * may be set). */
static int
install(PyObject *mod)
{
	PyObject *gettrace = NULL, *settrace = NULL, *prev = NULL, *fn = NULL,
	    *r = NULL;
	int rc = -1;

	gettrace = PyObject_GetAttrString(mod, "gettrace");
	settrace = PyObject_GetAttrString(mod, "settrace");
	if (gettrace == NULL || settrace == NULL)
		goto out;
	prev = PyObject_CallNoArgs(gettrace);
	if (prev == NULL)
		goto out;
	fn = PyCFunction_New(&switch_def, prev);
	if (fn == NULL)
		goto out;
	r = PyObject_CallOneArg(settrace, fn);
	if (r != NULL)
		rc = 0;
out:
	Py_XDECREF(r);
	Py_XDECREF(fn);
	Py_XDECREF(prev);
	Py_XDECREF(settrace);
	Py_XDECREF(gettrace);
	return rc;
}

/* Takes the tracer's thread lookup and makes every thread look again for
 * greenlet's C module, this one at once. */
void
fp__greenlet_start(fp__greenlet_thread_fn lookup)
{
	this_thread = lookup;
	fp__greenlet_want++;
	fp__greenlet_sync();
}

/* Looks for greenlet's C module and installs the trace function in this
 * thread once it is there (see greenlet.h). */
void
fp__greenlet_sync(void)
{
	fp__saved_exc_t saved;
	PyObject *mod;

	fp__exc_save(&saved);
	mod = loaded_module("greenlet._greenlet");
	if (mod != NULL) {
		ready = 1;
		if (!installed) {
			installed = 1;
			(void)install(mod);
		}
		fp__greenlet_seen = fp__greenlet_want;
	} else if (polls > 0 && loaded_module("greenlet") != NULL) {
		polls--;	/* under way: look again at the next call */
	} else {
		fp__greenlet_seen = fp__greenlet_want;
	}
	fp__exc_restore(&saved);
}

/* Notices that greenlet is imported, or being imported (see greenlet.h). */
void
fp__greenlet_saw_func(const fp__func_t *f)
{
	fp__saved_exc_t saved;

	if (ready || f == NULL)
		return;
	if (f->module != NULL && strcmp(f->module, "greenlet") == 0 &&
	    strcmp(f->name, "<module>") == 0) {
		polls = 10000;
		fp__greenlet_want++;
		return;
	}
	fp__exc_save(&saved);
	if (loaded_module("greenlet._greenlet") != NULL)
		fp__greenlet_want++;
	fp__exc_restore(&saved);
}
