/*
 * stale-python.h: saying so when the python3 fullprof was built against
 * has been rebuilt (a security or bug-fix update) since fullprof was, so
 * that the interpreter built into fullprof lacks its fixes
 * (stale-python.c). Owns nothing.
 */
#ifndef FP_STALE_PYTHON_H
#define FP_STALE_PYTHON_H

/* Prints one warning on stderr, with how to rebuild, when the python3
 * fullprof was built against is of a build later than the interpreter
 * fullprof runs; costs one stat() (well under a millisecond). Needs no
 * initialised Python. */
void fp_warn_if_stale_python(void);

#endif /* FP_STALE_PYTHON_H */
