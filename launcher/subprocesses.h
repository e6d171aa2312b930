/*
 * subprocesses.h: "fullprof --subprocesses": profiling the Python children
 * of the program too (see subprocesses.c), and the child mode of the
 * fullprof executable that makes it possible. *
 * Ownership: the child's options point into its argv and environment,
 * which outlive the run; the caller owns d.
 */
#ifndef FP_SUBPROCESSES_H
#define FP_SUBPROCESSES_H

#include "core/pdata.h"
#include "run.h"

/* Set in the environment of the program run with --subprocesses: with it,
 * fullprof is a profiled python3 (see fp_subprocesses_child_options). */
#define FP_CHILD_ENV "FULLPROF_CHILD"

/* Makes this process a child: fills in *ro so that argv, a whole python3
 * command line, runs as python3 runs it, profiled with the settings
 * FULLPROF_CHILD carries; the figures go to NAME.<pid>.fprof at exit and
 * nothing is printed. Returns 0, or FP_EXIT_USAGE after a message on
 * stderr when the variable is not valid. */
int fp_subprocesses_child_options(int argc, char **argv,
    struct run_options *ro);

/* Called with the GIL after Python is initialised, before the program's
 * first line, for a run with --subprocesses or a child: makes
 * sys.executable this fullprof and passes the settings on to children in
 * the environment (the exit report arms forked children). Returns 0, or
 * -1 after a message on stderr. */
int fp_subprocesses_arm(const struct run_options *ro);

/* At exit, with d the figures of this process. In a child (started by
 * exec or forked), writes d to NAME.<pid>.fprof and returns 1: nothing
 * more is to be written. In the parent, adds to d the files its children
 * wrote and returns 0. */
int fp_subprocesses_exit(fp__pdata_t *d);

#endif /* FP_SUBPROCESSES_H */
