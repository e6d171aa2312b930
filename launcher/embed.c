/*
 * embed.c: runs the program in an embedded CPython configured as python3
 * would configure itself (PyConfig + Py_InitializeFromConfig + Py_RunMain),
 * with the profiler started after initialisation and before the first line
 * of user code.
 */
#include "config.h"

#include <Python.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command.h"
#include "core/profile.h"
#include "python/pyfunc.h"
#include "python/pymodule.h"
#include "embed.h"
#include "exit-report.h"
#include "run.h"
#include "subprocesses.h"

/* Returns the interpreter path python3 itself would be: the virtualenv's
 * python when VIRTUAL_ENV names one (so its packages are importable),
 * else the python fullprof was built against. */
static const char *
interpreter_path(char *buf, size_t size)
{
	const char *venv = getenv("VIRTUAL_ENV");
	static const char *const names[] = { "python3", "python" };
	size_t i;

	if (venv != NULL && venv[0] != '\0') {
		for (i = 0; i < sizeof names / sizeof names[0]; i++) {
			snprintf(buf, size, "%s/bin/%s", venv, names[i]);
			if (access(buf, X_OK) == 0)
				return buf;
		}
	}
	return FP_PYTHON_EXECUTABLE;
}

/* Sets sys.orig_argv to the command line python3 would have been given:
 * the interpreter, then SCRIPT, -m MODULE or -c CODE, then the program's
 * arguments (Python would take the arguments without the interpreter and
 * the module or code). Call after the arguments are set, which
 * pre-initialises Python, so that Py_DecodeLocale decodes as python3 does.
 * Returns the status of PyConfig_SetWideStringList. */
static PyStatus
set_orig_argv(PyConfig *config, const struct run_options *ro,
    const char *interpreter)
{
	const char **bytes;
	wchar_t **wide;
	PyStatus status = PyStatus_NoMemory();
	int i, n = 0;

	bytes = calloc((size_t)ro->nargs + 3, sizeof *bytes);
	wide = calloc((size_t)ro->nargs + 3, sizeof *wide);
	if (bytes == NULL || wide == NULL)
		goto out;
	bytes[n++] = interpreter;
	if (ro->kind == RUN_MODULE)
		bytes[n++] = "-m";
	else if (ro->kind == RUN_COMMAND)
		bytes[n++] = "-c";
	bytes[n++] = ro->target;
	for (i = 0; i < ro->nargs; i++)
		bytes[n++] = ro->args[i];
	for (i = 0; i < n; i++) {
		if ((wide[i] = Py_DecodeLocale(bytes[i], NULL)) == NULL)
			goto out;
	}
	status = PyConfig_SetWideStringList(config, &config->orig_argv,
	    (Py_ssize_t)n, wide);
out:
	for (i = 0; wide != NULL && i < n; i++)
		PyMem_RawFree(wide[i]);
	free(wide);
	free(bytes);
	return status;
}

/* Exits like python3 does when the configuration cannot be applied. */
static void
check_status(PyStatus status, PyConfig *config)
{
	if (!PyStatus_Exception(status))
		return;
	PyConfig_Clear(config);
	Py_ExitStatusException(status);
}

/* Returns the directory of the standard library (that of os.py) as a new
 * string, or NULL. */
static char *
stdlib_dir(void)
{
	PyObject *os = PyImport_ImportModule("os"), *file = NULL, *b = NULL;
	char *dir = NULL, *slash;

	if (os != NULL)
		file = PyObject_GetAttrString(os, "__file__");
	if (file != NULL && PyUnicode_Check(file))
		b = PyUnicode_EncodeFSDefault(file);
	if (b != NULL) {
		dir = strdup(PyBytes_AS_STRING(b));
		if (dir != NULL && (slash = strrchr(dir, '/')) != NULL)
			*slash = '\0';
	}
	Py_XDECREF(b);
	Py_XDECREF(file);
	Py_XDECREF(os);
	PyErr_Clear();
	return dir;
}

/* Hides the start-up machinery of python3 itself from the report: runpy
 * (which runs -m modules) and the thread-joining code run at exit. */
static void
hide_startup_frames(const char *stdlib)
{
	char path[PATH_MAX];

	/* Since 3.11 runpy is frozen and its code names this file. */
	fp__pyfunc_hide("<frozen runpy>", NULL);
	if (stdlib == NULL)
		return;
	snprintf(path, sizeof path, "%s/runpy.py", stdlib);
	fp__pyfunc_hide(path, NULL);
	snprintf(path, sizeof path, "%s/threading.py", stdlib);
	fp__pyfunc_hide(path, "_shutdown");
}

/* Records the program's command line as typed: SCRIPT ARGS, -m MODULE
 * ARGS or -c CODE ARGS. */
static void
record_command_line(fp_profile_t *profile, const struct run_options *ro)
{
	char **argv = calloc((size_t)ro->nargs + 3, sizeof *argv);
	int n = 0, i;

	if (argv == NULL || ro->kind == RUN_ARGV) {
		free(argv);	/* RUN_ARGV: sys.argv, taken at the start */
		return;
	}
	if (ro->kind == RUN_MODULE)
		argv[n++] = "-m";
	else if (ro->kind == RUN_COMMAND)
		argv[n++] = "-c";
	argv[n++] = (char *)ro->target;
	for (i = 0; i < ro->nargs; i++)
		argv[n++] = ro->args[i];
	fp__profile_set_argv(profile, n, argv);
	free(argv);
}

/* Runs the program under the profiler and returns fullprof's exit status.
 * The interpreter runs on the process's first thread, as under python3;
 * that thread's stack was made big enough for deep recursion under the
 * frame hook before fullprof started for good (stack.c). */
int
fp_launch(const struct run_options *ro)
{
	PyConfig config;
	PyStatus status;
	char pybuf[PATH_MAX], cwd[PATH_MAX], **argv;
	const char *python;
	char *stdlib;
	fp_options_t opts;
	fp_profile_t *profile;
	int i, n = 0, exitcode, rc;

	argv = calloc((size_t)ro->nargs + 2, sizeof *argv);
	if (argv == NULL) {
		fputs("fullprof: out of memory\n", stderr);
		return 1;
	}
	switch (ro->kind) {
	case RUN_SCRIPT: argv[n++] = (char *)ro->target; break;	/* or "-" */
	case RUN_MODULE: argv[n++] = "-m"; break;
	case RUN_COMMAND: argv[n++] = "-c"; break;
	case RUN_ARGV: break;	/* args holds all of it */
	}
	for (i = 0; i < ro->nargs; i++)
		argv[n++] = ro->args[i];

	PyConfig_InitPythonConfig(&config);
	/* RUN_ARGV: a whole python3 command line, parsed as python3 parses
	 * it. The arguments come first: setting them pre-initialises Python,
	 * which reads -E, -I, -X dev and -X utf8 from them then. */
	config.parse_argv = ro->kind == RUN_ARGV;
	status = PyConfig_SetBytesArgv(&config, n, argv);
	check_status(status, &config);
	python = interpreter_path(pybuf, sizeof pybuf);
	status = PyConfig_SetBytesString(&config, &config.program_name,
	    python);
	check_status(status, &config);
	free(argv);
	/* RUN_ARGV: Python keeps the whole command line as it is. */
	if (ro->kind != RUN_ARGV) {
		status = set_orig_argv(&config, ro, python);
		check_status(status, &config);
	}
	if (ro->kind == RUN_ARGV) {
		status = PyStatus_Ok();
	} else if (ro->kind == RUN_SCRIPT && strcmp(ro->target, "-") == 0) {
		/* Like python3 -: the program is read from standard input. */
		status = PyStatus_Ok();
	} else if (ro->kind == RUN_SCRIPT) {
		status = PyConfig_SetBytesString(&config, &config.run_filename,
		    ro->target);
	} else if (ro->kind == RUN_MODULE) {
		status = PyConfig_SetBytesString(&config, &config.run_module,
		    ro->target);
	} else {
		char *code = malloc(strlen(ro->target) + 2);

		if (code == NULL) {
			fputs("fullprof: out of memory\n", stderr);
			return 1;
		}
		sprintf(code, "%s\n", ro->target);
		status = PyConfig_SetBytesString(&config, &config.run_command,
		    code);
		free(code);
	}
	check_status(status, &config);
	/* "import fullprof" in the program gets the launcher's profile. */
	if (PyImport_AppendInittab("fullprof", PyInit_fullprof) != 0) {
		fputs("fullprof: cannot register the fullprof module\n", stderr);
		return 1;
	}
	status = Py_InitializeFromConfig(&config);
	check_status(status, &config);
	PyConfig_Clear(&config);

	if (getcwd(cwd, sizeof cwd) == NULL)
		cwd[0] = '\0';
	fp__pyfunc_set_cwd(cwd);
	stdlib = stdlib_dir();
	hide_startup_frames(stdlib);

	fp_options_init(&opts);
	opts.timer = ro->timer;
	opts.builtins = ro->builtins;
	opts.sample_interval = ro->sample_interval;
	profile = fp_profile_new(&opts);
	rc = profile ? FP_OK : FP_ERR_NOMEM;
	if (profile != NULL)
		record_command_line(profile, ro);
	for (i = 0; rc == FP_OK && i < ro->nfunctions; i++)
		rc = fp_profile_add_function(profile, ro->functions[i]);
	/* A trace needs a timeline, recorded only when one is asked for. */
	for (i = 0; rc == FP_OK && i < ro->noutputs; i++) {
		if (strcmp(ro->outputs[i].format, "trace") == 0)
			rc = fp__profile_record_timeline(profile, ro->trace_min);
	}
	if (rc == FP_OK && !ro->paused)
		rc = fp_profile_start(profile);
	if (rc != FP_OK) {
		fprintf(stderr, "fullprof: cannot start profiling: %s\n",
		    fp_strerror(rc));
		free(stdlib);
		return 1;
	}
	fp__module_use_profile(profile);
	/* The exit report keeps copies of cwd and stdlib. */
	if ((ro->subprocesses && fp_subprocesses_arm(ro) != 0) ||
	    fp_exit_report_arm(profile, ro, cwd, stdlib) != 0) {
		free(stdlib);
		return 1;
	}
	exitcode = Py_RunMain();
	rc = fp_exit_report_finish();
	free(stdlib);
	if (fp_exit_report_terminated())
		return 128 + 15;	/* not reached: the watcher re-raised */
	if (rc != 0 && exitcode == 0)
		return FP_EXIT_CANTCREAT;
	return exitcode;
}
