/*
 * pyfunc.c: naming code objects and C functions, and caching the result.
 */
#include "config.h"

#include <Python.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "python/pyframe.h"
#include "python/pyfunc.h"

Py_ssize_t fp__pyfunc_extra_index = -1;
static PyInterpreterState *extra_interp;

struct hidden {
	char *file;
	char *name;		/* NULL: every function of the file */
	struct hidden *next;
};
static struct hidden *hidden_list;
static char cwd_prefix[4096];

/* Hides a file's functions (or one of them) from reports. */
int
fp__pyfunc_hide(const char *file, const char *name)
{
	struct hidden *h = calloc(1, sizeof *h);

	if (h == NULL || (h->file = strdup(file)) == NULL ||
	    (name != NULL && (h->name = strdup(name)) == NULL)) {
		if (h != NULL)
			free(h->file);
		free(h);
		return -1;
	}
	h->next = hidden_list;
	hidden_list = h;
	return 0;
}

/* Sets the directory relative file names are resolved against. */
void
fp__pyfunc_set_cwd(const char *cwd)
{
	snprintf(cwd_prefix, sizeof cwd_prefix, "%s", cwd ? cwd : "");
}

/* Returns non-zero when (file, name) was hidden. */
static int
is_hidden(const char *file, const char *name)
{
	const struct hidden *h;

	for (h = hidden_list; h != NULL; h = h->next) {
		if (strcmp(h->file, file) == 0 &&
		    (h->name == NULL || strcmp(h->name, name) == 0))
			return 1;
	}
	return 0;
}

/* Copies a str into a new C string: UTF-8, with undecodable file-name bytes
 * kept as they were (surrogateescape). Returns NULL on failure. */
static char *
str_to_c(PyObject *s, int is_path)
{
	PyObject *b;
	char *out;

	if (s == NULL || !PyUnicode_Check(s))
		return strdup("?");
	b = is_path ? PyUnicode_EncodeFSDefault(s) :
	    PyUnicode_AsEncodedString(s, "utf-8", "backslashreplace");
	if (b == NULL)
		return NULL;
	out = strdup(PyBytes_AS_STRING(b));
	Py_DECREF(b);
	return out;
}

/* Returns a copy of globals['__name__'], or NULL. */
static char *
module_name(PyObject *globals)
{
	PyObject *name;

	if (globals == NULL || !PyDict_Check(globals))
		return NULL;
	name = PyDict_GetItemString(globals, "__name__");	/* borrowed */
	return name != NULL && PyUnicode_Check(name) ? str_to_c(name, 0) : NULL;
}

/* Makes the record of a code object (slow path, once per code object). */
static fp__func_t *
make_code_func(PyCodeObject *code, PyObject *globals)
{
	char *file = str_to_c(code->co_filename, 1);
	char *name = str_to_c(code->co_qualname, 0);
	char *path = file;
	uint32_t flags = 0;
	fp__func_t *f = NULL;

	if (file == NULL || name == NULL)
		goto out;
	if (file[0] != '/' && file[0] != '<' && cwd_prefix[0] != '\0') {
		size_t n = strlen(cwd_prefix) + strlen(file) + 2;

		path = malloc(n);
		if (path == NULL)
			goto out;
		snprintf(path, n, "%s/%s", cwd_prefix, file);
	}
	if (code->co_flags & (CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR))
		flags |= FP__FUNC_GENERATOR;
	if (is_hidden(path, name))
		flags |= FP__FUNC_HIDDEN;
	f = fp__func_intern(path, code->co_firstlineno, name, flags);
	if (f != NULL && f->module == NULL) {
		char *module = module_name(globals);

		fp__func_set_module(f, module, NULL);
		free(module);
	}
out:
	if (path != file)
		free(path);
	free(file);
	free(name);
	return f;
}

/* Makes sure this interpreter has given fullprof its co_extra slot. A new
 * interpreter (after Py_Finalize and Py_Initialize) hands out its own
 * slots. Asked for before the program runs, the slot is the first one, and
 * fullprof's co_extra blocks then hold no slot of the program's (see
 * fp__code_extra_set). */
void
fp__pyfunc_reserve_slot(void)
{
	if (fp__pyfunc_extra_index < 0 ||
	    extra_interp != PyInterpreterState_Get()) {
		fp__pyfunc_extra_index = fp__code_extra_request();
		extra_interp = PyInterpreterState_Get();
	}
}

/* Returns the record of a code object, creating it on first sight (the
 * fast path, reading the cached co_extra slot, is frame_func in tracer.c). */
fp__func_t *
fp__pyfunc_from_code_slow(PyCodeObject *code, PyObject *globals)
{
	fp__saved_exc_t saved;
	fp__func_t *f;

	fp__exc_save(&saved);
	fp__pyfunc_reserve_slot();
	f = make_code_func(code, globals);
	if (f != NULL && fp__pyfunc_extra_index >= 0)
		fp__code_extra_set(code, fp__pyfunc_extra_index, f);
	fp__exc_restore(&saved);
	return f;
}

/* A small open hash from PyMethodDef addresses to records. */
static struct {
	const void *key;
	fp__func_t *func;
} *builtin_cache;
static size_t builtin_cap, builtin_used;

/* Looks up (or, with func, stores) the record cached for key. */
static fp__func_t *
builtin_cache_slot(const void *key, fp__func_t *func)
{
	size_t i;

	if (func != NULL && (builtin_used + 1) * 2 > builtin_cap) {
		size_t ncap = builtin_cap ? builtin_cap * 2 : 256, j;
		void *old = builtin_cache;
		size_t ocap = builtin_cap;
		typeof(builtin_cache) nc = calloc(ncap, sizeof *nc);

		if (nc == NULL)
			return func;
		builtin_cache = nc;
		builtin_cap = ncap;
		builtin_used = 0;
		for (j = 0; j < ocap; j++) {
			typeof(builtin_cache) o = (typeof(builtin_cache))old + j;

			if (o->key != NULL)
				builtin_cache_slot(o->key, o->func);
		}
		free(old);
	}
	if (builtin_cap == 0)
		return NULL;
	i = fp__hash_ptr(key) & (builtin_cap - 1);
	for (;; i = (i + 1) % builtin_cap) {
		if (builtin_cache[i].key == key)
			return builtin_cache[i].func;
		if (builtin_cache[i].key == NULL) {
			if (func == NULL)
				return NULL;
			builtin_cache[i].key = key;
			builtin_cache[i].func = func;
			builtin_used++;
			return func;
		}
	}
}

/* Returns cProfile's name for a C function object as a new str, or NULL:
 * the repr of the method found on the type of its self where there is one
 * ("<method 'append' of 'list' objects>"), else "<built-in method
 * MODULE.NAME>" or "<built-in method NAME>". */
static PyObject *
builtin_name(PyCFunctionObject *fn)
{
	PyObject *self = fn->m_self, *mod = fn->m_module;
	const char *name = fn->m_ml->ml_name;

	if (self == NULL) {
		if (mod != NULL && PyUnicode_Check(mod) &&
		    PyUnicode_CompareWithASCIIString(mod, "builtins") != 0)
			return PyUnicode_FromFormat("<%U.%s>", mod, name);
		return PyUnicode_FromFormat("<%s>", name);
	}
	if (!PyModule_Check(self)) {
		PyObject *key = PyUnicode_FromString(name);
		PyObject *found = key ? _PyType_Lookup(Py_TYPE(self), key) : NULL;

		Py_XDECREF(key);
		if (found != NULL) {
			PyObject *r = PyObject_Repr(found);

			if (r != NULL)
				return r;
		}
		PyErr_Clear();
	}
	if (mod != NULL && PyUnicode_Check(mod))
		return PyUnicode_FromFormat("<built-in method %U.%s>", mod, name);
	return PyUnicode_FromFormat("<built-in method %s>", name);
}

/* Gives a C function's record the module and name that filters match:
 * ("time", "sleep") for time.sleep, ("builtins", "list.append") for a
 * list's append. */
static void
set_builtin_module(fp__func_t *f, PyObject *callable)
{
	const char *ml_name, *tp_name = NULL, *dot;
	char module[256], match[512];
	PyObject *self = NULL;

	if (f->module != NULL)
		return;
	if (PyCFunction_Check(callable)) {
		PyCFunctionObject *fn = (PyCFunctionObject *)callable;

		ml_name = fn->m_ml->ml_name;
		self = fn->m_self;
		if (self == NULL || PyModule_Check(self)) {
			PyObject *mod = fn->m_module;
			char *m = mod && PyUnicode_Check(mod) ? str_to_c(mod, 0) : NULL;

			fp__func_set_module(f, m ? m : "builtins", ml_name);
			free(m);
			return;
		}
		tp_name = PyType_Check(self) ? ((PyTypeObject *)self)->tp_name :
		    Py_TYPE(self)->tp_name;
	} else {
		PyMethodDescrObject *d = (PyMethodDescrObject *)callable;

		ml_name = d->d_method->ml_name;
		tp_name = PyDescr_TYPE(d)->tp_name;
	}
	dot = strrchr(tp_name, '.');
	if (dot != NULL) {
		snprintf(module, sizeof module, "%.*s", (int)(dot - tp_name), tp_name);
		tp_name = dot + 1;
	} else {
		snprintf(module, sizeof module, "builtins");
	}
	snprintf(match, sizeof match, "%s.%s", tp_name, ml_name);
	fp__func_set_module(f, module, match);
}

/* Returns the record of a C callable reported by a C_CALL event. */
fp__func_t *
fp__pyfunc_from_builtin(PyObject *callable)
{
	const void *key;
	fp__func_t *f;
	fp__saved_exc_t saved;
	PyObject *name;

	if (PyCFunction_Check(callable))
		key = ((PyCFunctionObject *)callable)->m_ml;
	else if (Py_IS_TYPE(callable, &PyMethodDescr_Type))
		key = ((PyMethodDescrObject *)callable)->d_method;
	else
		return NULL;
	f = builtin_cache_slot(key, NULL);
	if (f != NULL)
		return f;
	fp__exc_save(&saved);
	name = PyCFunction_Check(callable) ?
	    builtin_name((PyCFunctionObject *)callable) : PyObject_Repr(callable);
	if (name != NULL) {
		char *c = str_to_c(name, 0);

		if (c != NULL)
			f = fp__func_intern("~", 0, c, FP__FUNC_BUILTIN);
		if (f != NULL)
			set_builtin_module(f, callable);
		free(c);
		Py_DECREF(name);
	}
	if (f != NULL)
		builtin_cache_slot(key, f);
	fp__exc_restore(&saved);
	return f;
}
