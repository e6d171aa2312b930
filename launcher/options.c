/*
 * options.c: parsing the option values shared by subcommands, naming a
 * bad option as it was typed, and the one usage error of every command.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "options.h"
#include "core/clock.h"

/* Parses a row limit (a whole number >= 0); returns 0 or -1. */
int
fp_parse_limit(const char *s, size_t *limit)
{
	char *end;
	unsigned long long v;

	if (*s == '\0' || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > (unsigned long long)INT_MAX)
		return -1;
	*limit = (size_t)v;
	return 0;
}

/* Parses a whole number from min to max into *v; returns 0 or -1. */
int
fp_parse_int_option(const char *s, long min, long max, int *v)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || n < min || n > max)
		return -1;
	*v = (int)n;
	return 0;
}

/* Parses a share of the total: "0.001", or "0.1%"; returns 0 or -1. */
int
fp_parse_share(const char *s, double *share)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || end == s || errno != 0 || v != v)
		return -1;
	if (*end == '%') {
		v /= 100;
		end++;
	}
	if (*end != '\0' || v < 0 || v > 1)
		return -1;
	*share = v;
	return 0;
}

/* Returns the option as the user typed it ("--name" or "-c"), in a static
 * buffer. */
static const char *
option_as_typed(const char *arg, int opt)
{
	static char buf[128];

	if (strncmp(arg, "--", 2) == 0) {
		snprintf(buf, sizeof buf, "%.*s", (int)strcspn(arg, "="), arg);
		return buf;
	}
	snprintf(buf, sizeof buf, "-%c", opt ? opt : '?');
	return buf;
}

/* Returns non-zero when "--name[=...]" names one of longopts exactly. */
static int
is_known_long(const struct option *longopts, const char *arg)
{
	size_t n = strcspn(arg + 2, "=");

	for (; longopts->name != NULL; longopts++) {
		if (strlen(longopts->name) == n &&
		    strncmp(longopts->name, arg + 2, n) == 0)
			return 1;
	}
	return 0;
}

/* Parses a duration into nanoseconds ("100us", "1.5ms", "0.01s", "0"). */
int
fp_parse_duration(const char *s, int64_t *ns)
{
	return fp__duration_parse(s, ns);
}

/* The usage error of command for getopt_long's answer c to the option arg
 * (':' for a missing value, '?' for an unknown option); returns
 * FP_EXIT_USAGE. */
int
fp_option_error(const char *command, const struct option *longopts, int c,
    const char *arg, int opt)
{
	const char *typed = option_as_typed(arg, opt);

	if (c == ':')
		return fp_usage_error(command, "option '%s' needs a value",
		    typed);
	if (strncmp(arg, "--", 2) == 0 && strchr(arg, '=') != NULL &&
	    is_known_long(longopts, arg))
		return fp_usage_error(command, "option '%s' takes no value",
		    typed);
	return fp_usage_error(command, "unknown option '%s'", typed);
}

/* Prints "fullprof: [COMMAND: ]MESSAGE" and a pointer to the command's
 * help to stderr; returns FP_EXIT_USAGE. */
int
fp_usage_error(const char *command, const char *fmt, ...)
{
	va_list ap;

	fputs("fullprof: ", stderr);
	if (command != NULL)
		fprintf(stderr, "%s: ", command);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'fullprof %s%s--help' for more information.\n",
	    command != NULL ? command : "", command != NULL ? " " : "");
	return FP_EXIT_USAGE;
}

/* The usage error of command for a bad sampling interval. */
int
fp_interval_error(const char *command, const char *s, int rc)
{
	if (rc == -2)
		return fp_usage_error(command, "sampling interval '%s' is out "
		    "of range (50us to 10s)", s);
	return fp_usage_error(command, "invalid sampling interval '%s' (a "
	    "duration with its unit, such as 10ms, 500us or 0.01s)", s);
}

/* Calls add(ctx, spec) for each function spec of a --functions-from file:
 * one a line, blank lines and everything from a '#' on ignored. Returns
 * 0; -1 when the file cannot be read (errno says why); -2 when add
 * failed. */
int
fp_read_functions_file(const char *path, int (*add)(void *ctx,
    const char *spec), void *ctx)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	int err;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		char *start = line, *end;

		line[strcspn(line, "#\r\n")] = '\0';
		while (*start == ' ' || *start == '\t')
			start++;
		end = start + strlen(start);
		while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*start != '\0' && add(ctx, start) != 0) {
			fclose(f);
			return -2;
		}
	}
	err = ferror(f) ? errno : 0;
	fclose(f);
	if (err != 0) {
		errno = err;
		return -1;
	}
	return 0;
}
