/*
 * fullprof.h: the public C API of libfullprof, the embeddable runtime of the
 * fullprof profiler for CPython.
 *
 * A C program that embeds Python creates a profile with fp_profile_new(),
 * starts and stops it around the code it wants measured, and then either
 * reads a snapshot row by row or writes a report with fp_profile_write().
 *
 * Ownership: every object returned by an fp_*_new() or fp_profile_snapshot()
 * call belongs to the caller and is released with the matching fp_*_free();
 * strings inside a snapshot row belong to the snapshot and live until it is
 * freed.
 *
 * Threads: every function here must be called with the GIL held (for example
 * between PyGILState_Ensure() and PyGILState_Release()), after
 * Py_Initialize() and before Py_Finalize(), except fp_strerror(),
 * fp_options_init() and the snapshot accessors, which need nothing.
 */
#ifndef FULLPROF_H
#define FULLPROF_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define FP_EXPORT __attribute__((visibility("default")))
#else
#define FP_EXPORT
#endif

#define FP_VERSION "0.1.0"

/* Every function that can fail returns FP_OK (0) or one of these negative
 * codes; fp_strerror() turns a code into a sentence. */
#define FP_ERRNO_MAP(X)                                                      \
	X(OK, 0, "success")                                                  \
	X(NOMEM, -1, "out of memory")                                        \
	X(INVAL, -2, "invalid argument")                                     \
	X(STATE, -3, "not possible in the profile's current state")          \
	X(IO, -4, "input/output error")                                      \
	X(NOPYTHON, -5, "the Python interpreter is not initialised")         \
	X(BUSY, -6, "another profile is already running in this process")   \
	X(FORMAT, -7, "unknown output format")                              \
	X(NOTIMELINE, -8, "no timeline was recorded: a trace comes from the " \
	    "run itself (fullprof -o FILE.trace.json)")

typedef enum fp_error {
#define FP_ERRNO_ENUM(name, value, text) FP_ERR_##name = value,
	FP_ERRNO_MAP(FP_ERRNO_ENUM)
#undef FP_ERRNO_ENUM
} fp_error_t;
#define FP_OK FP_ERR_OK

/* Returns a static sentence describing an FP_ERR_* code. */
FP_EXPORT const char *fp_strerror(int err);

/* Time inside fullprof is always integer nanoseconds. */
typedef int64_t fp_time_t;

typedef enum fp_timer_kind {
	FP_TIMER_WALL = 0,	/* monotonic wall-clock time */
	FP_TIMER_CPU,		/* CPU time of the running thread */
	FP_TIMER_PROCESS,	/* CPU time of the whole process */
	FP_TIMER_CUSTOM		/* the embedder's own clock (timer_fn) */
} fp_timer_kind_t;

/* A user-supplied clock: returns the current time in nanoseconds. It is
 * called twice per profiled call, from any thread, with the GIL held. */
typedef fp_time_t (*fp_timer_fn)(void *ctx);

typedef struct fp_options {
	fp_timer_kind_t timer;
	fp_timer_fn timer_fn;	/* used when timer == FP_TIMER_CUSTOM */
	void *timer_ctx;	/* passed to timer_fn */
	int builtins;		/* non-zero: C functions get rows of their own */
	int timer_is_wall;	/* with FP_TIMER_CUSTOM: does timer_fn measure
				 * wall time (so suspension counts)? */
	fp_time_t sample_interval; /* non-zero: a statistical profile, one
				 * sample of every thread each interval (ns,
				 * 50us to 10s; timer wall or cpu only) */
} fp_options_t;

/* Fills *opts with the defaults: wall timer, no builtins. */
FP_EXPORT void fp_options_init(fp_options_t *opts);

typedef struct fp_profile fp_profile_t;

/* Creates a stopped profile; NULL when opts are invalid or memory runs out.
 * A NULL opts means the defaults. */
FP_EXPORT fp_profile_t *fp_profile_new(const fp_options_t *opts);

/* Starts recording in every thread of the interpreter; FP_ERR_BUSY if
 * another profile is running. Starting a running profile is harmless. */
FP_EXPORT int fp_profile_start(fp_profile_t *profile);

/* Stops recording; activations still open are closed at this instant.
 * Stopping a stopped profile is harmless. */
FP_EXPORT int fp_profile_stop(fp_profile_t *profile);

/* Forgets everything recorded so far (running or not). */
FP_EXPORT int fp_profile_clear(fp_profile_t *profile);

/* Returns non-zero while the profile is recording. */
FP_EXPORT int fp_profile_is_running(const fp_profile_t *profile);

/* Stops the profile if needed and releases it. NULL is accepted. */
FP_EXPORT void fp_profile_free(fp_profile_t *profile);

/* Restricts recording to the functions spec names and whatever they call
 * (in the same thread, for as long as they run). Without any, every
 * function is recorded. A spec is one of:
 *   "name" or "Class.method"     a qualified name, in any module;
 *   "pkg.mod.name"               module and qualified name, dotted;
 *   "pkg.mod:Class.method"       module and qualified name;
 *   a glob such as "pkg.*"       matched against "module.qualname" and
 *                                against the qualified name alone.
 * A spec that matches no function that ran is kept, and reported as a row
 * with no_data set. Adding or removing works while the profile runs;
 * adding a spec already present, or removing one that is not, is harmless.
 * Returns FP_OK, FP_ERR_INVAL (empty spec) or FP_ERR_NOMEM. */
FP_EXPORT int fp_profile_add_function(fp_profile_t *profile, const char *spec);

/* Removes a spec added with fp_profile_add_function. */
FP_EXPORT int fp_profile_remove_function(fp_profile_t *profile,
    const char *spec);

/* Returns how many function specs restrict recording (0: everything). */
FP_EXPORT size_t fp_profile_function_count(const fp_profile_t *profile);

/* Returns spec i (0 <= i < count), owned by the profile and valid until
 * it is removed, or NULL. */
FP_EXPORT const char *fp_profile_function(const fp_profile_t *profile,
    size_t i);

/* One function's figures, summed over all threads. Times in nanoseconds. */
typedef struct fp_row {
	const char *file;	/* "~" for C functions */
	int line;		/* 0 for C functions */
	const char *name;	/* qualified name, e.g. "Class.method" */
	uint64_t calls;		/* every activation */
	uint64_t primitive_calls; /* activations that were not recursive */
	fp_time_t own;		/* time running this function itself */
	fp_time_t total;	/* inclusive, once per outermost activation */
	fp_time_t suspended;	/* of total, time suspended at await/yield */
	fp_time_t min, mean, max; /* per activation, inclusive */
	int no_data;		/* a requested spec that matched nothing that
				 * ran: name is the spec, file "", line 0,
				 * every figure 0 */
	/* Statistical profiles only (0 in traced ones, where calls counts
	 * activations): own and total are then estimates. */
	uint64_t samples;	/* samples with the function on the stack */
	uint64_t own_samples;	/* samples with it at the top */
	fp_time_t error;	/* standard error of total, about
				 * sqrt(samples) * interval */
	fp_time_t own_error;	/* the same for own */
} fp_row_t;

typedef struct fp_snapshot fp_snapshot_t;

/* Takes a consistent copy of the figures so far (running or stopped);
 * NULL when memory runs out. */
FP_EXPORT fp_snapshot_t *fp_profile_snapshot(fp_profile_t *profile);

/* Returns the number of rows in a snapshot. */
FP_EXPORT size_t fp_snapshot_count(const fp_snapshot_t *snap);

/* Returns row i (0 <= i < count), or NULL when i is out of range. */
FP_EXPORT const fp_row_t *fp_snapshot_row(const fp_snapshot_t *snap, size_t i);

/* Returns the time covered by the snapshot, in nanoseconds. */
FP_EXPORT fp_time_t fp_snapshot_duration(const fp_snapshot_t *snap);

/* Releases a snapshot. NULL is accepted. */
FP_EXPORT void fp_snapshot_free(fp_snapshot_t *snap);

/* Writes the profile to path ("-" for standard output) in the named
 * format: "table", "json", "fprof", "pstats", "callgrind", "collapsed",
 * "svg" or "speedscope" (FP_ERR_FORMAT for another name, FP_ERR_NOTIMELINE
 * for "trace", which needs the launcher's timeline). The file is written
 * under a temporary name and renamed into place, so a failed write never
 * replaces a good file; on FP_ERR_IO errno says why. */
FP_EXPORT int fp_profile_write(fp_profile_t *profile, const char *format,
    const char *path);

#ifdef __cplusplus
}
#endif
#endif /* FULLPROF_H */
