/*
 * pymodule.h: the importable "fullprof" module (see pymodule.c).
 *
 * Ownership: the module borrows the launcher's profile, which outlives it.
 */
#ifndef FP_PYMODULE_H
#define FP_PYMODULE_H

#include <Python.h>

#include "core/profile.h"

/* Makes the module drive p, the launcher's profile, instead of making a
 * profile of its own. */
void fp__module_use_profile(fp_profile_t *p);

/* Creates the fullprof module; NULL with an exception set. */
PyObject *fp__module_create(void);

/* The module's entry point, defined in pymodule-init.c, which only the
 * extension module and the launcher contain: libfullprof exports nothing
 * but the fp_ API. */
PyMODINIT_FUNC PyInit_fullprof(void);

#endif /* FP_PYMODULE_H */
