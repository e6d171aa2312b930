/*
 * options.h: parsers for the option values that several subcommands share
 * (--limit, --width, --threshold, --functions-from), and the usage errors
 * that name a bad option as the user typed it. The parsers only parse:
 * each caller words its own usage error, printed by fp_usage_error
 * (command.h, defined in options.c).
 */
#ifndef FP_OPTIONS_H
#define FP_OPTIONS_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

#include "core/clock.h"

/* Parses a row limit (a whole number from 0 to INT_MAX) into *limit;
 * returns 0 or -1. */
int fp_parse_limit(const char *s, size_t *limit);

/* Parses a whole number from min to max into *v; returns 0 or -1. */
int fp_parse_int_option(const char *s, long min, long max, int *v);

/* Parses a share of the total, "0.001" or "0.1%", into *share (0 to 1);
 * returns 0 or -1. */
int fp_parse_share(const char *s, double *share);

/* The usage error of command (NULL: run) for what getopt_long returned
 * as c for the option arg (':' a missing value, '?' an unknown option or
 * a value given to a flag); returns the usage exit status. */
int fp_option_error(const char *command, const struct option *longopts,
    int c, const char *arg, int opt);

/* Parses a duration such as "100us", "1.5ms", "0.01s", "250ns" or "0"
 * into nanoseconds; returns 0 or -1. */
int fp_parse_duration(const char *s, int64_t *ns);

/* Parses a sampling interval ("10ms", "500us", "0.01s": a unit is
 * required; 50us to 10s) with fp__interval_parse (runtime/core/clock.h):
 * 0, -1 (not a duration) or -2 (out of range). */
#define fp_parse_interval(s, ns) fp__interval_parse((s), (ns))

/* The usage error of command (NULL: run) for a bad sampling interval, as
 * fp_parse_interval returned it; returns the usage exit status. */
int fp_interval_error(const char *command, const char *s, int rc);

/* Calls add(ctx, spec) for each function spec in the file at path: one a
 * line; blank lines, and everything from a '#' on, are ignored. Returns 0,
 * -1 when the file cannot be read (errno says why), or -2 when add
 * returned non-zero. */
int fp_read_functions_file(const char *path, int (*add)(void *ctx,
    const char *spec), void *ctx);

#endif /* FP_OPTIONS_H */
