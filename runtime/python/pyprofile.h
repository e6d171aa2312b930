/*
 * pyprofile.h: installs and removes the tracer's C profile function the
 * way CPython does, but out of sight of the program's audit hooks.
 *
 * CPython raises the audit event "sys.setprofile" for every install,
 * which runs the program's sys.addaudithook hooks (Python code) in the
 * middle of the tracer's bookkeeping: python3 running the same program
 * never sends that event, and a hook that itself enters the tracer would
 * recurse without end. Nothing here owns memory.
 */
#ifndef FP_PYPROFILE_H
#define FP_PYPROFILE_H

#include <Python.h>

/* Sets fn (or, with NULL, nothing) as the C profile function of the
 * calling thread, or of every thread of its interpreter when all_threads
 * is non-zero. Needs the GIL; a pending exception is kept, and the
 * program's audit hooks are not called. */
void fp__profile_set_quietly(Py_tracefunc fn, int all_threads);

#endif /* FP_PYPROFILE_H */
