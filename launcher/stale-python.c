/*
 * stale-python.c: is the interpreter inside fullprof older than the
 * system's? fullprof runs the CPython it was linked with; when libpython
 * is linked statically (configure's default where /usr/bin/python3 is
 * linked so, for speed), a later update of the python3 package (Debian's
 * security updates rebuild it: re, pyexpat, unicodedata...) does not reach
 * fullprof until it is rebuilt. CPython records its build date in its
 * version string ("3.11.2 (main, Oct  7 2026, 12:35:07) [GCC 12.2.0]");
 * a distribution's package gives its files the same moment as their
 * modification time. So when the python3 fullprof was built against has a
 * modification time later than the embedded interpreter's build date, that
 * python3 is of a later build, and fullprof says so once, at start-up.
 * Comparing two times is all it costs: no process is started.
 */
#include "config.h"

#include <Python.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "stale-python.h"

/* How much later the python3 must be: the build date is written in the
 * builder's local time (UTC when builds are reproducible), so a day of
 * slack leaves any time zone out. */
#define SLACK_SECONDS (24 * 60 * 60)

/* Parses the build date of a CPython version string into seconds since
 * the epoch (taken as UTC); returns 0 or -1. */
static int
build_time(const char *version, time_t *t)
{
	const char *p = strchr(version, '(');
	struct tm tm;
	char *end;

	/* "(main, Oct  7 2026, 12:35:07)": the date follows the first comma. */
	if (p == NULL || (p = strchr(p, ',')) == NULL)
		return -1;
	memset(&tm, 0, sizeof tm);
	end = strptime(p + 1, " %b %d %Y, %H:%M:%S", &tm);
	if (end == NULL)
		return -1;
	*t = timegm(&tm);
	return *t == (time_t)-1 ? -1 : 0;
}

/* Warns once when the system's python3 is of a later build (see the top
 * of the file). */
void
fp_warn_if_stale_python(void)
{
	const char *version = Py_GetVersion();
	char built[32], newer[32];
	struct stat st;
	time_t t;

	if (build_time(version, &t) != 0 ||
	    stat(FP_PYTHON_EXECUTABLE, &st) != 0 ||
	    st.st_mtime <= t + SLACK_SECONDS)
		return;
	strftime(built, sizeof built, "%Y-%m-%d", gmtime(&t));
	strftime(newer, sizeof newer, "%Y-%m-%d", gmtime(&st.st_mtime));
	fprintf(stderr, "fullprof: warning: %s was updated (%s) after the "
	    "Python %.*s built into fullprof (%s): its fixes are not in "
	    "fullprof's copy; rebuild fullprof (./configure && make) to take "
	    "them in\n", FP_PYTHON_EXECUTABLE, newer,
	    (int)strcspn(version, " "), version, built);
}
