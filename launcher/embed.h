/*
 * embed.h: running the program in the embedded interpreter (embed.c), the
 * one entry into Python of "fullprof run" and of a child of
 * --subprocesses. The caller keeps the run_options alive for the whole
 * run.
 */
#ifndef FP_EMBED_H
#define FP_EMBED_H

#include "run.h"

/* Runs the program under the profiler and returns fullprof's exit status. */
int fp_launch(const struct run_options *ro);

#endif /* FP_EMBED_H */
