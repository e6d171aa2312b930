/*
 * pyexit.c: C callbacks after a fork (in the child) and at the end of the
 * children multiprocessing forks.
 *
 * A child forked by multiprocessing (Popen._launch for "fork", the
 * forkserver's main loop for "forkserver") runs Process._bootstrap, which
 * first empties multiprocessing.util's finalizer registry, then runs the
 * callbacks of util.register_after_fork, then the target, then
 * util._exit_function (which runs the registered finalizers, lowest
 * priority last), and the child then ends with os._exit. So the callbacks
 * here are reached through a util.Finalize with a very low priority,
 * registered from a register_after_fork callback (which survives the
 * emptying), or directly when _bootstrap has already begun (the module
 * that asked was imported by the target itself). os.register_at_fork
 * makes sure this is armed again in every forked child.
 */
#include "config.h"

#include <Python.h>
#include <sys/types.h>
#include <unistd.h>

#include "pyexit.h"

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
static PyObject *fork_hook_obj, *mp_after_fork_obj, *mp_exit_obj;

/* Runs the end-of-child callbacks, once per process: multiprocessing may
 * have been armed more than once in a process (a registration inherited
 * from the parent and one of its own). */
static PyObject *
mp_exit(PyObject *self, PyObject *unused)
{
	int i;

	(void)self;
	(void)unused;
	if (exit_ran_pid == getpid())
		Py_RETURN_NONE;
	exit_ran_pid = getpid();
	for (i = 0; i < nexit_fns; i++)
		exit_fns[i].fn();
	Py_RETURN_NONE;
}

/* Registers the end-of-child callbacks with util.Finalize (util is
 * multiprocessing.util); returns 0 or -1 with an exception set. */
static int
finalize_now(PyObject *util)
{
	PyObject *fin, *args = NULL, *kw = NULL, *r = NULL;

	fin = PyObject_GetAttrString(util, "Finalize");
	if (fin != NULL)
		args = Py_BuildValue("(OO)", Py_None, mp_exit_obj);
	if (args != NULL)
		kw = Py_BuildValue("{s:L}", "exitpriority",
		    -((long long)1 << 62));
	if (kw != NULL)
		r = PyObject_Call(fin, args, kw);
	Py_XDECREF(fin);
	Py_XDECREF(args);
	Py_XDECREF(kw);
	Py_XDECREF(r);
	return r != NULL ? 0 : -1;
}

/* Returns a module already imported, as a new reference, or NULL (no
 * exception set) when it is not. */
static PyObject *
imported(const char *name)
{
	PyObject *n = PyUnicode_FromString(name), *m;

	if (n == NULL) {
		PyErr_Clear();
		return NULL;
	}
	m = PyImport_GetModule(n);
	Py_DECREF(n);
	if (m == NULL)
		PyErr_Clear();
	return m;
}

/* The util.register_after_fork callback: _bootstrap has just emptied the
 * finalizer registry. */
static PyObject *
mp_after_fork(PyObject *self, PyObject *obj)
{
	PyObject *util = imported("multiprocessing.util");

	(void)self;
	(void)obj;
	if (util != NULL && finalize_now(util) != 0)
		PyErr_Clear();
	Py_XDECREF(util);
	Py_RETURN_NONE;
}

/* Arms multiprocessing, when this process has imported it, to run the
 * end-of-child callbacks: for a _bootstrap still to come (a child forked
 * now), and for one already under way (a process whose parent_process()
 * is known). Errors are dropped: nothing here may fail the program. */
static void
mp_arm(void)
{
	PyObject *util, *process, *r;

	if (nexit_fns == 0 || (util = imported("multiprocessing.util")) == NULL)
		return;
	r = PyObject_CallMethod(util, "register_after_fork", "OO",
	    mp_after_fork_obj, mp_after_fork_obj);
	if (r == NULL)
		PyErr_Clear();
	Py_XDECREF(r);
	process = imported("multiprocessing.process");
	r = process ? PyObject_CallMethod(process, "parent_process", NULL) :
	    NULL;
	if (r != NULL && r != Py_None && finalize_now(util) != 0)
		PyErr_Clear();
	if (r == NULL)
		PyErr_Clear();
	Py_XDECREF(r);
	Py_XDECREF(process);
	Py_DECREF(util);
}

/* The os.register_at_fork(after_in_child=...) hook. */
static PyObject *
fork_hook(PyObject *self, PyObject *unused)
{
	int i;

	(void)self;
	(void)unused;
	for (i = 0; i < nfork_fns; i++)
		fork_fns[i]();
	mp_arm();
	Py_RETURN_NONE;
}

static PyMethodDef fork_hook_def = {
	"_fullprof_after_fork", fork_hook, METH_NOARGS, NULL
};
static PyMethodDef mp_after_fork_def = {
	"_fullprof_mp_after_fork", mp_after_fork, METH_O, NULL
};
static PyMethodDef mp_exit_def = {
	"_fullprof_mp_exit", mp_exit, METH_NOARGS, NULL
};

/* Creates the callables and registers the fork hook, once per process
 * family (a forked child inherits both); returns 0 or -1. */
static int
install(void)
{
	PyObject *os, *reg, *kw, *args, *r = NULL;

	if (installed)
		return 0;
	if (fork_hook_obj == NULL &&
	    ((fork_hook_obj = PyCFunction_New(&fork_hook_def, NULL)) == NULL ||
	    (mp_after_fork_obj = PyCFunction_New(&mp_after_fork_def,
	    NULL)) == NULL ||
	    (mp_exit_obj = PyCFunction_New(&mp_exit_def, NULL)) == NULL))
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

/* Adds a callback run at the end of children multiprocessing forks. */
int
fp__pyexit_on_mp_child_exit(fp__pyexit_fn fn, int order)
{
	int i, j;

	for (i = 0; i < nexit_fns; i++) {
		if (exit_fns[i].fn == fn)
			return 0;
	}
	if (nexit_fns == MAX_FNS) {
		PyErr_SetString(PyExc_RuntimeError, "fullprof: too many exit "
		    "callbacks");
		return -1;
	}
	if (install() != 0)
		return -1;
	for (i = 0; i < nexit_fns && exit_fns[i].order <= order; i++)
		continue;
	for (j = nexit_fns; j > i; j--)
		exit_fns[j] = exit_fns[j - 1];
	exit_fns[i].fn = fn;
	exit_fns[i].order = order;
	nexit_fns++;
	/* Already in a child that multiprocessing started: arm it now. */
	mp_arm();
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
