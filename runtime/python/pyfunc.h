/*
 * pyfunc.h: from Python callables to function records.
 *
 * A code object's record is cached in the code object's co_extra slot, so
 * the lookup on every call is one indexed load. A C function's record is
 * named as cProfile names it ("<built-in method time.sleep>",
 * "<method 'append' of 'list' objects>") and cached by its method table
 * entry.
 *
 * Ownership: function records belong to the function registry
 * (functions.h) and live until the process ends; callers only borrow them.
 */
#ifndef FP_PYFUNC_H
#define FP_PYFUNC_H

#include <Python.h>

#include "core/functions.h"

/* The co_extra slot where records are cached (-1 until first needed). */
extern Py_ssize_t fp__pyfunc_extra_index;

/* Reserves fullprof's co_extra slot in the current interpreter if not yet
 * done; needs the GIL. */
void fp__pyfunc_reserve_slot(void);

/* Returns the record of a code object, creating it on first sight; NULL
 * when it cannot be made (a pending exception is left untouched). globals
 * (may be NULL) are those the code runs with, which name its module. */
fp__func_t *fp__pyfunc_from_code_slow(PyCodeObject *code, PyObject *globals);

/* Returns the record of a C callable reported by a C_CALL event, or NULL
 * for callables that get no row. */
fp__func_t *fp__pyfunc_from_builtin(PyObject *callable);

/* Hides a file's functions from reports (name NULL: all of them). Their
 * time goes to whatever called them. Returns 0 or -1 on ENOMEM. */
int fp__pyfunc_hide(const char *file, const char *name);

/* Sets the directory that relative file names are resolved against. */
void fp__pyfunc_set_cwd(const char *cwd);

#endif /* FP_PYFUNC_H */
