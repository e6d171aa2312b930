/*
 * pyexit.h: running C code at the moments Python's own hooks miss: in
 * the child after a fork, and at os._exit() (how every child that
 * multiprocessing forks ends), which runs neither atexit handlers nor
 * Py_AtExit callbacks.
 *
 * Everything here needs the GIL, except fp__pyexit_finalizing. Callbacks
 * are C functions kept for the life of the process; they run with the GIL
 * held and must leave no Python exception set.
 */
#ifndef FP_PYEXIT_H
#define FP_PYEXIT_H

typedef void (*fp__pyexit_fn)(void);

/* Order of the os._exit callbacks: lower runs first. The decorator's
 * files are cut from the launcher's profile, so they are written before
 * the launcher stops it. */
#define FP__PYEXIT_ORDER_DECORATOR 10
#define FP__PYEXIT_ORDER_LAUNCHER 20

/* Runs fn in the child after every os.fork() (after CPython's own
 * after-fork work, before the child's Python code resumes). Returns 0, or
 * -1 with a Python exception set. */
int fp__pyexit_on_fork_child(fp__pyexit_fn fn);

/* Runs fn when the process ends by os._exit() (posix._exit), just before
 * it ends, in any process of the family (this one, forked children,
 * multiprocessing's); the callbacks of one process run at most once, in
 * order. os._exit is replaced by a function that checks its argument as
 * the original does, runs them, and calls the original. Returns 0, or -1
 * with a Python exception set. */
int fp__pyexit_on_os_exit(fp__pyexit_fn fn, int order);

/* Returns non-zero while the interpreter is being finalised: from then on
 * a thread that asks for the GIL is ended instead. Needs no GIL. */
int fp__pyexit_finalizing(void);

#endif /* FP_PYEXIT_H */
