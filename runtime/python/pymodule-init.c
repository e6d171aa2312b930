/*
 * pymodule-init.c: PyInit_fullprof, the entry point of the fullprof
 * module, kept apart from the runtime library so that only the extension
 * module and the launcher (which builds the module in) export it.
 */
#include "config.h"

#include <Python.h>

#include "python/pymodule.h"

/* Creates the fullprof module when CPython imports it. */
PyMODINIT_FUNC
PyInit_fullprof(void)
{
	return fp__module_create();
}
