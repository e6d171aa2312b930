/*
 * attach.h: what "fullprof attach" knows about its target and its session,
 * shared by the command (cmd-attach.c: options, finding the target,
 * sampling), its command prompt (attach-prompt.c) and what it prints
 * (attach-results.c); each uses only the files after it in that list.
 * The struct attach belongs to cmd_attach_exec, which frees what it holds.
 */
#ifndef FP_ATTACH_H
#define FP_ATTACH_H

#include <limits.h>
#include <stddef.h>

#include "core/clock.h"
#include "core/filter.h"
#include "core/pdata.h"
#include "report/report.h"
#include "sample/procfind.h"
#include "sample/pylayout.h"
#include "sample/sampler.h"

#define ATTACH_LINE_MAX 4096	/* the longest command line read */

struct attach {
	/* Options */
	int pid;
	fp_time_t interval;
	int cpu;
	fp__filter_t functions;	/* -F, add, remove */
	fp_time_t duration;	/* 0: until stopped */
	const char **outputs;
	int noutputs;
	const char *format;
	fp__sort_key_t sort;
	size_t limit;
	int quiet, dump;

	/* State */
	fp__pyproc_t proc;
	fp__pylayout_t layout;
	fp__meta_t meta;
	fp__sampler_t *sampler;
	int interactive;	/* a prompt on a terminal */
	int reading;		/* standard input is still read for commands */
	int paused;
	int failed;		/* a command of a script failed */
	fp_time_t started;	/* monotonic, when sampling (re)started */
	char cwd[PATH_MAX];
	char line[ATTACH_LINE_MAX];
	size_t linelen;
	int overlong;		/* the line being read is too long: skip it */
};

/* attach-results.c */

/* Returns a copy of the results so far with the threads named (the caller
 * frees it with fp__pdata_free), or NULL after a message (ENOMEM). */
fp__pdata_t *fp_attach_results(struct attach *a);

/* Prints d to standard output in format (the table when NULL); returns 0
 * or -1 after a message. */
int fp_attach_print_results(struct attach *a, const fp__pdata_t *d,
    const char *format);

/* Writes the final results: the -o files, then the table (or -f format)
 * on standard output unless -q or an -o file is standard output. Returns
 * the exit status. */
int fp_attach_final_results(struct attach *a);

/* Prints a line for the user on standard output. */
void fp_attach_say(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Prints "fullprof: attach: MESSAGE" about a command that failed to
 * standard error; read from a script, the failure is kept for the exit
 * status. */
void fp_attach_complain(struct attach *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* attach-prompt.c */

/* Prints the prompt, in interactive mode only. */
void fp_attach_prompt(const struct attach *a);

/* Reads what standard input has and runs each complete command line;
 * returns 1 when a command or the end of input asks to end, else 0. */
int fp_attach_read_commands(struct attach *a);

#endif /* FP_ATTACH_H */
