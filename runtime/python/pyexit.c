/*
 * pyexit.c: C callbacks after a fork (in the child) and at os._exit().
 *
 * os._exit() ends the process at once: no atexit handler, no Py_AtExit
 * callback, no finalisation. It is how every child that multiprocessing
 * forks ends (Popen._launch for "fork", the forkserver's loop for
 * "forkserver": after Process._bootstrap has run the target and
 * multiprocessing's own exit handlers), and how many forked children and
 * some programs end. So os._exit (posix._exit, the same object) is
 * replaced in both modules by a built-in function that passes for the
 * original: same name, qualified name, module, self (the posix module),
 * docstring and signature, the same repr, and it pickles by reference as
 * posix._exit does. It checks the status as the original does, runs the
 * callbacks, then calls the original, kept here. The modules are shared
 * by the whole process family, so forked children get it too; a program
 * that spawns a new interpreter installs it again there.
 */
#include "config.h"

#include <Python.h>
#include <sys/types.h>
#include <unistd.h>

#include "python/pyexit.h"

#define MAX_FNS 8

static fp__pyexit_fn fork_fns[MAX_FNS];
static int nfork_fns;
static struct {
	fp__pyexit_fn fn;
	int order;
} exit_fns[MAX_FNS];
static int nexit_fns;
static int installed;
static pid_t exit_ran_pid;
static PyObject *fork_hook_obj;

/* The os.register_at_fork(after_in_child=...) hook. */
static PyObject *
fork_hook(PyObject *self, PyObject *unused)
{
	int i;

	(void)self;
	(void)unused;
	for (i = 0; i < nfork_fns; i++)
		fork_fns[i]();
	Py_RETURN_NONE;
}

static PyMethodDef fork_hook_def = {
	"_fullprof_after_fork", fork_hook, METH_NOARGS, NULL
};

/* The os._exit that the replacement calls, of the interpreter it was
 * installed in (a reference kept for the life of that interpreter). */
static PyObject *original_exit;

/* os._exit's replacement (self is the posix module, as the original's).
 * Checks the status first, so that a bad one raises what the original
 * raises (and the program goes on), then runs the callbacks, once per
 * process, and calls the original. */
static PyObject *
os_exit(PyObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kwlist[] = { "status", NULL };
	int status, i;

	(void)self;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "i:_exit", kwlist,
	    &status)) {
		/* The original's own words for what is wrong. */
		PyErr_Clear();
		return PyObject_Call(original_exit, args, kwargs);
	}
	if (exit_ran_pid != getpid()) {
		exit_ran_pid = getpid();
		for (i = 0; i < nexit_fns; i++)
			exit_fns[i].fn();
	}
	return PyObject_Call(original_exit, args, kwargs);
}

/* Its method definition: the docstring (with the signature) is filled in
 * from the original's at install time. */
static PyMethodDef os_exit_def = {
	"_exit", (PyCFunction)(void (*)(void))os_exit,
	METH_VARARGS | METH_KEYWORDS, NULL
};

/* Replaces _exit in posix and os unless that is done already (in this
 * interpreter: the check is on the function, not a flag, so a new
 * interpreter after Py_Finalize gets it again). Returns 0 or -1. */
static int
install_os_exit(void)
{
	PyObject *posix, *os = NULL, *original = NULL, *name = NULL;
	PyObject *wrapper = NULL;
	int rc = -1;

	if ((posix = PyImport_ImportModule("posix")) == NULL ||
	    (os = PyImport_ImportModule("os")) == NULL ||
	    (original = PyObject_GetAttrString(posix, "_exit")) == NULL)
		goto out;
	if (PyCFunction_Check(original) &&
	    PyCFunction_GET_FUNCTION(original) ==
	    (PyCFunction)(void (*)(void))os_exit) {
		rc = 0;
		goto out;
	}
	/* The posix method table is static: its docstring outlives us. */
	if (PyCFunction_Check(original))
		os_exit_def.ml_doc = ((PyCFunctionObject *)original)->m_ml->ml_doc;
	if ((name = PyUnicode_FromString("posix")) == NULL ||
	    (wrapper = PyCFunction_NewEx(&os_exit_def, posix, name)) == NULL)
		goto out;
	/* An original of an interpreter that is gone is not released: its
	 * memory went with that interpreter. */
	original_exit = original;
	original = NULL;
	if (PyObject_SetAttrString(posix, "_exit", wrapper) == 0 &&
	    PyObject_SetAttrString(os, "_exit", wrapper) == 0)
		rc = 0;
out:
	Py_XDECREF(wrapper);
	Py_XDECREF(name);
	Py_XDECREF(original);
	Py_XDECREF(os);
	Py_XDECREF(posix);
	return rc;
}

/* Creates the fork hook and registers it, once per process family (a
 * forked child inherits it); returns 0 or -1. */
static int
install(void)
{
	PyObject *os, *reg, *kw, *args, *r = NULL;

	if (installed)
		return 0;
	if (fork_hook_obj == NULL &&
	    (fork_hook_obj = PyCFunction_New(&fork_hook_def, NULL)) == NULL)
		return -1;
	os = PyImport_ImportModule("os");
	reg = os ? PyObject_GetAttrString(os, "register_at_fork") : NULL;
	kw = reg ? Py_BuildValue("{s:O}", "after_in_child", fork_hook_obj) :
	    NULL;
	args = kw ? PyTuple_New(0) : NULL;
	if (args != NULL)
		r = PyObject_Call(reg, args, kw);
	Py_XDECREF(args);
	Py_XDECREF(kw);
	Py_XDECREF(reg);
	Py_XDECREF(os);
	if (r == NULL)
		return -1;
	Py_DECREF(r);
	installed = 1;
	return 0;
}

/* Adds a callback run in the child after every fork. */
int
fp__pyexit_on_fork_child(fp__pyexit_fn fn)
{
	int i;

	for (i = 0; i < nfork_fns; i++) {
		if (fork_fns[i] == fn)
			return 0;
	}
	if (nfork_fns == MAX_FNS) {
		PyErr_SetString(PyExc_RuntimeError, "fullprof: too many fork "
		    "callbacks");
		return -1;
	}
	if (install() != 0)
		return -1;
	fork_fns[nfork_fns++] = fn;
	return 0;
}

/* Adds a callback run just before os._exit ends a process. */
int
fp__pyexit_on_os_exit(fp__pyexit_fn fn, int order)
{
	int i, j;

	if (install_os_exit() != 0)
		return -1;
	for (i = 0; i < nexit_fns; i++) {
		if (exit_fns[i].fn == fn)
			return 0;
	}
	if (nexit_fns == MAX_FNS) {
		PyErr_SetString(PyExc_RuntimeError, "fullprof: too many exit "
		    "callbacks");
		return -1;
	}
	for (i = 0; i < nexit_fns && exit_fns[i].order <= order; i++)
		continue;
	for (j = nexit_fns; j > i; j--)
		exit_fns[j] = exit_fns[j - 1];
	exit_fns[i].fn = fn;
	exit_fns[i].order = order;
	nexit_fns++;
	return 0;
}

/* Returns non-zero while the interpreter is being finalised. */
int
fp__pyexit_finalizing(void)
{
#if PY_VERSION_HEX >= 0x030d0000
	return Py_IsFinalizing();
#else
	return _Py_IsFinalizing();
#endif
}
