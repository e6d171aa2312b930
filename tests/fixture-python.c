/*
 * fixture-python.c: starting the configured python3's interpreter in a
 * suite.
 */
#include "config.h"

#include <Python.h>

#include <check.h>

#include "fixture-python.h"

/* Initialises Python with the configured python3 as its program. */
void
fixture_python_init(void)
{
	PyConfig config;
	PyStatus status;

	PyConfig_InitPythonConfig(&config);
	config.install_signal_handlers = 0;
	config.parse_argv = 0;
	status = PyConfig_SetBytesString(&config, &config.program_name,
	    FP_PYTHON_EXECUTABLE);
	if (!PyStatus_Exception(status))
		status = Py_InitializeFromConfig(&config);
	PyConfig_Clear(&config);
	ck_assert_msg(!PyStatus_Exception(status),
	    "cannot initialise Python as %s: %s", FP_PYTHON_EXECUTABLE,
	    status.err_msg != NULL ? status.err_msg : "(no message)");
}
