/*
 * bare_embed.c: python3 and nothing else, embedded the way the fullprof
 * launcher embeds it (same libpython, same link). bench/run.py times it
 * beside plain python3 to tell what embedding itself costs from what
 * fullprof adds: Debian's /usr/bin/python3 is built with link-time
 * optimisation from objects libpython3.11-dev does not ship.
 *
 * With BARE_EMBED_FRAME_HOOK=1 in the environment it also installs a
 * PEP 523 frame-evaluation hook that does nothing but call CPython's own
 * evaluation: the least any hook that sees every Python call costs, since
 * CPython then stops inlining Python-to-Python calls. On 3.11, which has
 * no other way to learn when a function is called (no function watchers,
 * no sys.monitoring), this is the floor under fullprof -F.
 */
#include <Python.h>
#include <stdlib.h>
#include <string.h>

/* The empty hook: CPython's evaluation of the frame, nothing else. */
static PyObject *
pass_through(PyThreadState *ts, struct _PyInterpreterFrame *frame,
    int throwflag)
{
	return _PyEval_EvalFrameDefault(ts, frame, throwflag);
}

/* Runs python3's main with the empty frame hook installed first. */
static int
main_with_hook(int argc, char **argv)
{
	PyConfig config;
	PyStatus status;

	PyConfig_InitPythonConfig(&config);
	status = PyConfig_SetBytesArgv(&config, argc, argv);
	if (!PyStatus_Exception(status))
		status = Py_InitializeFromConfig(&config);
	PyConfig_Clear(&config);
	if (PyStatus_Exception(status))
		Py_ExitStatusException(status);
	_PyInterpreterState_SetEvalFrameFunc(PyInterpreterState_Get(),
	    pass_through);
	return Py_RunMain();
}

/* Runs python3's own main, with the empty hook when asked for. */
int
main(int argc, char **argv)
{
	const char *hook = getenv("BARE_EMBED_FRAME_HOOK");

	if (hook != NULL && strcmp(hook, "1") == 0)
		return main_with_hook(argc, argv);
	return Py_BytesMain(argc, argv);
}
