/*
 * exit-report.h: the report written when the program ends, however it
 * ends (exit-report.c), armed and finished by the embedding code
 * (embed.c). The exit report keeps its own copy of the run_options and
 * does not own the profile it is given.
 */
#ifndef FP_EXIT_REPORT_H
#define FP_EXIT_REPORT_H

#include "fullprof.h"
#include "run.h"

/* Sets up the report written at exit (normal end, sys.exit, uncaught
 * exception, SIGINT via finalisation, SIGTERM via a watcher thread), and
 * with --subprocesses in every forked child; with the GIL. Returns 0, or
 * -1 after a message when forked children could not be armed. */
int fp_exit_report_arm(fp_profile_t *profile, const struct run_options *ro,
    const char *cwd, const char *stdlib);

/* Writes the exit report now unless it was already written; returns 0, or
 * -1 when an output could not be written (the table went to stderr). */
int fp_exit_report_finish(void);

/* Returns non-zero when SIGTERM arrived and the process must end by it. */
int fp_exit_report_terminated(void);

#endif /* FP_EXIT_REPORT_H */
