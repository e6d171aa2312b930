/*
 * pydecorator.c: fullprof.profile(dir=None, prefix="fullprof_",
 * save_every_n_calls=None, save_every_seconds=None), the decorator that
 * profiles every call of chosen functions, in whatever process they run,
 * one file per process: the decorator object, the wrapper of a decorated
 * function and the calls through it.
 *
 * Every call of a decorated function, and everything it calls in its
 * thread, is recorded; each process writes what it recorded to
 * DIR/PREFIX<pid>.fprof (pydecorator-files.c) when it ends and, while
 * calls go on, at most every 5 seconds by default (a call costs one clock
 * read for that), or every N calls when asked.
 * "fullprof report --prefix=PREFIX DIR" adds the files up. A process that
 * never ran a decorated function writes nothing.
 *
 * Recording. One profile at a time records in a process (the tracer is
 * one PEP 523 hook), so:
 * - When nothing records as a decorated call begins, the decorator's own
 *   profile starts, restricted to the decorated functions (as with -F:
 *   they and what they call, in their thread); it stops when the last
 *   decorated call under way, in any thread, ends, so that the rest of
 *   the program runs untraced.
 * - When another profile records (the fullprof launcher's, or one started
 *   with fullprof.start()), that one already sees the call: the decorator
 *   starts nothing, and when it saves it cuts the decorated functions'
 *   subtrees out of that profile's figures.
 * A file holds the subtrees rooted at the outermost calls of its
 * functions: a decorated function called inside another of the same file
 * is counted within it, never twice; inside one of another file, it is
 * in both files (each file tells the whole story of its own functions).
 *
 * Coroutine, generator and async generator functions are wrapped by small
 * Python helpers (file "<fullprof>", hidden from reports) that keep the
 * decorated call open for the whole activation: from its first step to
 * its end, across every await or yield.
 */
#include "config.h"

#include <Python.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/outfile.h"
#include "core/pdata.h"
#include "core/profile.h"
#include "python/pydecorator-files.h"
#include "python/pydecorator.h"
#include "python/pyexit.h"
#include "python/pyframe.h"
#include "python/pyfunc.h"
#include "trace/tracer.h"

#define HELPERS_FILE "<fullprof>"
#define DEFAULT_PREFIX "fullprof_"

/* Without save_every_n_calls or save_every_seconds, a file is written
 * again at most every DEFAULT_PERIOD seconds while calls go on. */
#define DEFAULT_PERIOD 5

enum kind { KIND_PLAIN, KIND_COROUTINE, KIND_GENERATOR, KIND_ASYNCGEN,
    NKINDS };

/* A decorated function. */
typedef struct {
	PyObject_HEAD
	PyObject *func;		/* the function (or bound method) wrapped */
	PyObject *dict;		/* __dict__: __name__, __wrapped__, ... */
	PyObject *weakrefs;
	PyObject *enter, *leave;	/* bound to this object, for the helpers */
	vectorcallfunc vectorcall;
	fp__dsink_t *sink;
	enum kind kind;
	long every;		/* save_every_n_calls (0: not by count) */
	long since_save;
	fp_time_t period;	/* save_every_seconds in ns (0: not by time) */
} profiled_t;

/* What fullprof.profile(...) returns: applied to a function, it gives a
 * profiled_t. */
typedef struct {
	PyObject_HEAD
	fp__dsink_t *sink;
	long every;
	fp_time_t period;
} decorator_t;

static long open_calls;		/* decorated calls under way, all threads */
/* Plain decorated calls running in this thread: a save due at the end of
 * a call made inside one waits for the outermost, so that the time spent
 * writing is not counted in functions still running. (Coroutines and
 * generators are not counted: whether one is running or suspended is not
 * known here.) */
static __thread long plain_depth;
static int own_running;
static PyObject *helpers[NKINDS];	/* by kind; [KIND_PLAIN] unused */
static PyObject *mark_coroutine;

static PyTypeObject profiled_type;
static PyTypeObject decorator_type;

/* The helpers. Each takes the call's enter and leave callables and what
 * the decorated function returned, and runs it as one decorated call. */
static const char helpers_source[] =
"async def coroutine(enter, leave, coro):\n"
"    enter()\n"
"    try:\n"
"        return await coro\n"
"    finally:\n"
"        leave()\n"
"\n"
"def generator(enter, leave, gen):\n"
"    enter()\n"
"    try:\n"
"        return (yield from gen)\n"
"    finally:\n"
"        leave()\n"
"\n"
"async def async_generator(enter, leave, agen):\n"
"    enter()\n"
"    try:\n"
"        step = agen.asend(None)\n"
"        while True:\n"
"            try:\n"
"                item = await step\n"
"            except StopAsyncIteration:\n"
"                return\n"
"            try:\n"
"                value = yield item\n"
"            except GeneratorExit:\n"
"                await agen.aclose()\n"
"                raise\n"
"            except BaseException as e:\n"
"                step = agen.athrow(e)\n"
"            else:\n"
"                step = agen.asend(value)\n"
"    finally:\n"
"        leave()\n"
"\n"
"def mark_coroutine(f):\n"
"    import inspect\n"
"    mark = getattr(inspect, 'markcoroutinefunction', None)\n"
"    if mark is not None:\n"
"        mark(f)\n"
"    else:\n"
"        import asyncio.coroutines\n"
"        f._is_coroutine = asyncio.coroutines._is_coroutine\n";

/* ------------------------------------------------------------ calls */

/* A decorated call begins: the first one under way starts the
 * decorator's profile unless another profile records. */
static void
call_begins(profiled_t *self)
{
	fp__acct_t *a;

	self->sink->dirty = 1;
	if (open_calls++ > 0)
		return;
	a = fp__tracer_active();
	if (a == NULL)
		own_running = fp_profile_start(fp__deco_own) == FP_OK;
	else if (a != &fp__deco_own->acct)
		/* Every recording accounting belongs to a profile. */
		fp__deco_borrowed = (fp_profile_t *)(void *)((char *)a -
		    offsetof(fp_profile_t, acct));
	else
		own_running = 1;
}

/* A decorated call ends: the last one under way stops the decorator's
 * profile; every N calls, or once the period has passed since the file
 * was last written, the file is due to be written, which it is when no
 * plain decorated call runs around this one in its thread (the clock is
 * read only then: one vDSO call). A pending exception (the call's own) is
 * kept. */
static void
call_ends(profiled_t *self)
{
	fp__saved_exc_t saved;
	fp__dsink_t *s;

	fp__exc_save(&saved);
	if (open_calls > 0 && --open_calls == 0 && own_running) {
		fp_profile_stop(fp__deco_own);
		own_running = 0;
	}
	self->sink->dirty = 1;
	if (self->every > 0 && ++self->since_save >= self->every) {
		self->since_save = 0;
		self->sink->due = 1;
	}
	if (self->period > 0 && plain_depth == 0 &&
	    fp__monotonic_ns() - self->sink->last_save >= self->period)
		self->sink->due = 1;
	if (plain_depth == 0 && fp__dsink_save_each_call())
		self->sink->due = 1;
	for (s = fp__dsinks; plain_depth == 0 && s != NULL; s = s->next) {
		if (s->due)
			fp__dsink_save(s);
	}
	fp__exc_restore(&saved);
}

/* _fullprof_enter(), called by the helpers. */
static PyObject *
profiled_enter(PyObject *self, PyObject *unused)
{
	(void)unused;
	call_begins((profiled_t *)self);
	Py_RETURN_NONE;
}

/* _fullprof_leave(), called by the helpers. */
static PyObject *
profiled_leave(PyObject *self, PyObject *unused)
{
	(void)unused;
	call_ends((profiled_t *)self);
	Py_RETURN_NONE;
}

static PyMethodDef enter_def = {
	"_fullprof_enter", profiled_enter, METH_NOARGS, NULL
};
static PyMethodDef leave_def = {
	"_fullprof_leave", profiled_leave, METH_NOARGS, NULL
};

/* Gives the object a helper returned the name of the one it wraps, so
 * that reprs and task names read as without the decorator. */
static void
copy_names(PyObject *outer, PyObject *inner)
{
	static const char *const names[] = { "__name__", "__qualname__" };
	size_t i;

	for (i = 0; i < 2; i++) {
		PyObject *v = PyObject_GetAttrString(inner, names[i]);

		if (v == NULL || PyObject_SetAttrString(outer, names[i], v) != 0)
			PyErr_Clear();
		Py_XDECREF(v);
	}
}

/* Calls the decorated function as one decorated call. */
static PyObject *
profiled_vectorcall(PyObject *callable, PyObject *const *args, size_t nargsf,
    PyObject *kwnames)
{
	profiled_t *self = (profiled_t *)callable;
	PyObject *inner, *r;

	if (self->kind == KIND_PLAIN) {
		call_begins(self);
		plain_depth++;
		r = PyObject_Vectorcall(self->func, args, nargsf, kwnames);
		plain_depth--;
		call_ends(self);
		return r;
	}
	/* Creating a coroutine or generator runs none of its code. */
	inner = PyObject_Vectorcall(self->func, args, nargsf, kwnames);
	if (inner == NULL)
		return NULL;
	r = PyObject_CallFunctionObjArgs(helpers[self->kind], self->enter,
	    self->leave, inner, NULL);
	if (r != NULL)
		copy_names(r, inner);
	Py_DECREF(inner);
	return r;
}

/* ------------------------------------------------------------ the type */

/* __get__: a decorated function in a class body gives bound methods. */
static PyObject *
profiled_descr_get(PyObject *self, PyObject *obj, PyObject *type)
{
	(void)type;
	if (obj == NULL || obj == Py_None)
		return Py_NewRef(self);
	return PyMethod_New(self, obj);
}

/* __reduce__: pickled by reference, as functions are (pickle looks the
 * name up in __module__), so multiprocessing can send it to a pool. */
static PyObject *
profiled_reduce(PyObject *self, PyObject *unused)
{
	(void)unused;
	return PyObject_GetAttrString(self, "__qualname__");
}

/* repr(): "<fullprof.profile of <function f at 0x...>>". */
static PyObject *
profiled_repr(PyObject *self)
{
	return PyUnicode_FromFormat("<fullprof.profile of %R>",
	    ((profiled_t *)self)->func);
}

/* Visits the references held, for the cycle collector. */
static int
profiled_traverse(PyObject *o, visitproc visit, void *arg)
{
	profiled_t *self = (profiled_t *)o;

	Py_VISIT(self->func);
	Py_VISIT(self->dict);
	Py_VISIT(self->enter);
	Py_VISIT(self->leave);
	return 0;
}

/* Drops the references held. */
static int
profiled_clear(PyObject *o)
{
	profiled_t *self = (profiled_t *)o;

	Py_CLEAR(self->func);
	Py_CLEAR(self->dict);
	Py_CLEAR(self->enter);
	Py_CLEAR(self->leave);
	return 0;
}

/* Releases a decorated function (its records and sink stay). */
static void
profiled_dealloc(PyObject *o)
{
	profiled_t *self = (profiled_t *)o;

	PyObject_GC_UnTrack(o);
	if (self->weakrefs != NULL)
		PyObject_ClearWeakRefs(o);
	profiled_clear(o);
	PyObject_GC_Del(o);
}

static PyMethodDef profiled_methods[] = {
	{ "__reduce__", profiled_reduce, METH_NOARGS, NULL },
	{ NULL, NULL, 0, NULL }
};

static PyGetSetDef profiled_getset[] = {
	{ "__dict__", PyObject_GenericGetDict, PyObject_GenericSetDict, NULL,
	    NULL },
	{ NULL, NULL, NULL, NULL, NULL }
};

static PyTypeObject profiled_type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "fullprof.profiled_function",
	.tp_basicsize = sizeof(profiled_t),
	.tp_dealloc = profiled_dealloc,
	.tp_vectorcall_offset = offsetof(profiled_t, vectorcall),
	.tp_repr = profiled_repr,
	.tp_call = PyVectorcall_Call,
	.tp_getattro = PyObject_GenericGetAttr,
	.tp_setattro = PyObject_GenericSetAttr,
	.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC |
	    Py_TPFLAGS_HAVE_VECTORCALL,
	.tp_doc = "A function decorated with fullprof.profile().",
	.tp_traverse = profiled_traverse,
	.tp_clear = profiled_clear,
	.tp_weaklistoffset = offsetof(profiled_t, weakrefs),
	.tp_methods = profiled_methods,
	.tp_getset = profiled_getset,
	.tp_descr_get = profiled_descr_get,
	.tp_dictoffset = offsetof(profiled_t, dict),
};

/* ------------------------------------------------------------ decorating */

/* Compiles the helpers, once; returns 0 or -1 with an exception set. */
static int
load_helpers(void)
{
	static const char *const names[NKINDS] = { NULL, "coroutine",
	    "generator", "async_generator" };
	PyObject *globals, *name = NULL, *code = NULL, *r = NULL;
	int i, rc = -1;

	if (mark_coroutine != NULL)
		return 0;
	/* Hidden before the tracer first sees their code. */
	if (fp__pyfunc_hide(HELPERS_FILE, NULL) != 0) {
		PyErr_NoMemory();
		return -1;
	}
	if ((globals = PyDict_New()) == NULL)
		return -1;
	if ((name = PyUnicode_FromString("fullprof")) == NULL ||
	    PyDict_SetItemString(globals, "__builtins__",
	    PyEval_GetBuiltins()) != 0 ||
	    PyDict_SetItemString(globals, "__name__", name) != 0)
		goto out;
	code = Py_CompileString(helpers_source, HELPERS_FILE, Py_file_input);
	if (code == NULL || (r = PyEval_EvalCode(code, globals, globals)) == NULL)
		goto out;
	for (i = 1; i < NKINDS; i++) {
		helpers[i] = PyDict_GetItemString(globals, names[i]);
		Py_XINCREF(helpers[i]);
	}
	mark_coroutine = PyDict_GetItemString(globals, "mark_coroutine");
	Py_XINCREF(mark_coroutine);
	rc = 0;
out:
	Py_XDECREF(r);
	Py_XDECREF(code);
	Py_XDECREF(name);
	Py_DECREF(globals);
	return rc;
}

/* Selects a function in the decorator's profile (created on first use):
 * it and what it calls are what that profile records. Returns 0 or -1
 * with an exception set. */
static int
select_function(const fp__func_t *f)
{
	char *spec;
	int rc;

	if (fp__deco_own == NULL &&
	    (fp__deco_own = fp_profile_new(NULL)) == NULL) {
		PyErr_NoMemory();
		return -1;
	}
	if (f->module != NULL ? asprintf(&spec, "%s:%s", f->module, f->name) < 0 :
	    (spec = strdup(f->name)) == NULL) {
		PyErr_NoMemory();
		return -1;
	}
	rc = fp_profile_add_function(fp__deco_own, spec);
	free(spec);
	if (rc != FP_OK) {
		PyErr_NoMemory();
		return -1;
	}
	return 0;
}

/* Returns the kind of call a function's code makes. */
static enum kind
kind_of(PyCodeObject *code)
{
	if (code->co_flags & CO_ITERABLE_COROUTINE)
		return KIND_PLAIN;	/* types.coroutine: awaited as it is */
	if (code->co_flags & CO_COROUTINE)
		return KIND_COROUTINE;
	if (code->co_flags & CO_ASYNC_GENERATOR)
		return KIND_ASYNCGEN;
	if (code->co_flags & CO_GENERATOR)
		return KIND_GENERATOR;
	return KIND_PLAIN;
}

/* Returns func decorated for sink, saving every `every` calls (0: not by
 * count) and every period ns (0: not by time); NULL with an exception
 * set. */
static PyObject *
decorate(PyObject *func, fp__dsink_t *sink, long every, fp_time_t period)
{
	PyObject *target = func, *functools = NULL, *r = NULL;
	PyCodeObject *code;
	const fp__func_t *rec;
	profiled_t *self;

	if (PyMethod_Check(func))
		target = PyMethod_GET_FUNCTION(func);
	if (!PyFunction_Check(target)) {
		PyErr_Format(PyExc_TypeError, "fullprof.profile: expected a "
		    "Python function or method, not %.100s (put "
		    "@fullprof.profile() below @staticmethod, @classmethod "
		    "and @property)", Py_TYPE(func)->tp_name);
		return NULL;
	}
	code = (PyCodeObject *)PyFunction_GET_CODE(target);
	rec = fp__pyfunc_from_code_slow(code, PyFunction_GET_GLOBALS(target));
	if (rec == NULL)
		return PyErr_NoMemory();
	if (select_function(rec) != 0 || fp__dsink_add(sink, rec) != 0 ||
	    fp__dsink_ready_hooks() != 0 ||
	    (kind_of(code) != KIND_PLAIN && load_helpers() != 0))
		return NULL;
	self = PyObject_GC_New(profiled_t, &profiled_type);
	if (self == NULL)
		return NULL;
	self->func = Py_NewRef(func);
	self->dict = NULL;
	self->weakrefs = NULL;
	self->enter = NULL;
	self->leave = NULL;
	self->vectorcall = profiled_vectorcall;
	self->sink = sink;
	self->kind = kind_of(code);
	self->every = every;
	self->since_save = 0;
	self->period = period;
	PyObject_GC_Track((PyObject *)self);
	if ((self->enter = PyCFunction_New(&enter_def, (PyObject *)self)) == NULL ||
	    (self->leave = PyCFunction_New(&leave_def, (PyObject *)self)) == NULL)
		goto fail;
	/* __module__, __name__, __qualname__, __doc__, __annotations__ (and
	 * whatever else this Python's functools copies), __dict__ and
	 * __wrapped__, exactly as functools.wraps would. */
	functools = PyImport_ImportModule("functools");
	r = functools ? PyObject_CallMethod(functools, "update_wrapper", "OO",
	    (PyObject *)self, func) : NULL;
	if (r == NULL)
		goto fail;
	Py_DECREF(r);
	if (self->kind == KIND_COROUTINE) {
		r = PyObject_CallFunctionObjArgs(mark_coroutine, (PyObject *)self,
		    NULL);
		if (r == NULL)
			goto fail;
		Py_DECREF(r);
	}
	Py_DECREF(functools);
	return (PyObject *)self;
fail:
	Py_XDECREF(functools);
	Py_DECREF(self);
	return NULL;
}

/* Applying the decorator object to a function. */
static PyObject *
decorator_call(PyObject *o, PyObject *args, PyObject *kwargs)
{
	decorator_t *self = (decorator_t *)o;
	PyObject *func;

	if (kwargs != NULL && PyDict_GET_SIZE(kwargs) != 0) {
		PyErr_SetString(PyExc_TypeError, "fullprof.profile(...) takes the "
		    "function to decorate as its only argument");
		return NULL;
	}
	if (!PyArg_ParseTuple(args, "O:profile", &func))
		return NULL;
	return decorate(func, self->sink, self->every, self->period);
}

/* repr(): the call that made it. */
static PyObject *
decorator_repr(PyObject *o)
{
	decorator_t *self = (decorator_t *)o;
	PyObject *dir = PyUnicode_DecodeFSDefault(self->sink->dir);
	PyObject *prefix = PyUnicode_DecodeFSDefault(self->sink->prefix);
	PyObject *secs = PyFloat_FromDouble((double)self->period / 1e9);
	PyObject *r = NULL;

	if (dir != NULL && prefix != NULL && secs != NULL)
		r = PyUnicode_FromFormat("fullprof.profile(dir=%R, prefix=%R, "
		    "save_every_n_calls=%ld, save_every_seconds=%R)", dir,
		    prefix, self->every, secs);
	Py_XDECREF(dir);
	Py_XDECREF(prefix);
	Py_XDECREF(secs);
	return r;
}

static PyTypeObject decorator_type = {
	PyVarObject_HEAD_INIT(NULL, 0)
	.tp_name = "fullprof.profile_decorator",
	.tp_basicsize = sizeof(decorator_t),
	.tp_dealloc = (destructor)PyObject_Del,
	.tp_repr = decorator_repr,
	.tp_call = decorator_call,
	.tp_flags = Py_TPFLAGS_DEFAULT,
	.tp_doc = "What fullprof.profile(...) returns: apply it to a function.",
};

/* Returns the absolute directory for dir (None: the system's temporary
 * directory) as a new bytes object; NULL with an exception set. */
static PyObject *
directory_of(PyObject *dir)
{
	PyObject *mod, *abs = NULL, *b = NULL;

	if (dir == Py_None) {
		mod = PyImport_ImportModule("tempfile");
		dir = mod ? PyObject_CallMethod(mod, "gettempdir", NULL) : NULL;
	} else {
		mod = PyImport_ImportModule("os");
		dir = mod ? PyObject_CallMethod(mod, "fspath", "O", dir) : NULL;
	}
	Py_XDECREF(mod);
	if (dir == NULL)
		return NULL;
	mod = PyImport_ImportModule("os.path");
	abs = mod ? PyObject_CallMethod(mod, "abspath", "O", dir) : NULL;
	Py_XDECREF(mod);
	Py_DECREF(dir);
	if (abs != NULL && !PyUnicode_FSConverter(abs, &b))
		b = NULL;
	Py_XDECREF(abs);
	return b;
}

PyDoc_STRVAR(profile_doc,
"profile(dir=None, prefix='fullprof_', save_every_n_calls=None,\n"
"        save_every_seconds=None)\n--\n\n"
"Decorator: profile every call of the function, and what it calls, in\n"
"any process that runs it. Each process writes what it recorded to\n"
"DIR/PREFIX<pid>.fprof (dir: the system's temporary directory by\n"
"default, created when missing) when it ends (atexit; os._exit, which\n"
"ends every multiprocessing child), never half-written, and while\n"
"calls go on: by default at most every 5 seconds, checked as a\n"
"decorated call ends, and after every outermost decorated call in a\n"
"forked child or a process multiprocessing started (Pool.terminate()\n"
"ends those with SIGTERM at any moment); save_every_seconds=S every S\n"
"seconds instead (0:\n"
"not by time); save_every_n_calls=N after every N calls of a function\n"
"decorated with it (0: not by count; given alone, it turns the\n"
"periodic saves off). Add the files up with\n"
"`fullprof report --prefix=PREFIX DIR`.\n\n"
"Works on functions and methods; on coroutine, generator and async\n"
"generator functions a call lasts its whole activation, across awaits\n"
"and yields. @fullprof.profile without parentheses takes the defaults.\n"
"A decorated call inside another decorated one is counted within it,\n"
"and also in its own file when the files differ. Under the fullprof\n"
"launcher, or while fullprof.start() records, the files are cut from\n"
"that profile.");

/* Reads save_every_seconds (an int or float, at least 0, at most a year)
 * into *period in ns; returns 0, or -1 with an exception set. */
static int
period_of(PyObject *o, fp_time_t *period)
{
	double v;

	if (PyBool_Check(o) || (!PyLong_Check(o) && !PyFloat_Check(o))) {
		PyErr_Format(PyExc_TypeError, "fullprof.profile: "
		    "save_every_seconds must be a number, not %.100s",
		    Py_TYPE(o)->tp_name);
		return -1;
	}
	v = PyFloat_AsDouble(o);
	if (v == -1.0 && PyErr_Occurred())
		return -1;
	if (!(v >= 0 && v <= 366.0 * 86400)) {
		PyErr_SetString(PyExc_ValueError, "fullprof.profile: "
		    "save_every_seconds must be between 0 (not by time) and "
		    "a year");
		return -1;
	}
	*period = (fp_time_t)(v * 1e9);
	return 0;
}

/* fullprof.profile(): see profile_doc. */
static PyObject *
mod_profile(PyObject *module, PyObject *args, PyObject *kwargs)
{
	static char *kwlist[] = { "dir", "prefix", "save_every_n_calls",
	    "save_every_seconds", NULL };
	PyObject *dir = Py_None, *prefix_obj = NULL, *every_obj = NULL;
	PyObject *secs_obj = NULL, *dir_b = NULL, *prefix_b = NULL;
	const char *prefix = DEFAULT_PREFIX;
	fp_time_t period = (fp_time_t)DEFAULT_PERIOD * 1000000000;
	decorator_t *d = NULL;
	long every = 0;
	fp__dsink_t *sink;

	(void)module;
	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|OOOO:profile", kwlist,
	    &dir, &prefix_obj, &every_obj, &secs_obj))
		return NULL;
	if (every_obj == Py_None)
		every_obj = NULL;
	if (secs_obj == Py_None)
		secs_obj = NULL;
	/* @fullprof.profile, without parentheses. */
	if (PyTuple_GET_SIZE(args) == 1 && prefix_obj == NULL &&
	    every_obj == NULL && secs_obj == NULL && PyCallable_Check(dir)) {
		if ((dir_b = directory_of(Py_None)) == NULL)
			return NULL;
		sink = fp__dsink_for(PyBytes_AS_STRING(dir_b), DEFAULT_PREFIX);
		Py_DECREF(dir_b);
		return sink ? decorate(dir, sink, every, period) : NULL;
	}
	if (prefix_obj != NULL) {
		if (!PyUnicode_Check(prefix_obj)) {
			PyErr_Format(PyExc_TypeError, "fullprof.profile: prefix "
			    "must be a str, not %.100s",
			    Py_TYPE(prefix_obj)->tp_name);
			return NULL;
		}
		if (!PyUnicode_FSConverter(prefix_obj, &prefix_b))
			return NULL;
		prefix = PyBytes_AS_STRING(prefix_b);
		if (strchr(prefix, '/') != NULL) {
			PyErr_SetString(PyExc_ValueError, "fullprof.profile: "
			    "prefix cannot contain '/' (give the directory as "
			    "dir)");
			goto out;
		}
	}
	if (every_obj != NULL) {
		if (PyBool_Check(every_obj) || !PyLong_Check(every_obj)) {
			PyErr_Format(PyExc_TypeError, "fullprof.profile: "
			    "save_every_n_calls must be an int, not %.100s",
			    Py_TYPE(every_obj)->tp_name);
			goto out;
		}
		every = PyLong_AsLong(every_obj);
		if (every == -1 && PyErr_Occurred())
			goto out;
		if (every < 0) {
			PyErr_SetString(PyExc_ValueError, "fullprof.profile: "
			    "save_every_n_calls cannot be negative (0 saves "
			    "only at exit)");
			goto out;
		}
		/* Given alone, it means what it always has: by count only. */
		period = 0;
	}
	if (secs_obj != NULL && period_of(secs_obj, &period) != 0)
		goto out;
	if ((dir_b = directory_of(dir)) == NULL ||
	    (sink = fp__dsink_for(PyBytes_AS_STRING(dir_b), prefix)) == NULL)
		goto out;
	if ((d = PyObject_New(decorator_t, &decorator_type)) == NULL)
		goto out;
	d->sink = sink;
	d->every = every;
	d->period = period;
out:
	Py_XDECREF(dir_b);
	Py_XDECREF(prefix_b);
	return (PyObject *)d;
}

static PyMethodDef profile_def = {
	"profile", (PyCFunction)(void (*)(void))mod_profile,
	METH_VARARGS | METH_KEYWORDS, profile_doc
};

/* Adds profile() to the module. */
int
fp__decorator_add_to_module(PyObject *m)
{
	PyObject *fn, *name;
	int rc;

	if (PyType_Ready(&profiled_type) != 0 ||
	    PyType_Ready(&decorator_type) != 0)
		return -1;
	name = PyModule_GetNameObject(m);
	fn = name ? PyCFunction_NewEx(&profile_def, NULL, name) : NULL;
	Py_XDECREF(name);
	if (fn == NULL)
		return -1;
	rc = PyModule_AddObject(m, "profile", fn);
	if (rc != 0)
		Py_DECREF(fn);
	return rc;
}
