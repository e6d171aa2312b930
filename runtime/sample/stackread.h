/*
 * stackread.h: reading the Python stacks of every thread of an
 * interpreter from outside it, without its lock.
 *
 * The reader walks _PyRuntime -> main interpreter -> thread states ->
 * frames through fp__mem_read(), driven only by an fp__pylayout_t, so it
 * reads this process (the sampler) or another one (attach), of any
 * supported version. Memory may change while it is read: every pointer is
 * checked (non-NULL, aligned, the right type where the type's address is
 * known) and every loop bounded, so a thread caught mid-call gets a
 * shorter stack marked truncated, never garbage or a crash.
 *
 * Ownership: the reader owns the fp__rcode_t records it hands out; they
 * stay valid until fp__stackreader_free(). A reader is used by one thread
 * at a time.
 */
#ifndef FP_STACKREAD_H
#define FP_STACKREAD_H

#include <stddef.h>
#include <stdint.h>

#include "sample/memread.h"
#include "sample/pylayout.h"

typedef struct fp__rcode {   /* one function, resolved once and cached */
	const char *file;        /* co_filename */
	const char *name;        /* co_qualname */
	const char *module;      /* __name__ of the frame's globals, or NULL if unreadable */
	int line;                /* co_firstlineno */
} fp__rcode_t;

#define FP__STACK_MAX 1024

typedef struct fp__rthread {
	uint64_t tstate;         /* address of its PyThreadState */
	uint64_t ident;          /* threading.get_ident() (tstate->thread_id) */
	int64_t native_id;       /* OS thread id */
	size_t depth;            /* entries in frames[], innermost first */
	int truncated;           /* deeper than FP__STACK_MAX (outermost frames missing) or cut by an unreadable frame */
	const fp__rcode_t *frames[FP__STACK_MAX];
	int lines[FP__STACK_MAX]; /* the line each frame runs, -1 when unknown; filled
	                          * only while fp__stackreader_want_lines() is on */
	uint64_t idle_loop;      /* address of the asyncio event loop object when the thread is idle in it:
	                          * innermost frame is selectors' *Selector.select called from
	                          * asyncio BaseEventLoop._run_once (read `self`, localsplus[0], of _run_once); else 0 */
} fp__rthread_t;

typedef struct fp__stackreader fp__stackreader_t;

/* What fp__stackreader_frame() reads of one _PyInterpreterFrame. */
typedef struct fp__rframe {
	uint64_t addr;		/* the frame */
	uint64_t previous;	/* its caller's frame, or 0 */
	uint64_t code;		/* f_code / f_executable (not yet checked) */
	uint64_t globals;	/* f_globals */
	uint64_t instr;		/* the instruction it runs (prev_instr or
				 * instr_ptr), or 0 when the layout lacks it */
	uint64_t first_local;	/* localsplus[0] (self of a method), or 0 */
	uint64_t stack_top;	/* address of the top item of its value stack
				 * (localsplus[stacktop - 1]), or 0 when the stack
				 * is empty or its top is implausible */
	int owner;		/* FRAME_OWNED_BY_* */
} fp__rframe_t;

/* A reader of process pid whose _PyRuntime is at runtime_addr, with that
 * interpreter's layout (copied). NULL on ENOMEM. In-process use:
 * fp__stackreader_new(getpid(), (uint64_t)(uintptr_t)&_PyRuntime, &native_layout). */
fp__stackreader_t *fp__stackreader_new(int pid, uint64_t runtime_addr,
    const fp__pylayout_t *layout);

/* Reads the stacks of every thread of the main interpreter into
 * threads[0..*n) (at most max threads). 0, or -errno (-ESRCH: the process
 * is gone; -EFAULT: the thread list itself was unreadable this time). A
 * thread whose frames change while being read gets a shorter, truncated
 * stack, never garbage. */
int fp__stackreader_read(fp__stackreader_t *r, fp__rthread_t *threads,
    size_t max, size_t *n);

/* Makes fp__stackreader_read() fill the lines[] of each thread (on
 * non-zero) or not (0, the default: the sampler's reads do not pay for
 * them). Finding a line reads a code object's location table once, then
 * decodes it from the cache. */
void fp__stackreader_want_lines(fp__stackreader_t *r, int on);

/* Returns the line that the frame running the code object at code (as
 * resolved into c) runs with its instruction pointer at instr, or -1 when
 * unknown. */
int fp__stackreader_line(fp__stackreader_t *r, const fp__rcode_t *c,
    uint64_t code, uint64_t instr);

/* Reads the frame at addr into f: 0, or -errno (-EFAULT also for a frame
 * that fails the checks). */
int fp__stackreader_frame(fp__stackreader_t *r, uint64_t addr,
    fp__rframe_t *f);

/* Reads the generator or coroutine at addr and its embedded frame, in
 * one read: 0 when it is one (its type is the layout's type_gen or
 * type_coro, which must be known) and suspended, with its frame in f as
 * fp__stackreader_frame() gives it; -EFAULT when it is not, or -errno. */
int fp__stackreader_suspended(fp__stackreader_t *r, uint64_t addr,
    fp__rframe_t *f);

/* Resolves the code object at code, run in the module whose globals dict
 * is at globals (0 if unknown), into a cached record; NULL when it is not
 * a readable code object (3.13's shim frames have None there). */
const fp__rcode_t *fp__stackreader_code(fp__stackreader_t *r, uint64_t code,
    uint64_t globals);

/* Returns the address of the thread state that holds the main
 * interpreter's GIL now, 0 when nobody holds it, or -1 when the target's
 * layout cannot tell or the read failed. */
int64_t fp__stackreader_gil_holder(fp__stackreader_t *r);

/* Returns the memory accessor of r (for other readers of the same
 * process, e.g. the asyncio task reader) and its layout. */
fp__mem_t *fp__stackreader_mem(fp__stackreader_t *r);
const fp__pylayout_t *fp__stackreader_layout(const fp__stackreader_t *r);

/* Frees the reader and every fp__rcode_t it returned; NULL accepted. */
void fp__stackreader_free(fp__stackreader_t *r);

#endif /* FP_STACKREAD_H */
