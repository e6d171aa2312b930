/*
 * tracer.c: the PEP 523 frame-evaluation hook and the C-call profile hook.
 *
 * With a frame-evaluation function installed, CPython stops inlining
 * Python-to-Python calls and sends every frame, including each resume of a
 * generator or coroutine, through the hook. Per call the hook reads the
 * clock twice and does a few loads and stores; the slow paths (first sight
 * of a code object or call path) are out of line.
 *
 * A generator frame is told apart by its owner: the call that creates a
 * generator runs in a thread-owned frame and is not an activation; the
 * generator's own frame is generator-owned. Its first start is detected
 * from the instruction pointer (see pyframe.h), and after the evaluation
 * loop returns, a negative generator state means it suspended, anything
 * else that it finished.
 */
#include "config.h"

#include <Python.h>

#include "pyframe.h"
#include "pyfunc.h"
#include "tracer.h"

static fp__acct_t *active;
static int builtins_on;
/* Bumped whenever open segments are discarded (stop, clear, free): a hook
 * frame that saw another value at entry does not touch the stacks. */
static uint64_t generation = 1;
static _PyFrameEvalFunction previous_eval;
static PyInterpreterState *hooked_interp;

/* This thread's record in the active accounting, valid while tls_generation
 * equals the generation it was looked up in. */
static __thread fp__thread_t *tls_thread
    __attribute__((tls_model("initial-exec")));
static __thread uint64_t tls_generation
    __attribute__((tls_model("initial-exec")));

static int builtin_profile(PyObject *obj, PyFrameObject *frame, int what,
    PyObject *arg);

/* Finds or creates this thread's record (slow path of current_thread). */
static fp__thread_t *
register_thread(fp__acct_t *a)
{
	fp__thread_t *t;
	unsigned long ident = PyThread_get_thread_ident();

	for (t = a->threads; t != NULL; t = t->next) {
		if (t->ident == ident)
			break;
	}
	if (t == NULL) {
		t = fp__acct_new_thread(a, ident,
		    (long)PyThread_get_thread_native_id());
		if (t == NULL)
			return NULL;
		if (builtins_on)
			PyEval_SetProfile(builtin_profile, NULL);
	}
	if (t->epoch != a->epoch) {
		t->epoch = a->epoch;
		t->depth = 0;
	}
	tls_thread = t;
	tls_generation = generation;
	return t;
}

/* Returns this thread's record in a, or NULL when it cannot be made. */
static inline fp__thread_t *
current_thread(fp__acct_t *a)
{
	if (tls_generation == generation && tls_thread != NULL)
		return tls_thread;
	return register_thread(a);
}

/* Returns the record for a frame's code, or NULL when the frame is not
 * to be recorded (no code object, hidden, or out of memory). */
static inline fp__func_t *
frame_func(fp__pyframe_t *frame)
{
	PyCodeObject *co = fp__frame_code(frame);
	fp__func_t *f;

	if (co == NULL)
		return NULL;
	f = fp__pyfunc_extra_index >= 0 ?
	    fp__code_extra_get(co, fp__pyfunc_extra_index) : NULL;
	if (f == NULL)
		f = fp__pyfunc_from_code_slow(co);
	if (f == NULL || (f->flags & FP__FUNC_HIDDEN))
		return NULL;
	return f;
}

/* Runs a generator frame as one segment of its activation. */
static PyObject *
eval_generator(fp__acct_t *a, fp__thread_t *t, fp__func_t *func,
    PyThreadState *ts, fp__pyframe_t *frame, int throwflag)
{
	uint64_t gen = generation;
	uint32_t depth = t->depth;
	fp_time_t now = fp__clock_now(&a->clock);
	PyObject *result;
	int rc;

	if (fp__frame_first_start(frame))
		rc = fp__acct_gen_start(a, t, func, frame, now);
	else
		rc = fp__acct_gen_resume(a, t, func, frame, now);
	if (rc != 0)
		return _PyEval_EvalFrameDefault(ts, frame, throwflag);
	result = _PyEval_EvalFrameDefault(ts, frame, throwflag);
	now = fp__clock_now(&a->clock);
	if (gen != generation || t->depth != depth + 1)
		return result;
	if (result != NULL && fp__frame_suspended(frame))
		fp__acct_gen_suspend(a, t, now);
	else
		fp__acct_gen_finish(a, t, now);
	return result;
}

/* The frame-evaluation hook: wraps CPython's evaluation of one frame. */
static PyObject *
eval_hook(PyThreadState *ts, fp__pyframe_t *frame, int throwflag)
{
	fp__acct_t *a = active;
	fp__func_t *func;
	fp__thread_t *t;
	PyObject *result;
	uint64_t gen;
	uint32_t depth;

	if (a == NULL || (func = frame_func(frame)) == NULL ||
	    (t = current_thread(a)) == NULL)
		return _PyEval_EvalFrameDefault(ts, frame, throwflag);
	if (func->flags & FP__FUNC_GENERATOR) {
		if (!fp__frame_in_generator(frame))
			return _PyEval_EvalFrameDefault(ts, frame, throwflag);
		return eval_generator(a, t, func, ts, frame, throwflag);
	}
	gen = generation;
	depth = t->depth;
	if (fp__acct_push(a, t, func, NULL, 0) != 0)
		return _PyEval_EvalFrameDefault(ts, frame, throwflag);
	t->stack[depth].enter = fp__clock_now(&a->clock);
	result = _PyEval_EvalFrameDefault(ts, frame, throwflag);
	{
		fp_time_t now = fp__clock_now(&a->clock);

		if (gen == generation && t->depth == depth + 1)
			fp__acct_return(t, now);
	}
	return result;
}

/* The C-level profile function used with builtins: C_CALL pushes a
 * segment for the C function, C_RETURN and C_EXCEPTION pop it. Python
 * call and return events are left to the frame hook. */
static int
builtin_profile(PyObject *obj, PyFrameObject *frame, int what, PyObject *arg)
{
	fp__acct_t *a = active;
	fp__thread_t *t;
	fp__func_t *func;

	if (a == NULL || (what != PyTrace_C_CALL && what != PyTrace_C_RETURN &&
	    what != PyTrace_C_EXCEPTION))
		return 0;
	if ((func = fp__pyfunc_from_builtin(arg)) == NULL ||
	    (t = current_thread(a)) == NULL)
		return 0;
	if (what == PyTrace_C_CALL) {
		uint32_t depth = t->depth;

		if (fp__acct_push(a, t, func, NULL, 0) == 0)
			t->stack[depth].enter = fp__clock_now(&a->clock);
		return 0;
	}
	{
		fp_time_t now = fp__clock_now(&a->clock);

		if (t->depth > 0 && t->stack[t->depth - 1].act == NULL &&
		    t->stack[t->depth - 1].node->func == func)
			fp__acct_return(t, now);
	}
	return 0;
}

/* Makes a the active accounting and installs the hooks. */
int
fp__tracer_start(fp__acct_t *a, int builtins)
{
	PyInterpreterState *interp;

	if (!Py_IsInitialized())
		return FP_ERR_NOPYTHON;
	if (active != NULL)
		return active == a ? FP_OK : FP_ERR_BUSY;
	interp = PyInterpreterState_Get();
	if (hooked_interp != interp) {
		previous_eval = _PyInterpreterState_GetEvalFrameFunc(interp);
		_PyInterpreterState_SetEvalFrameFunc(interp, eval_hook);
		hooked_interp = interp;
	}
	generation++;
	builtins_on = builtins;
	active = a;
	if (builtins)
		fp__set_profile_all_threads(builtin_profile);
	return FP_OK;
}

/* Removes the hooks; frames inside them stop recording. */
void
fp__tracer_stop(fp__acct_t *a)
{
	if (active != a)
		return;
	active = NULL;
	generation++;
	if (Py_IsInitialized() && hooked_interp != NULL) {
		if (builtins_on)
			fp__set_profile_all_threads(NULL);
		_PyInterpreterState_SetEvalFrameFunc(hooked_interp,
		    previous_eval);
	}
	hooked_interp = NULL;
	builtins_on = 0;
}

/* Returns the accounting being recorded into, or NULL. */
fp__acct_t *
fp__tracer_active(void)
{
	return active;
}

/* Makes every frame inside the hooks forget its segment. */
void
fp__tracer_invalidate(void)
{
	generation++;
}
