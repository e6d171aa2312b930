/*
 * embed.c: a C program that embeds Python and profiles it with libfullprof,
 * using nothing but the public API of <fullprof.h>.
 *
 * It starts an interpreter, defines a few functions (a recursive one, a
 * generator, coroutines run by asyncio), and profiles them twice with one
 * profile that reads the program's own clock:
 *
 *   run 1  every function that runs is recorded;
 *   run 2  after fp_profile_clear(), only the functions named with
 *          fp_profile_add_function() and what they call are recorded (one
 *          of the names matches nothing, and is reported as such).
 *
 * After each run it walks the snapshot rows and prints a small table of
 * its own; at the end the library writes its full table to standard output.
 * It exits 0 on success, 1, with fp_strerror()'s sentence, on failure,
 * and 2 when given more than one argument.
 *
 * Build it against an installed libfullprof with
 *
 *	cc -o embed embed.c $(pkg-config --cflags --libs fullprof)
 *
 * (the flags carry Python's, since the program uses the Python API itself)
 * and run it as
 *
 *	./embed $(pkg-config --variable=python fullprof)
 *
 * The optional argument names the python3 whose installation the
 * interpreter uses (standard library, extension modules): that of the
 * libpython it is linked with. Without it, Python looks for "python3" in
 * PATH, as every embedding program's interpreter does, and a PATH whose
 * first python3 belongs to another installation (a pyenv shim, a venv)
 * gives it that one's standard library.
 */
#include <Python.h>		/* first, as the Python manual asks */

#include <fullprof.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The Python code profiled: defined once, before profiling starts, so the
 * import of asyncio and the definitions are not part of any run. */
static const char definitions[] =
	"import asyncio\n"
	"\n"
	"def fib(n):\n"
	"    return n if n < 2 else fib(n - 1) + fib(n - 2)\n"
	"\n"
	"def squares(n):\n"
	"    for i in range(n):\n"
	"        yield i * i\n"
	"\n"
	"def sum_squares(n):\n"
	"    return sum(squares(n))\n"
	"\n"
	"async def fetch(i):\n"
	"    await asyncio.sleep(0.002)\n"
	"    return fib(10) + i\n"
	"\n"
	"async def main():\n"
	"    return sum(await asyncio.gather(fetch(0), fetch(1), fetch(2)))\n"
	"\n"
	"def work():\n"
	"    return sum_squares(100) + fib(15) + asyncio.run(main())\n";

/* The host's clock: CLOCK_MONOTONIC, counting how often it is read. */
struct host_clock {
	clockid_t id;
	unsigned long reads;
};

/* The custom timer handed to libfullprof: returns the host clock's time in
 * nanoseconds. It runs twice per profiled call, so it must be cheap. */
static fp_time_t
host_timer(void *ctx)
{
	struct host_clock *c = ctx;
	struct timespec ts;

	c->reads++;
	clock_gettime(c->id, &ts);
	return (fp_time_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Prints what went wrong with an fp_* call and returns 1, the exit status. */
static int
fail(const char *what, int err)
{
	fprintf(stderr, "embed: %s: %s\n", what, fp_strerror(err));
	return 1;
}

/* Runs Python source in __main__ as if it came from a file called
 * "<host>", which names the host's own functions in the rows; returns 0,
 * or 1 after printing the Python traceback. */
static int
run_python(const char *source)
{
	PyObject *globals = PyModule_GetDict(PyImport_AddModule("__main__"));
	PyObject *code, *result = NULL;

	code = Py_CompileString(source, "<host>", Py_file_input);
	if (code != NULL)
		result = PyEval_EvalCode(code, globals, globals);
	Py_XDECREF(code);
	if (result == NULL) {
		PyErr_Print();
		fprintf(stderr, "embed: the Python code raised an exception\n");
		return 1;
	}
	Py_DECREF(result);
	return 0;
}

/* Prints the rows of the profile's current snapshot that belong to the
 * host's own Python code (file "<host>"), and a no-data line for each
 * requested function that did not run; the rest (asyncio's functions and
 * other library code) is only counted. Returns 0, or 1 when no snapshot could be taken. */
static int
print_rows(fp_profile_t *profile, const char *title)
{
	fp_snapshot_t *snap = fp_profile_snapshot(profile);
	size_t i, n, others = 0;

	if (snap == NULL)
		return fail("fp_profile_snapshot", FP_ERR_NOMEM);
	n = fp_snapshot_count(snap);
	printf("== %s: %zu rows, %.3f ms ==\n", title, n,
	    fp_snapshot_duration(snap) / 1e6);
	printf("  %-24s %10s %10s %10s\n", "function", "calls", "total ms",
	    "susp. ms");
	for (i = 0; i < n; i++) {
		const fp_row_t *r = fp_snapshot_row(snap, i);
		char calls[48];

		if (r->no_data) {
			printf("  %-24s %10s\n", r->name, "(no data)");
			continue;
		}
		if (strcmp(r->file, "<host>") != 0) {
			others++;
			continue;
		}
		/* "calls/primitive" when recursion makes them differ, as in
		 * the library's own table. */
		if (r->calls != r->primitive_calls)
			snprintf(calls, sizeof calls, "%llu/%llu",
			    (unsigned long long)r->calls,
			    (unsigned long long)r->primitive_calls);
		else
			snprintf(calls, sizeof calls, "%llu",
			    (unsigned long long)r->calls);
		printf("  %-24s %10s %10.3f %10.3f\n", r->name, calls,
		    r->total / 1e6, r->suspended / 1e6);
	}
	printf("  (%zu more rows for library functions)\n", others);
	fp_snapshot_free(snap);
	return 0;
}

/* Embeds Python (as the python3 named by argv[1], if given), profiles the
 * code above twice, prints the figures. */
int
main(int argc, char **argv)
{
	PyConfig config;
	PyStatus status;
	struct host_clock clock = { CLOCK_MONOTONIC, 0 };
	fp_options_t opts;
	fp_profile_t *profile = NULL;
	size_t i;
	int rc, status_code = 1;

	/* An isolated interpreter: no environment variables, no user site
	 * directory, no signal handlers of its own. */
	if (argc > 2) {
		fprintf(stderr, "usage: %s [PYTHON]\n", argv[0]);
		return 2;
	}
	PyConfig_InitIsolatedConfig(&config);
	status = argc == 2 ? PyConfig_SetBytesString(&config,
	    &config.program_name, argv[1]) : PyStatus_Ok();
	if (!PyStatus_Exception(status))
		status = Py_InitializeFromConfig(&config);
	PyConfig_Clear(&config);
	if (PyStatus_Exception(status))
		Py_ExitStatusException(status);
	if (run_python(definitions) != 0)
		goto out;

	/* The built-in timers need nothing but opts.timer (FP_TIMER_WALL,
	 * the default, FP_TIMER_CPU or FP_TIMER_PROCESS); this profile reads
	 * the host's clock instead. It measures elapsed time, so time spent
	 * suspended at await counts (timer_is_wall). */
	fp_options_init(&opts);
	opts.timer = FP_TIMER_CUSTOM;
	opts.timer_fn = host_timer;
	opts.timer_ctx = &clock;
	opts.timer_is_wall = 1;
	if ((profile = fp_profile_new(&opts)) == NULL) {
		status_code = fail("fp_profile_new", FP_ERR_NOMEM);
		goto out;
	}

	/* Run 1: everything. */
	if ((rc = fp_profile_start(profile)) != FP_OK) {
		status_code = fail("fp_profile_start", rc);
		goto out;
	}
	if (run_python("work()\n") != 0)
		goto out;
	if ((rc = fp_profile_stop(profile)) != FP_OK) {
		status_code = fail("fp_profile_stop", rc);
		goto out;
	}
	if (print_rows(profile, "run 1: every function") != 0)
		goto out;
	printf("custom timer read %lu times\n", clock.reads);

	/* Run 2: forget run 1, then record only sum_squares (and the
	 * generator it calls) and a function that does not exist. */
	if ((rc = fp_profile_clear(profile)) != FP_OK) {
		status_code = fail("fp_profile_clear", rc);
		goto out;
	}
	if ((rc = fp_profile_add_function(profile, "sum_squares")) != FP_OK ||
	    (rc = fp_profile_add_function(profile, "no_such_function")) !=
	    FP_OK) {
		status_code = fail("fp_profile_add_function", rc);
		goto out;
	}
	printf("restricted to:");
	for (i = 0; i < fp_profile_function_count(profile); i++)
		printf(" %s", fp_profile_function(profile, i));
	printf("\n");
	if ((rc = fp_profile_start(profile)) != FP_OK) {
		status_code = fail("fp_profile_start", rc);
		goto out;
	}
	if (run_python("work()\n") != 0)
		goto out;
	if ((rc = fp_profile_stop(profile)) != FP_OK) {
		status_code = fail("fp_profile_stop", rc);
		goto out;
	}
	if (print_rows(profile, "run 2: sum_squares only") != 0)
		goto out;

	/* The library's own table, on standard output ("-"). */
	printf("== fp_profile_write ==\n");
	fflush(stdout);
	if ((rc = fp_profile_write(profile, "table", "-")) != FP_OK) {
		status_code = fail("fp_profile_write", rc);
		goto out;
	}
	status_code = 0;
out:
	fflush(stdout);
	fp_profile_free(profile);	/* before Py_FinalizeEx: it needs the GIL */
	if (Py_FinalizeEx() < 0 && status_code == 0)
		status_code = 1;
	return status_code;
}
