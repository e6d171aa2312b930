/*
 * pyframe.h: every access to CPython's private frame and generator layout,
 * for 3.11, 3.12 and 3.13, in one place.
 *
 * The layouts come from each version's own installed headers
 * (internal/pycore_frame.h, cpython/genobject.h), included here with
 * Py_BUILD_CORE. Only code that runs in the profiled process, under the
 * GIL, includes this file.
 */
#ifndef FP_PYFRAME_H
#define FP_PYFRAME_H

#include <Python.h>
#include <frameobject.h>

#if PY_VERSION_HEX < 0x030b0000 || PY_VERSION_HEX >= 0x030e0000
#error "fullprof supports CPython 3.11, 3.12 and 3.13"
#endif

#define Py_BUILD_CORE 1
#include "internal/pycore_frame.h"
#undef Py_BUILD_CORE

typedef struct _PyInterpreterFrame fp__pyframe_t;

/* Returns the code object a frame runs, or NULL for a frame that runs no
 * code object (3.13's C-stack shims). */
static inline PyCodeObject *
fp__frame_code(fp__pyframe_t *frame)
{
#if PY_VERSION_HEX >= 0x030d0000
	PyObject *x = frame->f_executable;

	return PyCode_Check(x) ? (PyCodeObject *)x : NULL;
#else
	return frame->f_code;
#endif
}

/* Returns the globals of the module a frame runs in (borrowed). */
static inline PyObject *
fp__frame_globals(fp__pyframe_t *frame)
{
	return frame->f_globals;
}

/* Returns the first local variable of a frame (self, for a method), or
 * NULL. */
static inline PyObject *
fp__frame_first_local(fp__pyframe_t *frame)
{
	PyCodeObject *co = fp__frame_code(frame);

	return co != NULL && co->co_argcount > 0 ? frame->localsplus[0] : NULL;
}

/* Returns non-zero when the frame lives inside a generator, coroutine or
 * async generator object. The call that merely creates one runs in a
 * thread-owned frame and returns the new object at once. */
static inline int
fp__frame_in_generator(fp__pyframe_t *frame)
{
	return frame->owner == FRAME_OWNED_BY_GENERATOR;
}

/* Returns non-zero when a generator frame about to run has never run:
 * its instruction pointer is still before the first traceable instruction
 * (the RESUME after RETURN_GENERATOR). Otherwise it is being resumed. */
static inline int
fp__frame_first_start(fp__pyframe_t *frame)
{
	PyCodeObject *co = fp__frame_code(frame);
#if PY_VERSION_HEX >= 0x030d0000
	_Py_CODEUNIT *ip = frame->instr_ptr;
#else
	_Py_CODEUNIT *ip = frame->prev_instr;
#endif
	return ip - _PyCode_CODE(co) < co->_co_firsttraceable;
}

/* Returns non-zero when a generator frame that has just returned from the
 * evaluation loop is suspended (it yielded or awaited) rather than
 * finished. Suspended states are the negative ones in every version. */
static inline int
fp__frame_suspended(fp__pyframe_t *frame)
{
	PyGenObject *gen = (PyGenObject *)((char *)frame -
	    offsetof(PyGenObject, gi_iframe));

	return gen->gi_frame_state < FRAME_EXECUTING;
}

/* Returns the frame of a generator, coroutine or async generator. */
static inline fp__pyframe_t *
fp__gen_frame(PyObject *gen)
{
	return (fp__pyframe_t *)&((PyGenObject *)gen)->gi_iframe;
}

/* Returns non-zero when gen is a generator, coroutine or async generator
 * (the types that share PyGenObject's layout). */
static inline int
fp__gen_check(PyObject *gen)
{
	return PyGen_Check(gen) || PyCoro_CheckExact(gen) ||
	    PyAsyncGen_CheckExact(gen);
}

/* Returns non-zero when a generator has returned, raised or been closed:
 * its frame will not run again. */
static inline int
fp__gen_finished(PyObject *gen)
{
	return ((PyGenObject *)gen)->gi_frame_state >= FRAME_COMPLETED;
}

#if PY_VERSION_HEX >= 0x030c0000
/* 3.12 and later tell watchers of each function created, so the tracer
 * can keep its frame hook off until a selected function is called (see
 * gate.h). 3.11 has no function watchers. */
#define FP__HAVE_FUNC_WATCHERS 1

/* Makes calls to new functions of code unspecialisable: MAKE_FUNCTION
 * copies the code's version into each function after the creation watcher
 * ran, and a call site specialised on that version would run the function
 * inline, past its vectorcall. Version 0 means "none" in 3.12 and 3.13. */
static inline void
fp__code_forget_version(PyCodeObject *code)
{
	code->co_version = 0;
}

/* Returns a new reference to the object a weak reference points to, or
 * NULL when it is gone. */
static inline PyObject *
fp__weakref_get(PyObject *ref)
{
#if PY_VERSION_HEX >= 0x030d0000
	PyObject *obj = NULL;

	if (PyWeakref_GetRef(ref, &obj) < 0)
		PyErr_Clear();
	return obj;
#else
	PyObject *obj = PyWeakref_GetObject(ref);

	return obj != NULL && obj != Py_None ? Py_NewRef(obj) : NULL;
#endif
}
#endif

/* The co_extra block of a code object. CPython keeps this layout private to
 * Objects/codeobject.c (a size, then the slots); it is the same in every
 * supported version. Reading it inline saves a call per profiled call. */
typedef struct fp__code_extra {
	Py_ssize_t size;
	void *slots[1];
} fp__code_extra_t;

/* Returns the pointer stored in slot index of a code object's co_extra,
 * or NULL when there is none. */
static inline void *
fp__code_extra_get(PyCodeObject *code, Py_ssize_t index)
{
	fp__code_extra_t *x = (fp__code_extra_t *)code->co_extra;

	return x != NULL && index < x->size ? x->slots[index] : NULL;
}

/* Reserves a co_extra slot in the current interpreter; returns its index
 * or -1. */
static inline Py_ssize_t
fp__code_extra_request(void)
{
#if PY_VERSION_HEX >= 0x030c0000
	return PyUnstable_Eval_RequestCodeExtraIndex(NULL);
#else
	return _PyEval_RequestCodeExtraIndex(NULL);
#endif
}

/* Stores value in a code object's co_extra slot; returns 0 or -1.
 *
 * A code object with no co_extra yet gets a block that ends at index:
 * CPython's own setter sizes it for every slot requested so far, and on
 * deallocation calls each slot's free function, even for an empty slot.
 * A program that requested a slot of its own (a debugger, or CPython's
 * test_code through ctypes) would then have its free function called for
 * every code object fullprof ever saw, which python3 never does (and a
 * free function written in Python, called during finalisation, crashes).
 * CPython frees the block with PyMem_Free and grows it with PyMem_Realloc
 * when the program sets a higher slot. */
static inline int
fp__code_extra_set(PyCodeObject *code, Py_ssize_t index, void *value)
{
	fp__code_extra_t *x;
	Py_ssize_t i;

	if (code->co_extra == NULL && index >= 0) {
		x = PyMem_Malloc(offsetof(fp__code_extra_t, slots) +
		    (size_t)(index + 1) * sizeof(void *));
		if (x == NULL)
			return -1;
		x->size = index + 1;
		for (i = 0; i < index; i++)
			x->slots[i] = NULL;
		x->slots[index] = value;
		code->co_extra = x;
		return 0;
	}
#if PY_VERSION_HEX >= 0x030c0000
	return PyUnstable_Code_SetExtra((PyObject *)code, index, value);
#else
	return _PyCode_SetExtra((PyObject *)code, index, value);
#endif
}

/* What one C-level entry into the evaluation loop costs of the C recursion
 * budget in 3.12 and 3.13 (PY_EVAL_C_STACK_UNITS, private to ceval.c). */
#define FP__EVAL_C_STACK_UNITS 2

/* Gives back (delta +1) or takes again (delta -1) the C recursion budget
 * that 3.12+ charges for every C-level entry into the evaluation loop. Python-to-Python calls cost no C entry without a frame
 * hook; with one, each does. The tracer hands the unit back while the
 * thread has ample real C stack, so programs recurse as deep under
 * fullprof as under python3. 3.11 charges Python calls against the Python
 * limit only: nothing to do. */
static inline void
fp__c_recursion_adjust(PyThreadState *ts, int delta)
{
#if PY_VERSION_HEX >= 0x030c0000
	ts->c_recursion_remaining += delta * FP__EVAL_C_STACK_UNITS;
#else
	(void)ts;
	(void)delta;
#endif
}

/* Returns non-zero when evaluating one more frame on this thread will be
 * refused at once by the Python recursion limit (the frame never runs). */
static inline int
fp__recursion_exhausted(PyThreadState *ts)
{
#if PY_VERSION_HEX >= 0x030c0000
	return ts->py_recursion_remaining <= 0;
#else
	return ts->recursion_remaining <= 0;
#endif
}

/* Returns non-zero when fn is this thread's C profile function. */
static inline int
fp__profile_function_is(PyThreadState *ts, Py_tracefunc fn)
{
	return ts->c_profilefunc == fn;
}

#if PY_VERSION_HEX < 0x030c0000
/* 3.11 lets the tracer keep a stray C_RETURN event from the program's
 * own profile function (see fp__frame_is_stray_c_return). */
#define FP__HAVE_STRAY_RETURN_SKIP 1

/* Returns the interpreter frame of a frame object, as a key. */
static inline const void *
fp__frame_object_key(PyFrameObject *f)
{
	return f->f_frame;
}

/* Returns 1 when frame, about to be evaluated, is a Python profile
 * function (a function or method taking (frame, event, arg)) that
 * CPython's profile trampoline calls for the C_RETURN event of callable,
 * a C function called from the frame whose key is caller; 0 when it is
 * called for another C_RETURN; -1 when no C_RETURN is being sent (as in
 * an audit hook, which CPython runs with tracing off too). In 3.11 the
 * C_RETURN goes to whatever profile function is set when the C function
 * returns: for the sys.setprofile call that replaced the tracer's own,
 * that is the new one, which python3 would not have called. Such a frame
 * was pushed by _PyEval_Vector, which clears and pops it after the
 * evaluation function returns, so it may be left unevaluated. */
static inline int
fp__frame_is_stray_c_return(PyThreadState *ts, fp__pyframe_t *frame,
    const void *caller, PyObject *callable)
{
	PyCodeObject *co = frame->f_code;

	if (ts->tracing <= 0 || ts->tracing_what != PyTrace_C_RETURN)
		return -1;
	return (const void *)ts->cframe->current_frame == caller &&
	    frame->owner == FRAME_OWNED_BY_THREAD && co != NULL &&
	    !(co->co_flags & (CO_GENERATOR | CO_COROUTINE |
	    CO_ASYNC_GENERATOR | CO_VARARGS)) &&
	    (co->co_argcount == 3 || co->co_argcount == 4) &&
	    frame->localsplus[co->co_argcount - 1] == callable;
}
#endif

/* Saved state of a pending exception, kept across calls into the C API. */
typedef struct fp__saved_exc {
#if PY_VERSION_HEX >= 0x030c0000
	PyObject *exc;
#else
	PyObject *type, *value, *tb;
#endif
} fp__saved_exc_t;

/* Takes the pending exception (if any) aside. */
static inline void
fp__exc_save(fp__saved_exc_t *s)
{
#if PY_VERSION_HEX >= 0x030c0000
	s->exc = PyErr_GetRaisedException();
#else
	PyErr_Fetch(&s->type, &s->value, &s->tb);
#endif
}

/* Puts a saved exception back, dropping any raised meanwhile. */
static inline void
fp__exc_restore(fp__saved_exc_t *s)
{
	PyErr_Clear();
#if PY_VERSION_HEX >= 0x030c0000
	PyErr_SetRaisedException(s->exc);
#else
	PyErr_Restore(s->type, s->value, s->tb);
#endif
}

#endif /* FP_PYFRAME_H */
