/*
 * pyexit.h: running C code at the moments Python's own hooks miss: in
 * the child after a fork, and at the end of a child that multiprocessing
 * forked (start methods fork and forkserver), which ends with os._exit and
 * so runs neither atexit handlers nor Py_AtExit callbacks.
 *
 * Everything here needs the GIL, except fp__pyexit_finalizing. Callbacks
 * are C functions kept for the life of the process; they run with the GIL
 * held and must leave no Python exception set.
 */
#ifndef FP_PYEXIT_H
#define FP_PYEXIT_H

typedef void (*fp__pyexit_fn)(void);

/* Order of the end-of-child callbacks: lower runs first. The decorator's
 * files are cut from the launcher's profile, so they are written before
 * the launcher stops it. */
#define FP__PYEXIT_ORDER_DECORATOR 10
#define FP__PYEXIT_ORDER_LAUNCHER 20

/* Runs fn in the child after every os.fork() (after CPython's own
 * after-fork work, before the child's Python code resumes). Returns 0, or
 * -1 with a Python exception set. */
int fp__pyexit_on_fork_child(fp__pyexit_fn fn);

/* Runs fn at the end of every child that multiprocessing forks from this
 * process (or from its forked descendants), after multiprocessing's own
 * exit handlers and just before os._exit; at most once per process.
 * Returns 0, or -1 with a Python exception set. */
int fp__pyexit_on_mp_child_exit(fp__pyexit_fn fn, int order);

/* Returns non-zero while the interpreter is being finalised: from then on
 * a thread that asks for the GIL is ended instead. Needs no GIL. */
int fp__pyexit_finalizing(void);

#endif /* FP_PYEXIT_H */
