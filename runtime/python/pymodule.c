/*
 * pymodule.c: the importable "fullprof" module. Inside a program run by
 * the fullprof launcher it is built in and drives the launcher's profile
 * (so fullprof.start() under --paused starts the report printed at exit);
 * in a plain python3 it is an extension module with a profile of its own.
 *
 * Every function may be called from any thread: they all run under the
 * GIL, which serialises them with each other and with the tracer.
 */
#include "config.h"

#include <Python.h>
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "core/clock.h"
#include "report/formats.h"
#include "core/outfile.h"
#include "python/pydecorator.h"
#include "python/pymodule.h"

static fp_profile_t *current;	/* the profile the module drives */

/* Makes the module drive p (the launcher's profile). */
void
fp__module_use_profile(fp_profile_t *p)
{
	current = p;
}

/* Parses a timer name; returns 0, or -1 with ValueError/TypeError set. */
static int
parse_timer(PyObject *o, fp_timer_kind_t *kind)
{
	const char *s;

	if (!PyUnicode_Check(o)) {
		PyErr_Format(PyExc_TypeError, "timer must be a str "
		    "('wall', 'cpu' or 'process'), not %.100s",
		    Py_TYPE(o)->tp_name);
		return -1;
	}
	s = PyUnicode_AsUTF8(o);
	if (s == NULL)
		return -1;
	if (fp__timer_kind_parse(s, kind) != 0) {
		PyErr_Format(PyExc_ValueError, "unknown timer '%s' (choose "
		    "wall, cpu or process)", s);
		return -1;
	}
	return 0;
}

/* Parses start()'s sample: a str with its unit ("1ms") or a number of
 * seconds, 50us to 10s, or 0/False for tracing; returns 0, or -1 with
 * ValueError/TypeError set. */
static int
parse_sample(PyObject *o, fp_time_t *interval)
{
	if (PyUnicode_Check(o)) {
		const char *s = PyUnicode_AsUTF8(o);
		int rc;

		if (s == NULL)
			return -1;
		if ((rc = fp__interval_parse(s, interval)) == 0)
			return 0;
		PyErr_Format(PyExc_ValueError, rc == -2 ? "fullprof.start: "
		    "sampling interval '%s' is out of range (50us to 10s)" :
		    "fullprof.start: invalid sampling interval '%s' (a "
		    "duration with its unit, such as '10ms' or '500us', or a "
		    "number of seconds)", s);
		return -1;
	}
	if (PyNumber_Check(o) && !PyComplex_Check(o)) {
		double v = PyFloat_AsDouble(o);

		if (v == -1.0 && PyErr_Occurred())
			return -1;
		if (v == 0) {
			*interval = 0;
			return 0;
		}
		if (!(v * 1e9 >= (double)FP__SAMPLE_MIN_NS &&
		    v * 1e9 <= (double)FP__SAMPLE_MAX_NS)) {
			PyErr_Format(PyExc_ValueError, "fullprof.start: "
			    "sampling interval %R is out of range (50us to 10s, "
			    "in seconds: 5e-05 to 10)", o);
			return -1;
		}
		*interval = (fp_time_t)(v * 1e9 + 0.5);
		return 0;
	}
	PyErr_Format(PyExc_TypeError, "fullprof.start: sample must be a str "
	    "such as '1ms' or a number of seconds, not %.100s",
	    Py_TYPE(o)->tp_name);
	return -1;
}

/* Returns the profile, creating a stopped one with the default timer when
 * there is none yet; NULL with MemoryError set. */
static fp_profile_t *
profile_or_new(void)
{
	if (current == NULL && (current = fp_profile_new(NULL)) == NULL)
		PyErr_NoMemory();
	return current;
}

/* Returns the spec naming a function given to add()/remove()/start(): a
 * str as it is; a function, method or other callable as
 * "module:qualname". New reference, or NULL with TypeError/ValueError set. */
static PyObject *
spec_of(PyObject *o, const char *caller)
{
	PyObject *target, *module, *qualname, *spec = NULL;

	if (PyUnicode_Check(o)) {
		if (PyUnicode_GetLength(o) == 0) {
			PyErr_Format(PyExc_ValueError, "fullprof.%s: a function "
			    "name cannot be empty", caller);
			return NULL;
		}
		return Py_NewRef(o);
	}
	/* A bound method names its function. */
	target = PyObject_HasAttrString(o, "__func__") ?
	    PyObject_GetAttrString(o, "__func__") : Py_NewRef(o);
	if (target == NULL)
		return NULL;
	module = PyObject_GetAttrString(target, "__module__");
	qualname = module ? PyObject_GetAttrString(target, "__qualname__") : NULL;
	if (module == NULL || qualname == NULL || !PyUnicode_Check(qualname)) {
		PyErr_Clear();
		PyErr_Format(PyExc_TypeError, "fullprof.%s: expected a function "
		    "or a function name (str), not %.100s", caller,
		    Py_TYPE(o)->tp_name);
	} else if (module == Py_None || !PyUnicode_Check(module)) {
		spec = Py_NewRef(qualname);
	} else {
		spec = PyUnicode_FromFormat("%U:%U", module, qualname);
	}
	Py_XDECREF(module);
	Py_XDECREF(qualname);
	Py_DECREF(target);
	return spec;
}

/* Adds (or, with remove, removes) one function to the traced set;
 * returns 0 or -1 with an exception set. */
static int
change_function(fp_profile_t *p, PyObject *o, int remove, const char *caller)
{
	PyObject *spec = spec_of(o, caller);
	const char *s;
	int rc;

	if (spec == NULL)
		return -1;
	s = PyUnicode_AsUTF8(spec);
	if (s == NULL) {
		Py_DECREF(spec);
		return -1;
	}
	rc = remove ? fp_profile_remove_function(p, s) :
	    fp_profile_add_function(p, s);
	Py_DECREF(spec);
	if (rc == FP_ERR_NOMEM) {
		PyErr_NoMemory();
		return -1;
	}
	return 0;
}

/* Replaces the traced set with the functions of an iterable (a single str
 * counts as one name); returns 0 or -1 with an exception set, in which
 * case the set is left as it was. */
static int
set_functions(fp_profile_t *p, PyObject *functions)
{
	PyObject *specs = NULL, *it, *item;
	Py_ssize_t i;
	int rc = -1;

	it = PyUnicode_Check(functions) ? NULL : PyObject_GetIter(functions);
	if (!PyUnicode_Check(functions) && it == NULL) {
		PyErr_SetString(PyExc_TypeError, "fullprof.start: functions "
		    "must be an iterable of functions or names, or None");
		return -1;
	}
	/* Every item is checked before the set changes. */
	if ((specs = PyList_New(0)) == NULL)
		goto out;
	if (it == NULL) {
		item = spec_of(functions, "start");
		if (item == NULL || PyList_Append(specs, item) != 0) {
			Py_XDECREF(item);
			goto out;
		}
		Py_DECREF(item);
	}
	while (it != NULL && (item = PyIter_Next(it)) != NULL) {
		PyObject *spec = spec_of(item, "start");

		Py_DECREF(item);
		if (spec == NULL || PyList_Append(specs, spec) != 0) {
			Py_XDECREF(spec);
			goto out;
		}
		Py_DECREF(spec);
	}
	if (PyErr_Occurred())
		goto out;
	while (fp_profile_function_count(p) > 0)
		fp_profile_remove_function(p, fp_profile_function(p, 0));
	for (i = 0; i < PyList_GET_SIZE(specs); i++) {
		if (change_function(p, PyList_GET_ITEM(specs, i), 0, "start") != 0)
			goto out;
	}
	rc = 0;
out:
	Py_XDECREF(it);
	Py_XDECREF(specs);
	return rc;
}

PyDoc_STRVAR(start_doc,
"start(timer='wall', functions=None, builtins=False, sample=None)\n--\n\n"
"Start recording every Python function call in every thread.\n\n"
"timer is 'wall' (elapsed time; a coroutine's time suspended at await\n"
"counts in its total), 'cpu' (CPU time of each thread) or 'process'.\n"
"functions, when given, restricts recording to those functions and\n"
"whatever they call: names ('f', 'Class.method', 'pkg.mod.f',\n"
"'pkg.mod:Class.method'), globs ('pkg.*') or function objects; it\n"
"replaces the set given before. builtins=True gives C functions rows of\n"
"their own.\n\n"
"sample, when given, switches to statistical mode: every thread's stack\n"
"is read each interval, a str such as '1ms' or '500us' or a number of\n"
"seconds (50us to 10s), by a thread of fullprof's own, without the GIL;\n"
"timer is then 'wall' or 'cpu'. sample=0 goes back to recording every\n"
"call; None keeps the mode in force (the launcher's --sample).\n\n"
"Calling start() while recording does nothing. Figures recorded before\n"
"a stop() are kept and added to; clear() forgets them. Changing the\n"
"timer or the mode of a profile that holds figures raises ValueError.");

/* fullprof.start(): see start_doc. */
static PyObject *
mod_start(PyObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kwlist[] = { "timer", "functions", "builtins", "sample",
	    NULL };
	PyObject *timer = NULL, *functions = Py_None, *builtins = NULL;
	PyObject *sample = Py_None;
	fp_time_t interval = 0;
	int rc;
	fp_options_t opts;
	fp_profile_t *p;

	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|OOOO:start", kwlist,
	    &timer, &functions, &builtins, &sample))
		return NULL;
	fp_options_init(&opts);
	if (timer != NULL && parse_timer(timer, &opts.timer) != 0)
		return NULL;
	if (sample != Py_None && parse_sample(sample, &interval) != 0)
		return NULL;
	if ((p = profile_or_new()) == NULL)
		return NULL;
	if (fp_profile_is_running(p))
		Py_RETURN_NONE;
	if (sample != Py_None && interval != p->opts.sample_interval &&
	    (rc = fp__profile_set_sampling(p, interval)) != FP_OK) {
		if (rc == FP_ERR_STATE)
			PyErr_Format(PyExc_ValueError, "fullprof.start: the "
			    "profile holds figures of another mode; call "
			    "fullprof.clear() before changing it");
		else
			PyErr_Format(PyExc_ValueError, "fullprof.start: a "
			    "sampled profile measures 'wall' or 'cpu' time, "
			    "not '%s'", p->meta.timer);
		return NULL;
	}
	if (timer != NULL && p->opts.sample_interval != 0 &&
	    opts.timer != FP_TIMER_WALL && opts.timer != FP_TIMER_CPU) {
		PyErr_Format(PyExc_ValueError, "fullprof.start: a sampled "
		    "profile measures 'wall' or 'cpu' time, not 'process'");
		return NULL;
	}
	if (timer != NULL && opts.timer != p->opts.timer &&
	    fp__profile_set_timer(p, &opts) != FP_OK) {
		PyErr_Format(PyExc_ValueError, "fullprof.start: the profile "
		    "holds figures measured with the '%s' timer; call "
		    "fullprof.clear() before using another", p->meta.timer);
		return NULL;
	}
	if (functions != Py_None && set_functions(p, functions) != 0)
		return NULL;
	/* Unless told, keep the setting in force (the launcher's --builtins). */
	if (builtins != NULL) {
		int on = PyObject_IsTrue(builtins);

		if (on < 0)
			return NULL;
		p->opts.builtins = on;
	}
	rc = fp_profile_start(p);
	if (rc != FP_OK) {
		PyErr_Format(PyExc_RuntimeError, "fullprof.start: %s",
		    fp_strerror(rc));
		return NULL;
	}
	Py_RETURN_NONE;
}

PyDoc_STRVAR(stop_doc,
"stop()\n--\n\n"
"Stop recording. Activations still open (running calls, suspended\n"
"coroutines) are closed at this moment. Calling stop() when not\n"
"recording does nothing.");

/* fullprof.stop(): see stop_doc. */
static PyObject *
mod_stop(PyObject *self, PyObject *unused)
{
	if (current != NULL)
		fp_profile_stop(current);
	Py_RETURN_NONE;
}

PyDoc_STRVAR(is_running_doc,
"is_running()\n--\n\n"
"Return True while recording.");

/* fullprof.is_running(): see is_running_doc. */
static PyObject *
mod_is_running(PyObject *self, PyObject *unused)
{
	return PyBool_FromLong(fp_profile_is_running(current));
}

PyDoc_STRVAR(clear_doc,
"clear()\n--\n\n"
"Forget every figure recorded so far, recording or not. The traced\n"
"function set and the timer are kept.");

/* fullprof.clear(): see clear_doc. */
static PyObject *
mod_clear(PyObject *self, PyObject *unused)
{
	if (current != NULL)
		fp_profile_clear(current);
	Py_RETURN_NONE;
}

/* Sets d[key] to ns as seconds; returns 0 or -1. */
static int
set_seconds(PyObject *d, const char *key, fp_time_t ns)
{
	PyObject *v = PyFloat_FromDouble((double)ns / 1e9);
	int rc;

	if (v == NULL)
		return -1;
	rc = PyDict_SetItemString(d, key, v);
	Py_DECREF(v);
	return rc;
}

/* Adds the statistical figures of a sampled row to d: samples,
 * own_samples, error, own_error; calls and the per-call figures become
 * None, as in the JSON. Returns 0 or -1. */
static int
set_sampled(PyObject *d, const fp_row_t *r)
{
	static const char *const absent[] = { "calls", "primitive_calls",
	    "suspended", "min", "mean", "max", NULL };
	PyObject *v;
	size_t i;

	for (i = 0; absent[i] != NULL; i++) {
		if (PyDict_SetItemString(d, absent[i], Py_None) != 0)
			return -1;
	}
	if ((v = PyLong_FromUnsignedLongLong(r->samples)) == NULL ||
	    PyDict_SetItemString(d, "samples", v) != 0) {
		Py_XDECREF(v);
		return -1;
	}
	Py_DECREF(v);
	if ((v = PyLong_FromUnsignedLongLong(r->own_samples)) == NULL ||
	    PyDict_SetItemString(d, "own_samples", v) != 0) {
		Py_XDECREF(v);
		return -1;
	}
	Py_DECREF(v);
	if (set_seconds(d, "error", r->error) != 0 ||
	    set_seconds(d, "own_error", r->own_error) != 0)
		return -1;
	return 0;
}

/* Returns a new dict for one row, with the keys of the JSON rows (those
 * of a sampled profile when sampled). */
static PyObject *
row_dict(const fp_row_t *r, int sampled)
{
	PyObject *d = Py_BuildValue("{s:O&,s:i,s:s,s:K,s:K}",
	    "file", PyUnicode_DecodeFSDefault, r->file, "line", r->line,
	    "name", r->name, "calls", (unsigned long long)r->calls,
	    "primitive_calls", (unsigned long long)r->primitive_calls);

	if (d == NULL)
		return NULL;
	if (set_seconds(d, "own", r->own) != 0 ||
	    set_seconds(d, "total", r->total) != 0 ||
	    set_seconds(d, "suspended", r->suspended) != 0 ||
	    set_seconds(d, "min", r->min) != 0 ||
	    set_seconds(d, "mean", r->mean) != 0 ||
	    set_seconds(d, "max", r->max) != 0 ||
	    (r->no_data && PyDict_SetItemString(d, "no_data", Py_True) != 0) ||
	    (sampled && set_sampled(d, r) != 0)) {
		Py_DECREF(d);
		return NULL;
	}
	return d;
}

PyDoc_STRVAR(stats_doc,
"stats()\n--\n\n"
"Return the figures so far as a list of dicts, one per function, largest\n"
"total first, with the keys of the JSON rows: file, line, name, calls,\n"
"primitive_calls, own, total, suspended, min, mean, max (times in\n"
"seconds). A traced name that matched no function that ran gives a row\n"
"with 'no_data': True. Works while recording (a consistent snapshot,\n"
"open calls counted up to now) and after stop().\n\n"
"A sampled profile (start(sample=...)) has the keys of sampled JSON rows:\n"
"samples, own_samples, own, total (estimates), error, own_error, and\n"
"None for calls, primitive_calls, suspended, min, mean and max.");

/* fullprof.stats(): see stats_doc. */
static PyObject *
mod_stats(PyObject *self, PyObject *unused)
{
	fp_snapshot_t *snap;
	PyObject *list;
	size_t i;

	if (current == NULL)
		return PyList_New(0);
	snap = fp__profile_snapshot(current);
	if (snap == NULL)
		return PyErr_NoMemory();
	fp__snapshot_sort(snap, FP__SORT_TOTAL);
	list = PyList_New(0);
	for (i = 0; list != NULL && i < snap->count; i++) {
		PyObject *d = row_dict(&snap->rows[i],
		    current->opts.sample_interval != 0);

		if (d == NULL || PyList_Append(list, d) != 0)
			Py_CLEAR(list);
		Py_XDECREF(d);
	}
	fp_snapshot_free(snap);
	return list;
}

/* add() and remove(): changes the traced set by each argument. */
static PyObject *
change_functions(PyObject *args, PyObject *kwargs, int remove)
{
	const char *caller = remove ? "remove" : "add";
	fp_profile_t *p;
	Py_ssize_t i;

	if (kwargs != NULL && PyDict_GET_SIZE(kwargs) != 0) {
		PyErr_Format(PyExc_TypeError, "fullprof.%s() takes no keyword "
		    "arguments", caller);
		return NULL;
	}
	if ((p = profile_or_new()) == NULL)
		return NULL;
	for (i = 0; i < PyTuple_GET_SIZE(args); i++) {
		if (change_function(p, PyTuple_GET_ITEM(args, i), remove,
		    caller) != 0)
			return NULL;
	}
	Py_RETURN_NONE;
}

PyDoc_STRVAR(add_doc,
"add(*functions)\n--\n\n"
"Add functions to the traced set, while recording or not: from now on\n"
"only they, and whatever they call, are recorded. Each is a name ('f',\n"
"'Class.method', 'pkg.mod.f', 'pkg.mod:Class.method'), a glob ('pkg.*')\n"
"or a function object. A name that matches nothing is kept and reported\n"
"as a row with no data.");

/* fullprof.add(): see add_doc. */
static PyObject *
mod_add(PyObject *self, PyObject *args, PyObject *kwargs)
{
	return change_functions(args, kwargs, 0);
}

PyDoc_STRVAR(remove_doc,
"remove(*functions)\n--\n\n"
"Remove functions from the traced set (as given to add()). When the set\n"
"becomes empty, every function is recorded again. Removing a function\n"
"that is not in the set does nothing.");

/* fullprof.remove(): see remove_doc. */
static PyObject *
mod_remove(PyObject *self, PyObject *args, PyObject *kwargs)
{
	return change_functions(args, kwargs, 1);
}

PyDoc_STRVAR(functions_doc,
"functions()\n--\n\n"
"Return the traced set as a list of names (function objects appear as\n"
"'module:qualname'); an empty list means every function is recorded.");

/* fullprof.functions(): see functions_doc. */
static PyObject *
mod_functions(PyObject *self, PyObject *unused)
{
	PyObject *list = PyList_New(0);
	size_t i, n = fp_profile_function_count(current);

	for (i = 0; list != NULL && i < n; i++) {
		PyObject *s = PyUnicode_FromString(fp_profile_function(current, i));

		if (s == NULL || PyList_Append(list, s) != 0)
			Py_CLEAR(list);
		Py_XDECREF(s);
	}
	return list;
}

/* Parses a format name; returns it, or NULL with ValueError/TypeError. */
static const char *
parse_format(PyObject *o)
{
	const char *s;

	if (!PyUnicode_Check(o)) {
		PyErr_Format(PyExc_TypeError, "format must be a str, not %.100s",
		    Py_TYPE(o)->tp_name);
		return NULL;
	}
	if ((s = PyUnicode_AsUTF8(o)) == NULL)
		return NULL;
	if (fp__format_find(s) == NULL) {
		PyErr_Format(PyExc_ValueError, "unknown format '%s' (choose "
		    "%s)", s, fp__format_names());
		return NULL;
	}
	return s;
}

PyDoc_STRVAR(write_doc,
"write(path, format='json')\n--\n\n"
"Write the figures so far to path in a format fullprof -f knows: 'json'\n"
"(the document fullprof -o writes), 'table', 'fprof', 'pstats',\n"
"'callgrind', 'collapsed', 'svg' or 'speedscope'. The file is written under a temporary name and\n"
"renamed, so it is never half-written; OSError says why it could not be.");

/* fullprof.write(): see write_doc. */
static PyObject *
mod_write(PyObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kwlist[] = { "path", "format", NULL };
	PyObject *path = NULL, *format_obj = NULL;
	fp__render_opts_t o = { FP__SORT_TOTAL, 0, NULL, NULL };
	const char *format = "json";
	int rc, sys_errno;
	fp_profile_t *p;

	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O&|O:write", kwlist,
	    PyUnicode_FSConverter, &path, &format_obj))
		return NULL;
	if (format_obj != NULL && (format = parse_format(format_obj)) == NULL)
		goto fail;
	if ((p = profile_or_new()) == NULL)
		goto fail;
	rc = fp__profile_write(p, format, PyBytes_AS_STRING(path), &o,
	    &sys_errno);
	if (rc == FP_ERR_IO) {
		errno = sys_errno;
		PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, path);
		goto fail;
	}
	if (rc != FP_OK) {
		PyErr_SetString(rc == FP_ERR_NOMEM ? PyExc_MemoryError :
		    PyExc_ValueError, fp_strerror(rc));
		goto fail;
	}
	Py_DECREF(path);
	Py_RETURN_NONE;
fail:
	Py_DECREF(path);
	return NULL;
}

/* Flushes sys.stdout and sys.stderr, so that what the program printed
 * comes before a table written to their file descriptors. */
static void
flush_std_streams(void)
{
	static const char *const names[] = { "stdout", "stderr" };
	size_t i;

	for (i = 0; i < 2; i++) {
		PyObject *f = PySys_GetObject(names[i]), *r;	/* borrowed */

		if (f == NULL || f == Py_None)
			continue;
		r = PyObject_CallMethod(f, "flush", NULL);
		if (r == NULL)
			PyErr_Clear();
		Py_XDECREF(r);
	}
}

/* Returns the file descriptor print_table() writes to: 2 for None, an int
 * as it is, or file.fileno() after file.flush(); -1 with an exception. */
static int
fd_of(PyObject *file)
{
	PyObject *r;
	int fd;

	if (file == Py_None) {
		flush_std_streams();
		return 2;
	}
	if (PyLong_Check(file)) {
		long v = PyLong_AsLong(file);

		if (v == -1 && PyErr_Occurred())
			return -1;
		if (v < 0 || v > INT_MAX) {
			PyErr_SetString(PyExc_ValueError, "not a valid file "
			    "descriptor");
			return -1;
		}
		flush_std_streams();
		return (int)v;
	}
	if (PyObject_HasAttrString(file, "flush")) {
		r = PyObject_CallMethod(file, "flush", NULL);
		if (r == NULL)
			return -1;
		Py_DECREF(r);
	}
	fd = PyObject_AsFileDescriptor(file);
	if (fd < 0 && PyErr_ExceptionMatches(PyExc_TypeError)) {
		PyErr_Clear();
		PyErr_Format(PyExc_TypeError, "fullprof.print_table: file must "
		    "be None, a file descriptor or a file with fileno(), not "
		    "%.100s", Py_TYPE(file)->tp_name);
	}
	return fd;
}

PyDoc_STRVAR(print_table_doc,
"print_table(file=None, sort='total', limit=30)\n--\n\n"
"Print the table of the figures so far, as fullprof prints it at exit,\n"
"to file: None for standard error, a file descriptor, or a file object\n"
"with fileno() (flushed first). The table is written by C straight to the\n"
"file descriptor, not through print(). sort is total, own, calls, mean,\n"
"max or name; limit is the most rows shown (0 for all).");

/* fullprof.print_table(): see print_table_doc. */
static PyObject *
mod_print_table(PyObject *self, PyObject *args, PyObject *kwargs)
{
	static char *kwlist[] = { "file", "sort", "limit", NULL };
	PyObject *file = Py_None;
	const char *sort = "total";
	Py_ssize_t limit = 30;
	fp__render_opts_t o = { FP__SORT_TOTAL, 30, NULL, NULL };
	fp_snapshot_t *snap;
	fp__buf_t out;
	int fd, err;

	if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|Osn:print_table",
	    kwlist, &file, &sort, &limit))
		return NULL;
	if (fp__sort_key_parse(sort, &o.sort) != 0) {
		PyErr_Format(PyExc_ValueError, "unknown sort key '%s' (choose "
		    "total, own, calls, mean, max or name)", sort);
		return NULL;
	}
	if (limit < 0) {
		PyErr_SetString(PyExc_ValueError, "limit cannot be negative "
		    "(0 shows every row)");
		return NULL;
	}
	o.limit = (size_t)limit;
	if ((fd = fd_of(file)) < 0)
		return NULL;
	if (profile_or_new() == NULL)
		return NULL;
	snap = fp__profile_snapshot(current);
	if (snap == NULL)
		return PyErr_NoMemory();
	fp__buf_init(&out);
	fp__render_table(&out, snap, &o);
	fp_snapshot_free(snap);
	if (out.nomem) {
		fp__buf_free(&out);
		return PyErr_NoMemory();
	}
	Py_BEGIN_ALLOW_THREADS
	err = fp__write_all(fd, out.data, out.len);
	Py_END_ALLOW_THREADS
	fp__buf_free(&out);
	if (err != 0) {
		errno = err;
		return PyErr_SetFromErrno(PyExc_OSError);
	}
	Py_RETURN_NONE;
}

static PyMethodDef module_methods[] = {
	{ "start", (PyCFunction)(void (*)(void))mod_start,
	    METH_VARARGS | METH_KEYWORDS, start_doc },
	{ "stop", mod_stop, METH_NOARGS, stop_doc },
	{ "is_running", mod_is_running, METH_NOARGS, is_running_doc },
	{ "clear", mod_clear, METH_NOARGS, clear_doc },
	{ "stats", mod_stats, METH_NOARGS, stats_doc },
	{ "add", (PyCFunction)(void (*)(void))mod_add,
	    METH_VARARGS | METH_KEYWORDS, add_doc },
	{ "remove", (PyCFunction)(void (*)(void))mod_remove,
	    METH_VARARGS | METH_KEYWORDS, remove_doc },
	{ "functions", mod_functions, METH_NOARGS, functions_doc },
	{ "write", (PyCFunction)(void (*)(void))mod_write,
	    METH_VARARGS | METH_KEYWORDS, write_doc },
	{ "print_table", (PyCFunction)(void (*)(void))mod_print_table,
	    METH_VARARGS | METH_KEYWORDS, print_table_doc },
	{ NULL, NULL, 0, NULL }
};

PyDoc_STRVAR(module_doc,
"fullprof: a coroutine-aware profiler for CPython, written in C.\n\n"
"start() and stop() record every call (or, with functions given, only\n"
"those functions and what they call) in every thread; stats(),\n"
"print_table() and write() report the figures, while recording or after.\n"
"Coroutines and generators count one call per activation, and the time\n"
"they spend suspended at await/yield is reported as 'suspended'.");

static struct PyModuleDef module_def = {
	PyModuleDef_HEAD_INIT, "fullprof", module_doc, -1, module_methods,
	NULL, NULL, NULL, NULL
};

/* Creates the fullprof module (PyInit_fullprof, in pymodule-init.c, is the
 * entry point CPython calls). */
PyObject *
fp__module_create(void)
{
	PyObject *m = PyModule_Create(&module_def);

	if (m != NULL && PyModule_AddStringConstant(m, "__version__",
	    FP_VERSION) != 0)
		Py_CLEAR(m);
	if (m != NULL && fp__decorator_add_to_module(m) != 0)
		Py_CLEAR(m);
	return m;
}
