/*
 * pydecorator.h: fullprof.profile, the decorator that profiles every call
 * of a function (and what it calls) in whatever process it runs, one .fprof
 * file per process (see pydecorator.c). *
 * Ownership: each decorated function holds a strong reference to the
 * function it wraps; the profile and its files belong to the process.
 */
#ifndef FP_PYDECORATOR_H
#define FP_PYDECORATOR_H

#include <Python.h>

/* Adds profile() to the fullprof module m; returns 0, or -1 with an
 * exception set. */
int fp__decorator_add_to_module(PyObject *m);

#endif /* FP_PYDECORATOR_H */
