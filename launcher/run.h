/*
 * run.h: what "fullprof run" was asked to do, shared by the option parser
 * (cmd-run.c), the embedding code (embed.c) and the exit report
 * (exit-report.c).
 */
#ifndef FP_RUN_H
#define FP_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "fullprof.h"
#include "core/snapshot.h"

/* RUN_ARGV: args is a whole python3 command line (argv[0] included),
 * parsed as python3 parses it (a child of --subprocesses). */
enum run_kind { RUN_SCRIPT, RUN_MODULE, RUN_COMMAND, RUN_ARGV };

/* One -o FILE and the format it is written in. */
struct run_output {
	const char *path;	/* absolute, or "-" */
	const char *format;
};

struct run_options {
	fp_timer_kind_t timer;
	const char *format;	/* -f: every -o file's, and stderr's without -o */
	struct run_output *outputs;	/* -o, in order */
	int noutputs;
	fp__sort_key_t sort;
	size_t limit;
	int width;		/* --width (flame graph) */
	int64_t trace_min;	/* --trace-min, ns */
	double threshold;	/* --threshold (flame graph), 0 to 1 */
	int builtins;
	int quiet;
	int paused;		/* --paused: recording waits for fullprof.start() */
	int64_t sample_interval; /* -s/--sample, ns; 0: trace mode */
	int subprocesses;	/* --subprocesses: children are profiled too */
	char **functions;	/* -F and --functions-from specs */
	int nfunctions;
	enum run_kind kind;
	const char *target;	/* script path, module name or code */
	int nargs;		/* the program's own arguments */
	char **args;
};

/* Runs the program under the profiler and returns fullprof's exit status. */
int fp_launch(const struct run_options *ro);

/* Sets up the report written at exit (normal end, sys.exit, uncaught
 * exception, SIGINT via finalisation, SIGTERM via a watcher thread). */
void fp_exit_report_arm(fp_profile_t *profile, const struct run_options *ro,
    const char *cwd, const char *stdlib);

/* Writes the exit report now unless it was already written; returns 0, or
 * -1 when an output could not be written (the table went to stderr). */
int fp_exit_report_finish(void);

/* In a forked child that goes on running Python: starts a SIGTERM
 * watcher of its own, so that SIGTERM still writes its report. */
void fp_exit_report_after_fork(void);

/* Returns non-zero when SIGTERM arrived and the process must end by it. */
int fp_exit_report_terminated(void);

#endif /* FP_RUN_H */
