/*
 * gate.c: switching the frame hook on when a selected function is called
 * and off when nothing recorded is left (see gate.h).
 *
 * A gated function has func_version 0 and our vectorcall: CPython then
 * neither inlines its calls (the generic CALL checks the vectorcall) nor
 * specialises call sites on it (they need a version), so every call of it
 * comes through gate_call. Functions are gated when gating begins or the
 * filter changes (a sweep of all objects the collector knows) and, between
 * sweeps, when they are created (a function watcher).
 *
 * Some selected code runs without a call through its function object:
 * generators and coroutines run when resumed, class bodies and exec'd code
 * are evaluated directly. Such objects are kept in a list of weak
 * references, and the hook stays on while one of them can still run.
 */
#include "config.h"

#include <Python.h>
#include <stdlib.h>

#include "trace/gate.h"
#include "python/pyframe.h"
#include "python/pyfunc.h"

/* Non-zero while gating is in force. */
static int gating;

#ifdef FP__HAVE_FUNC_WATCHERS

static const fp__filter_t *gate_filter;
static fp__gate_hook_fn hook_fn;
static fp__gate_idle_fn idle_fn;
static int hook_on;
/* Set when the gate lost track of something (no memory, a function with
 * someone else's vectorcall is not one it can gate): the hook stays on. */
static int pinned;
static int watcher = -1;
/* Gated calls in progress in all threads, counted in gating round gate_round. */
static unsigned long users;
static unsigned long gate_round;
/* CPython's own vectorcall of Python functions. */
static vectorcallfunc plain;
/* Weak references to objects that may still run selected code. */
static PyObject **pending;
static size_t npending, cpending;

/* Objects collected by a sweep, each with a reference held. */
typedef struct objlist {
	PyObject **items;
	size_t n, capacity;
	int nomem;
} objlist_t;

/* Switches the hook on if it is off. */
static void
hook_up(void)
{
	if (!hook_on) {
		hook_fn(1);
		hook_on = 1;
	}
}

/* Drops the pending objects that can no longer run selected code (gone,
 * or a generator that has finished); returns how many remain. */
static size_t
prune(void)
{
	size_t i, kept = 0;

	for (i = 0; i < npending; i++) {
		PyObject *obj = fp__weakref_get(pending[i]);
		int live = obj != NULL &&
		    !(fp__gen_check(obj) && fp__gen_finished(obj));

		Py_XDECREF(obj);
		if (live)
			pending[kept++] = pending[i];
		else
			Py_DECREF(pending[i]);
	}
	npending = kept;
	return kept;
}

/* Keeps the hook on while obj may still run selected code. */
static void
pending_add(PyObject *obj)
{
	PyObject *ref;

	hook_up();
	if (npending == cpending && prune() == cpending) {
		size_t ncap = cpending ? cpending * 2 : 16;
		PyObject **np = realloc(pending, ncap * sizeof *np);

		if (np == NULL) {
			pinned = 1;
			return;
		}
		pending = np;
		cpending = ncap;
	}
	if ((ref = PyWeakref_NewRef(obj, NULL)) == NULL) {
		PyErr_Clear();
		pinned = 1;
		return;
	}
	pending[npending++] = ref;
}

/* Forgets every pending object. */
static void
pending_clear(void)
{
	size_t i;

	for (i = 0; i < npending; i++)
		Py_DECREF(pending[i]);
	free(pending);
	pending = NULL;
	npending = cpending = 0;
}

/* Returns 1 when the filter selects code run with globals, 0 when not, -1
 * when its record cannot be made (out of memory). */
static int
selects(PyCodeObject *code, PyObject *globals)
{
	fp__func_t *f = fp__pyfunc_extra_index >= 0 ?
	    fp__code_extra_get(code, fp__pyfunc_extra_index) : NULL;

	if (f == NULL)
		f = fp__pyfunc_from_code_slow(code, globals);
	if (f == NULL)
		return -1;
	if (f->flags & FP__FUNC_HIDDEN)
		return 0;
	return fp__filter_selects(gate_filter, f);
}

/* The vectorcall of a gated function: switches the hook on for the call,
 * so the tracer sees the frame and all it calls. */
static PyObject *
gate_call(PyObject *func, PyObject *const *args, size_t nargsf,
    PyObject *kwnames)
{
	PyCodeObject *code = (PyCodeObject *)((PyFunctionObject *)func)->func_code;
	unsigned long r = gate_round;
	PyObject *result;

	if (!gating)
		return plain(func, args, nargsf, kwnames);
	hook_up();
	users++;
	result = plain(func, args, nargsf, kwnames);
	if (!gating || r != gate_round)
		return result;
	users--;
	/* A generator function returns its generator unstarted: it runs
	 * when resumed, which only the hook sees. */
	if (result != NULL && (code->co_flags & (CO_GENERATOR | CO_COROUTINE |
	    CO_ASYNC_GENERATOR)) && fp__gen_check(result))
		pending_add(result);
	if (users == 0)
		fp__gate_maybe_off();
	return result;
}

/* Gates func (about to run code) when the filter selects it, and gives a
 * gated one that it no longer selects its own vectorcall back. */
static void
consider(PyFunctionObject *func, PyCodeObject *code)
{
	int sel = selects(code, func->func_globals);

	if (sel == 0) {
		if (func->vectorcall == gate_call)
			PyFunction_SetVectorcall(func, plain);
		return;
	}
	if (sel < 0) {
		pinned = 1;
		hook_up();
	} else if (!(code->co_flags & CO_OPTIMIZED) ||
	    (func->vectorcall != plain && func->vectorcall != gate_call)) {
		/* A class body or exec'd code is evaluated, not called; a
		 * vectorcall of someone else's cannot be wrapped. */
		pending_add((PyObject *)func);
	} else if (func->vectorcall == plain) {
		fp__code_forget_version(code);
		PyFunction_SetVectorcall(func, gate_call);
	}
}

/* The function watcher: gates selected functions as they are made, and
 * when their code is replaced. */
static int
watch(PyFunction_WatchEvent event, PyFunctionObject *func, PyObject *new_value)
{
	if (!gating)
		return 0;
	if (event == PyFunction_EVENT_CREATE)
		consider(func, (PyCodeObject *)func->func_code);
	else if (event == PyFunction_EVENT_MODIFY_CODE && new_value != NULL &&
	    PyCode_Check(new_value))
		consider(func, (PyCodeObject *)new_value);
	return 0;
}

/* Collects functions and generators during a sweep; returns 1 to go on,
 * 0 to stop when memory runs out. Nothing is allocated by Python here. */
static int
collect(PyObject *obj, void *arg)
{
	objlist_t *l = arg;

	if (!PyFunction_Check(obj) && !fp__gen_check(obj))
		return 1;
	if (l->n == l->capacity) {
		size_t ncap = l->capacity ? l->capacity * 2 : 1024;
		PyObject **ni = realloc(l->items, ncap * sizeof *ni);

		if (ni == NULL) {
			l->nomem = 1;
			return 0;
		}
		l->items = ni;
		l->capacity = ncap;
	}
	l->items[l->n++] = Py_NewRef(obj);
	return 1;
}

/* Goes through every function and generator alive: gates (release, with
 * release) the functions and keeps the unfinished selected generators
 * pending. */
static void
sweep(int release)
{
	objlist_t l = { NULL, 0, 0, 0 };
	size_t i;

	PyUnstable_GC_VisitObjects(collect, &l);
	if (l.nomem && !release) {
		pinned = 1;
		hook_up();
	}
	for (i = 0; i < l.n; i++) {
		PyObject *obj = l.items[i];

		if (PyFunction_Check(obj)) {
			PyFunctionObject *func = (PyFunctionObject *)obj;

			if (release) {
				if (func->vectorcall == gate_call)
					PyFunction_SetVectorcall(func, plain);
			} else {
				consider(func, (PyCodeObject *)func->func_code);
			}
		} else if (!release && !fp__gen_finished(obj)) {
			fp__pyframe_t *frame = fp__gen_frame(obj);
			PyCodeObject *code = fp__frame_code(frame);

			if (code != NULL &&
			    selects(code, fp__frame_globals(frame)) != 0)
				pending_add(obj);
		}
	}
	for (i = 0; i < l.n; i++)
		Py_DECREF(l.items[i]);
	free(l.items);
}

/* Returns CPython's vectorcall of Python functions, read from a function
 * made for the purpose, or NULL. A pending exception is kept. */
static vectorcallfunc
default_vectorcall(void)
{
	PyObject *code, *globals = NULL, *func = NULL;
	vectorcallfunc vc = NULL;
	fp__saved_exc_t saved;

	fp__exc_save(&saved);
	code = Py_CompileString("None", "<fullprof>", Py_eval_input);
	if (code != NULL && (globals = PyDict_New()) != NULL &&
	    (func = PyFunction_New(code, globals)) != NULL)
		vc = ((PyFunctionObject *)func)->vectorcall;
	Py_XDECREF(func);
	Py_XDECREF(globals);
	Py_XDECREF(code);
	fp__exc_restore(&saved);
	return vc;
}

/* Starts gating the functions that filter selects. */
int
fp__gate_begin(const fp__filter_t *filter, fp__gate_hook_fn hook,
    fp__gate_idle_fn idle)
{
	if (gating) {
		fp__gate_refilter(filter);
		return 1;
	}
	if (plain == NULL && (plain = default_vectorcall()) == NULL)
		return 0;
	if (watcher < 0 && (watcher = PyFunction_AddWatcher(watch)) < 0) {
		PyErr_Clear();
		return 0;
	}
	gate_filter = filter;
	hook_fn = hook;
	idle_fn = idle;
	gating = 1;
	hook_on = 1;
	pinned = 0;
	users = 0;
	gate_round++;
	sweep(0);
	fp__gate_maybe_off();
	return 1;
}

/* Re-reads a changed filter. */
void
fp__gate_refilter(const fp__filter_t *filter)
{
	if (!gating)
		return;
	gate_filter = filter;
	sweep(0);
}

/* Removes the hook if nothing needs it any more. */
void
fp__gate_maybe_off(void)
{
	if (!gating || !hook_on || users != 0 || pinned || !idle_fn() ||
	    prune() != 0)
		return;
	hook_fn(0);
	hook_on = 0;
}

/* Stops gating. */
void
fp__gate_end(void)
{
	if (!gating)
		return;
	gating = 0;
	if (Py_IsInitialized()) {
		fp__saved_exc_t saved;

		fp__exc_save(&saved);
		if (watcher >= 0 && PyFunction_ClearWatcher(watcher) == 0)
			watcher = -1;
		fp__exc_restore(&saved);
		sweep(1);
		pending_clear();
	}
	gate_filter = NULL;
}

#else /* !FP__HAVE_FUNC_WATCHERS */

/* Declines: 3.11 cannot tell when functions are made. */
int
fp__gate_begin(const fp__filter_t *filter, fp__gate_hook_fn hook,
    fp__gate_idle_fn idle)
{
	(void)filter;
	(void)hook;
	(void)idle;
	return 0;
}

/* Nothing is gated on 3.11. */
void
fp__gate_refilter(const fp__filter_t *filter)
{
	(void)filter;
}

/* Nothing is gated on 3.11. */
void
fp__gate_maybe_off(void)
{
}

/* Nothing is gated on 3.11. */
void
fp__gate_end(void)
{
}

#endif /* FP__HAVE_FUNC_WATCHERS */

/* Returns non-zero while gating is in force. */
int
fp__gate_active(void)
{
	return gating;
}
