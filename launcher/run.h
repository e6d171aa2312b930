/*
 * run.h: what "fullprof run" was asked to do, shared by the option parser
 * (cmd-run.c), the settings of a child of --subprocesses
 * (subprocesses.c), the embedding code (embed.c) and the exit report
 * (exit-report.c). Data only: its strings belong to whoever filled it in
 * (argv, or the child's decoded settings), for the whole run.
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

#endif /* FP_RUN_H */
