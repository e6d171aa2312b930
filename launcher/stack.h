/*
 * stack.h: a main-thread stack big enough for deep recursion under the
 * frame hook, had by raising RLIMIT_STACK and executing fullprof again
 * once, before Python starts (stack.c). Owns nothing after it returns.
 */
#ifndef FP_STACK_H
#define FP_STACK_H

/* The environment variable that marks the second start of fullprof; it
 * carries the soft stack limit fullprof was started with, and is removed
 * before the program can see it. */
#define FP_STACK_ENV "FULLPROF_STACK_REEXEC"

/* To be called first in main(), before any thread exists, by a command
 * that runs Python: when the soft stack limit is below what the frame
 * hook wants and the hard limit allows more, raises it and executes
 * fullprof again with the same argv (so this call does not return).
 * In the second start, removes FP_STACK_ENV from the environment and gives
 * threads the default stack size they would have had with the original
 * limit. When fullprof cannot execute itself, the limit is put back and
 * the program runs on the stack there is. */
void fp_stack_prepare(char **argv);

#endif /* FP_STACK_H */
