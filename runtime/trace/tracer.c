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
 *
 * Under a filter (without builtins) the hook is installed only while
 * something recorded runs or waits, or a selected function is being
 * called: see gate.h.
 */
#include "config.h"

#include <Python.h>
#include <pthread.h>
#include <string.h>

#include "trace/gate.h"
#include "trace/greenlet.h"
#include "python/pyframe.h"
#include "python/pyfunc.h"
#include "python/pyinfo.h"
#include "python/pyprofile.h"
#include "trace/threadend.h"
#include "trace/timeline.h"
#include "trace/tracer.h"

static fp__acct_t *active;
static const fp__filter_t *active_filter;
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

#ifdef FP__HAVE_STRAY_RETURN_SKIP
/* The method table entry of sys.setprofile, looked up at start. */
static const PyMethodDef *setprofile_def;
/* A sys.setprofile call that may replace the tracer's profile function on
 * this thread: the callable and the key of the frame that called it,
 * while its C_RETURN may still go to the program's new function. */
static __thread PyObject *stray_callable
    __attribute__((tls_model("initial-exec")));
static __thread const void *stray_caller
    __attribute__((tls_model("initial-exec")));
#endif

/* C stack kept free below the deepest hook frame: CPython's own C
 * recursion checks and C extensions need room after the last Python call.
 * A quarter of the thread's stack, at most STACK_RESERVE_MAX: a thread
 * started with a small stack (threading.stack_size) is guarded too, and
 * gets a RecursionError where it would run out. */
#define STACK_RESERVE_MAX (256 * 1024)

/* Returns the lowest usable address of this thread's C stack plus the
 * reserve, or NULL when it cannot be told. */
static const char *
stack_floor_of_this_thread(void)
{
	pthread_attr_t attr;
	void *low = NULL;
	size_t size = 0, reserve;

	if (pthread_getattr_np(pthread_self(), &attr) != 0)
		return NULL;
	if (pthread_attr_getstack(&attr, &low, &size) != 0 || size == 0)
		low = NULL;
	pthread_attr_destroy(&attr);
	reserve = size / 4 < STACK_RESERVE_MAX ? size / 4 : STACK_RESERVE_MAX;
	return low ? (const char *)low + reserve : NULL;
}

/* Returns non-zero when the C stack of t has ample room left. */
static inline int
stack_has_room(const fp__thread_t *t)
{
	return t->stack_floor == NULL ||
	    (const char *)__builtin_frame_address(0) > t->stack_floor;
}

/* Evaluates a frame in CPython's loop, first making sure the C stack has
 * room: near its end a RecursionError is raised instead (python3 would
 * not have used C stack for this call; without the check the process
 * would crash). */
static inline PyObject *
evaluate(fp__thread_t *t, PyThreadState *ts, fp__pyframe_t *frame,
    int throwflag, int *refused)
{
	PyObject *result;

	*refused = fp__recursion_exhausted(ts);
	if (!stack_has_room(t)) {
		*refused = 1;
		PyErr_SetString(PyExc_RecursionError, "maximum recursion depth "
		    "exceeded (the C stack is nearly used up; fullprof needs "
		    "C stack for each Python call)");
		return NULL;
	}
	fp__c_recursion_adjust(ts, +1);
	result = _PyEval_EvalFrameDefault(ts, frame, throwflag);
	fp__c_recursion_adjust(ts, -1);
	if (result != NULL)
		*refused = 0;
	return result;
}

/* Ends C-function segments on top of t's stack that can no longer end by
 * themselves: the program replaced the profile function (sys.setprofile,
 * cProfile) while they ran, so their C_RETURN goes elsewhere. */
static inline void
close_orphaned_builtins(fp__acct_t *a, fp__thread_t *t, PyThreadState *ts)
{
	fp_time_t now;

	if (t->depth == 0 || t->stack[t->depth - 1].act != NULL ||
	    !(t->stack[t->depth - 1].node->func->flags & FP__FUNC_BUILTIN) ||
	    fp__profile_function_is(ts, builtin_profile))
		return;
	now = fp__clock_now(&a->clock);
	while (t->depth > 0 && t->stack[t->depth - 1].act == NULL &&
	    (t->stack[t->depth - 1].node->func->flags & FP__FUNC_BUILTIN))
		fp__acct_return(t, now);
}

/* Names the thread of ctx (an fp__acct_t) with that ident if it has no
 * name yet. */
static void
name_if_unnamed(void *ctx, uint64_t ident, const char *name)
{
	fp__thread_t *t;

	for (t = ((fp__acct_t *)ctx)->threads; t != NULL; t = t->next) {
		if (t->ident == ident && t->name == NULL) {
			t->name = strdup(name);
			return;
		}
	}
}

/* Gives the threads of a that have no name yet the name threading gave
 * them, for every thread threading knows alive now. No Python code runs;
 * a pending exception is kept. */
void
fp__tracer_name_threads(fp__acct_t *a)
{
	if (a != NULL)
		fp__pyinfo_threads_each(name_if_unnamed, a);
}

/* Names a new thread from its first frame when that is threading's
 * Thread._bootstrap(self): self._name, read as a plain attribute. */
static void
name_from_bootstrap(fp__thread_t *t, fp__func_t *func, fp__pyframe_t *frame)
{
	PyObject *self, *name;
	fp__saved_exc_t saved;

	if (t->name != NULL || func == NULL || frame == NULL ||
	    strcmp(func->name, "Thread._bootstrap") != 0 ||
	    func->module == NULL || strcmp(func->module, "threading") != 0 ||
	    (self = fp__frame_first_local(frame)) == NULL)
		return;
	fp__exc_save(&saved);
	name = PyObject_GetAttrString(self, "_name");
	if (name != NULL && PyUnicode_Check(name)) {
		const char *c = PyUnicode_AsUTF8(name);

		if (c != NULL)
			t->name = strdup(c);
	}
	Py_XDECREF(name);
	fp__exc_restore(&saved);
}

/* Finds or creates this thread's record (slow path of current_thread);
 * func and frame are the frame it is first seen in (may be NULL). */
static fp__thread_t *
register_thread(fp__acct_t *a, fp__func_t *func, fp__pyframe_t *frame)
{
	fp__thread_t *t;
	unsigned long ident = PyThread_get_thread_ident();
	long native_id = (long)PyThread_get_thread_native_id();

	/* The OS hands a finished thread's ident (and, later, its native
	 * id) to new threads: a record is this thread's only when both
	 * match, so a new thread never takes over an old one's figures and
	 * name. A thread that never registered (nothing in its thread-local
	 * cache) has no record to find: a program that starts many short
	 * threads does not pay for a search among the old ones. */
	t = NULL;
	if (tls_thread != NULL) {
		for (t = a->threads; t != NULL; t = t->next) {
			if (t->ident == ident && t->native_id == native_id)
				break;
		}
	}
	if (t == NULL) {
		t = fp__acct_new_thread(a, ident, native_id);
		if (t == NULL)
			return NULL;
		t->stack_floor = stack_floor_of_this_thread();
		/* Cached first: anything below that enters the hook again on
		 * this thread finds the record instead of making another. */
		tls_thread = t;
		tls_generation = generation;
		if (builtins_on)
			fp__profile_set_quietly(builtin_profile, 0);
		/* Other threads are named when threading._shutdown starts
		 * and whenever profile data is taken (fp__profile_data). */
		name_from_bootstrap(t, func, frame);
		/* A gated hook is off while threads start and end, and may
		 * never see _bootstrap or _shutdown: ask threading now. */
		if (t->name == NULL && fp__gate_active())
			fp__tracer_name_threads(a);
		fp__threadend_watch(a, t, fp__tracer_forget_thread);
	}
	if (t->epoch != a->epoch) {
		t->epoch = a->epoch;
		t->depth = 0;
	}
	tls_thread = t;
	tls_generation = generation;
	return t;
}

/* Returns this thread's record from the thread-local cache, or NULL when
 * the cache is empty or from before the last invalidation. */
static inline fp__thread_t *
cached_thread(void)
{
	return tls_generation == generation ? tls_thread : NULL;
}

/* Returns the record already made for a code object, or NULL. */
static inline fp__func_t *
cached_func(PyCodeObject *co)
{
	return fp__pyfunc_extra_index >= 0 ?
	    fp__code_extra_get(co, fp__pyfunc_extra_index) : NULL;
}

/* Returns this thread's record in a, or NULL when it cannot be made;
 * func and frame are those being entered (may be NULL). */
static inline fp__thread_t *
current_thread(fp__acct_t *a, fp__func_t *func, fp__pyframe_t *frame)
{
	fp__thread_t *t = cached_thread();

	return t != NULL ? t : register_thread(a, func, frame);
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
	f = cached_func(co);
	if (f == NULL) {
		f = fp__pyfunc_from_code_slow(co, fp__frame_globals(frame));
		fp__greenlet_saw_func(f);
	}
	if (f == NULL)
		return NULL;
	if (f->flags & FP__FUNC_HIDDEN) {
		/* threading._shutdown runs at exit while every thread is still
		 * known to threading: the last chance to learn their names. */
		if (active != NULL && strcmp(f->name, "_shutdown") == 0)
			fp__tracer_name_threads(active);
		return NULL;
	}
	return f;
}

/* Makes the stack of t depth deep again when a frame returns: C-function
 * segments left open above it (their C_RETURN went to another profile
 * function, because the program called sys.setprofile) end now. Returns
 * non-zero when the frame's own segment is then on top. */
static inline int
settle_stack(fp__thread_t *t, uint32_t depth, fp_time_t now)
{
	while (t->depth > depth && t->stack[t->depth - 1].act == NULL &&
	    (t->stack[t->depth - 1].node->func->flags & FP__FUNC_BUILTIN))
		fp__acct_return(t, now);
	return t->depth == depth;
}

/* Lets the gate remove the hook once the last recorded segment of t has
 * ended. */
static inline void
segment_ended(const fp__thread_t *t)
{
	if (t->depth == 0 && active_filter != NULL)
		fp__gate_maybe_off();
}

/* Returns non-zero when a frame of func is to be recorded under a filter:
 * when the filter selects func, or the running recorded segment is inside
 * a selected function (the filter keeps what selected functions call), or
 * the frame resumes an activation that was recorded when it started. */
static inline int
filter_admits(fp__acct_t *a, fp__thread_t *t, fp__func_t *func,
    fp__pyframe_t *frame)
{
	if ((t->depth > 0 && t->stack[t->depth - 1].selected) ||
	    fp__filter_selects(active_filter, func))
		return 1;
	return frame != NULL && (func->flags & FP__FUNC_GENERATOR) &&
	    fp__acct_is_waiting(a, frame);
}

/* Marks the segment just pushed as inside a selected function, when a
 * filter is in force (what it calls is then recorded too). */
static inline void
mark_selected(fp__thread_t *t)
{
	if (active_filter != NULL)
		t->stack[t->depth - 1].selected = 1;
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
	int rc, refused;

	if (fp__frame_first_start(frame))
		rc = fp__acct_gen_start(a, t, func, frame, now);
	else
		rc = fp__acct_gen_resume(a, t, func, frame, now);
	if (rc != 0)
		return _PyEval_EvalFrameDefault(ts, frame, throwflag);
	mark_selected(t);
	result = evaluate(t, ts, frame, throwflag, &refused);
	now = fp__clock_now(&a->clock);
	if (gen != generation || !settle_stack(t, depth + 1, now))
		return result;
	if (refused && fp__frame_first_start(frame)) {
		/* A generator's frame lives in the generator object, which
		 * its caller still holds: safe to read after evaluation. */
		fp__acct_gen_discard(a, t);
		segment_ended(t);
		return result;
	}
	if (a->timeline != NULL) {
		const fp__segment_t *seg = &t->stack[depth];

		fp__timeline_add(a->timeline, seg->node->id, FP__EVENT_RUN,
		    seg->enter, now);
		if (result == NULL || !fp__frame_suspended(frame))
			fp__timeline_add(a->timeline, seg->node->id,
			    FP__EVENT_ACTIVATION, seg->act->started, now);
	}
	if (result != NULL && fp__frame_suspended(frame))
		fp__acct_gen_suspend(a, t, now);
	else
		fp__acct_gen_finish(a, t, now);
	segment_ended(t);
	return result;
}

/* What hook_enter tells eval_hook. The two values below are not tokens
 * (a token's depth is below 2^32 - 2); any other value is a token: the
 * depth of the segment pushed (low 32 bits), the low 31 bits of the
 * generation it was pushed in, and in the top bit whether the frame will
 * be refused unless it returns a value (see evaluate). */
#define ENTER_UNRECORDED UINT64_MAX		/* evaluate, nothing else */
#define ENTER_GENERATOR (UINT64_MAX - 1)	/* a generator's own frame */
#define TOKEN_REFUSED ((uint64_t)1 << 63)
#define TOKEN_NO_ROOM ((uint64_t)UINT32_MAX)	/* depth: C stack used up */
#define ENTER_SKIP (UINT64_MAX - 2)		/* not to run at all (3.11) */

/* Packs what hook_leave needs into a token. */
static inline uint64_t
make_token(uint32_t depth, int refused)
{
	return (uint64_t)depth | (generation & 0x7fffffffu) << 32 |
	    (refused ? TOKEN_REFUSED : 0);
}

/* The first half of eval_hook, out of line so that the frame CPython's
 * evaluation runs under holds almost nothing: decides whether the frame is
 * recorded and, if so, pushes its segment and reads the clock. Returns a
 * token, ENTER_UNRECORDED or ENTER_GENERATOR. With no C stack left, sets a
 * RecursionError and returns a token whose depth is TOKEN_NO_ROOM after
 * discarding the segment. */
static __attribute__((noinline)) uint64_t
hook_enter(PyThreadState *ts, fp__pyframe_t *frame)
{
	fp__acct_t *a = active;
	fp__func_t *func;
	fp__thread_t *t;
	uint32_t depth;

#ifdef FP__HAVE_STRAY_RETURN_SKIP
	if (stray_callable != NULL && ts->tracing > 0) {
		/* The first C_RETURN sent after the sys.setprofile call: if it
		 * is that call's, python3 would not send it. */
		int stray = fp__frame_is_stray_c_return(ts, frame,
		    stray_caller, stray_callable);

		if (stray >= 0)
			stray_callable = NULL;
		if (stray > 0)
			return ENTER_SKIP;
	}
#endif
	if (a == NULL || (func = frame_func(frame)) == NULL ||
	    (t = current_thread(a, func, frame)) == NULL)
		return ENTER_UNRECORDED;
	fp__greenlet_poll();
	if (builtins_on)
		close_orphaned_builtins(a, t, ts);
	if (active_filter != NULL && !filter_admits(a, t, func, frame))
		return ENTER_UNRECORDED;
	if (func->flags & FP__FUNC_GENERATOR)
		return fp__frame_in_generator(frame) ? ENTER_GENERATOR :
		    ENTER_UNRECORDED;
	depth = t->depth;
	if (depth >= TOKEN_NO_ROOM - 1 || fp__acct_push(a, t, func, NULL, 0) != 0)
		return ENTER_UNRECORDED;
	mark_selected(t);
	if (!stack_has_room(t)) {
		fp__acct_discard(t);
		segment_ended(t);
		PyErr_SetString(PyExc_RecursionError, "maximum recursion depth "
		    "exceeded (the C stack is nearly used up; fullprof needs "
		    "C stack for each Python call)");
		return TOKEN_NO_ROOM;
	}
	t->stack[depth].enter = fp__clock_now(&a->clock);
	return make_token(depth, fp__recursion_exhausted(ts));
}

/* The second half of eval_hook: ends the segment of token once its frame
 * has been evaluated to result (NULL: it raised). */
static __attribute__((noinline)) void
hook_leave(uint64_t token, PyObject *result)
{
	fp__acct_t *a = active;
	uint32_t depth = (uint32_t)token;
	fp__thread_t *t;
	fp_time_t now;

	if (a == NULL || (t = cached_thread()) == NULL ||
	    ((token >> 32) & 0x7fffffffu) != (generation & 0x7fffffffu))
		return;
	now = fp__clock_now(&a->clock);
	if (!settle_stack(t, depth + 1, now))
		return;
	if ((token & TOKEN_REFUSED) && result == NULL) {
		fp__acct_discard(t);
	} else {
		if (a->timeline != NULL)
			fp__timeline_add(a->timeline, t->stack[depth].node->id,
			    FP__EVENT_RUN, t->stack[depth].enter, now);
		fp__acct_return(t, now);
	}
	segment_ended(t);
}

/* Runs a generator's own frame (eval_generator), its thread and record
 * found again. */
static __attribute__((noinline)) PyObject *
eval_generator_frame(PyThreadState *ts, fp__pyframe_t *frame, int throwflag)
{
	fp__acct_t *a = active;
	fp__func_t *func = frame_func(frame);
	fp__thread_t *t = cached_thread();

	if (a == NULL || func == NULL || t == NULL)
		return _PyEval_EvalFrameDefault(ts, frame, throwflag);
	return eval_generator(a, t, func, ts, frame, throwflag);
}

/* The frame-evaluation hook: wraps CPython's evaluation of one frame.
 * Every Python call made under fullprof runs in this function's frame,
 * so it keeps as little as it can across the evaluation (the token, and
 * on 3.12 and later the thread state): see README, "C stack". */
static PyObject *
eval_hook(PyThreadState *ts, fp__pyframe_t *frame, int throwflag)
{
	uint64_t token = hook_enter(ts, frame);
	PyObject *result;

	if (token == ENTER_UNRECORDED)
		return _PyEval_EvalFrameDefault(ts, frame, throwflag);
	if (token == ENTER_GENERATOR)
		return eval_generator_frame(ts, frame, throwflag);
	if (token == ENTER_SKIP)
		return Py_NewRef(Py_None);
	if ((uint32_t)token == TOKEN_NO_ROOM)
		return NULL;
	fp__c_recursion_adjust(ts, +1);
	result = _PyEval_EvalFrameDefault(ts, frame, throwflag);
	fp__c_recursion_adjust(ts, -1);
	hook_leave(token, result);
	return result;
}

/* The frame hook while a filter is in force without builtins. The usual
 * frame there is of a function the filter leaves out, run while nothing
 * recorded runs in its thread: that one goes straight to CPython (a tail
 * call, so the hook adds no C stack frame of its own); everything else is
 * eval_hook's. */
static PyObject *
eval_hook_filtered(PyThreadState *ts, fp__pyframe_t *frame, int throwflag)
{
	PyCodeObject *co = fp__frame_code(frame);
	const fp__thread_t *t = cached_thread();
	const fp__func_t *f;

	if (co != NULL && t != NULL && t->depth == 0 &&
	    (f = cached_func(co)) != NULL && fp__filter_known_unselected(f) &&
	    !(f->flags & (FP__FUNC_GENERATOR | FP__FUNC_HIDDEN)))
		return _PyEval_EvalFrameDefault(ts, frame, throwflag);
	return eval_hook(ts, frame, throwflag);
}

/* Returns the frame hook that suits the settings now in force. */
static _PyFrameEvalFunction
hook_in_force(void)
{
	return active_filter != NULL && !builtins_on ? eval_hook_filtered :
	    eval_hook;
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
#ifdef FP__HAVE_STRAY_RETURN_SKIP
	if (setprofile_def != NULL && PyCFunction_Check(arg) &&
	    ((PyCFunctionObject *)arg)->m_ml == setprofile_def) {
		/* Its C_RETURN goes to the program's function if it replaces
		 * this one; it comes back here if it does not. */
		if (what == PyTrace_C_CALL && frame != NULL) {
			stray_callable = arg;
			stray_caller = fp__frame_object_key(frame);
		} else {
			stray_callable = NULL;
		}
	}
#endif
	if ((func = fp__pyfunc_from_builtin(arg)) == NULL ||
	    (t = current_thread(a, NULL, NULL)) == NULL)
		return 0;
	if (what == PyTrace_C_CALL) {
		uint32_t depth = t->depth;

		if (active_filter != NULL && !filter_admits(a, t, func, NULL))
			return 0;
		if (fp__acct_push(a, t, func, NULL, 0) == 0) {
			mark_selected(t);
			t->stack[depth].enter = fp__clock_now(&a->clock);
		}
		return 0;
	}
	{
		fp_time_t now = fp__clock_now(&a->clock);

		if (t->depth > 0 && t->stack[t->depth - 1].act == NULL &&
		    t->stack[t->depth - 1].node->func == func) {
			if (a->timeline != NULL)
				fp__timeline_add(a->timeline,
				    t->stack[t->depth - 1].node->id, FP__EVENT_RUN,
				    t->stack[t->depth - 1].enter, now);
			fp__acct_return(t, now);
		}
	}
	return 0;
}

/* Installs (on non-zero) or removes the frame hook: the gate's switch. */
static void
set_hook(int on)
{
	if (hooked_interp != NULL)
		_PyInterpreterState_SetEvalFrameFunc(hooked_interp,
		    on ? hook_in_force() : previous_eval);
}

/* Returns non-zero when nothing recorded runs or waits: the gate's test. */
static int
idle(void)
{
	return active == NULL || fp__acct_idle(active);
}

/* Gates the hook when a filter is in force without builtins (a C profile
 * function needs every frame seen), and keeps it on otherwise. */
static void
update_gate(const fp__filter_t *filter)
{
	_PyFrameEvalFunction now = hooked_interp != NULL ?
	    _PyInterpreterState_GetEvalFrameFunc(hooked_interp) : NULL;

	/* An installed hook becomes the one for the new settings. */
	if (now == eval_hook || now == eval_hook_filtered)
		set_hook(1);
	if (active_filter == NULL || builtins_on) {
		if (fp__gate_active()) {
			fp__gate_end();
			set_hook(1);
		}
		return;
	}
	if (fp__gate_active()) {
		fp__gate_refilter(filter);
		fp__gate_maybe_off();
	} else {
		fp__gate_begin(filter, set_hook, idle);
	}
}

/* Makes a the active accounting and installs the hooks. */
int
fp__tracer_start(fp__acct_t *a, int builtins, const fp__filter_t *filter)
{
	PyInterpreterState *interp;

	if (!Py_IsInitialized())
		return FP_ERR_NOPYTHON;
	if (active != NULL)
		return active == a ? FP_OK : FP_ERR_BUSY;
	interp = PyInterpreterState_Get();
	fp__pyfunc_reserve_slot();
	generation++;
	fp__filter_generation++;
	builtins_on = builtins;
	active_filter = filter != NULL && filter->count > 0 ? filter : NULL;
	if (hooked_interp != interp) {
		previous_eval = _PyInterpreterState_GetEvalFrameFunc(interp);
		_PyInterpreterState_SetEvalFrameFunc(interp, hook_in_force());
		hooked_interp = interp;
	}
	active = a;
	if (builtins) {
#ifdef FP__HAVE_STRAY_RETURN_SKIP
		PyObject *sp = PySys_GetObject("setprofile");

		setprofile_def = sp != NULL && PyCFunction_Check(sp) ?
		    ((PyCFunctionObject *)sp)->m_ml : NULL;
#endif
		fp__profile_set_quietly(builtin_profile, 1);
	}
	update_gate(active_filter);
	/* greenlet may be imported already: this thread follows switches
	 * from now on, the others from their next call. */
	fp__greenlet_start(fp__tracer_this_thread);
	return FP_OK;
}

/* Removes the hooks; frames inside them stop recording. */
void
fp__tracer_stop(fp__acct_t *a)
{
	if (active != a)
		return;
	fp__gate_end();
	active = NULL;
	active_filter = NULL;
	generation++;
	if (Py_IsInitialized() && hooked_interp != NULL) {
		if (builtins_on)
			fp__profile_set_quietly(NULL, 1);
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

/* Puts a profile's changed filter in force while it runs: an empty one
 * records everything. */
void
fp__tracer_filter_changed(const fp__acct_t *a, const fp__filter_t *filter)
{
	if (active != a)
		return;
	active_filter = filter != NULL && filter->count > 0 ? filter : NULL;
	fp__filter_generation++;
	update_gate(active_filter);
}

/* Returns the active accounting's record of the calling thread, or NULL
 * (greenlet.c follows switches in it). */
fp__thread_t *
fp__tracer_this_thread(void)
{
	return active != NULL ? cached_thread() : NULL;
}

/* Forgets the calling thread's cached record if it is t, which the
 * accounting has freed (threadend.c; t is only compared). */
void
fp__tracer_forget_thread(const fp__thread_t *t)
{
	if (tls_thread == t)
		tls_thread = NULL;
}

/* Makes every frame inside the hooks forget its segment. */
void
fp__tracer_invalidate(void)
{
	generation++;
}
