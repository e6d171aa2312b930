/*
 * clock.h: the timers fullprof measures with, read twice per profiled call.
 *
 * The wall timer reads the CPU's invariant time-stamp counter when the
 * kernel says it is constant and non-stop (about 8ns a read, against 20ns for
 * clock_gettime); otherwise CLOCK_MONOTONIC. A fake clock lets the tests
 * drive time by hand so accounting is asserted exactly.
 *
 * The cpu timer measures each thread's CPU time. Asking the kernel
 * (clock_gettime(CLOCK_THREAD_CPUTIME_ID)) is a system call of 0.3 to 8us,
 * far more than an empty Python call, so where it can the timer asks the
 * kernel only when the thread has been switched out since it last asked,
 * and in between adds the time-stamp counter's progress: a thread that has
 * not been switched out has been running all along. The notice of a
 * switch is a perf_event task-clock event opened on each thread, whose
 * mapped page the kernel rewrites each time it schedules the thread in
 * (see clock.c). Values are CLOCK_THREAD_CPUTIME_ID's nanoseconds either
 * way, and a thread that cannot open an event reads the system call.
 *
 * Units. Every clock but the TSC counts nanoseconds. The TSC clock returns
 * raw ticks, and the accounting adds up ticks: figures become nanoseconds
 * once, in the snapshot, scaled by fp__clock_ns_per_unit(), the rate
 * measured against CLOCK_MONOTONIC over the whole run. This keeps a
 * multiply and a start-up calibration out of every profiled call; it is the
 * one place where fp_time_t values are not nanoseconds.
 *
 * Ownership: a clock holds no memory; the caller owns its storage. Each
 * thread's CPU clock state (fp__cpuclock) belongs to that thread: its page
 * is mapped at its first read and unmapped when the thread exits.
 */
#ifndef FP_CLOCK_H
#define FP_CLOCK_H

#include <stdint.h>
#include "fullprof.h"

typedef enum fp__clock_source {
	FP__CLOCK_TSC,		/* scaled rdtsc */
	FP__CLOCK_MONOTONIC,	/* clock_gettime(CLOCK_MONOTONIC) */
	FP__CLOCK_THREAD_CPU,	/* clock_gettime(CLOCK_THREAD_CPUTIME_ID) */
	FP__CLOCK_PROCESS_CPU,	/* clock_gettime(CLOCK_PROCESS_CPUTIME_ID) */
	FP__CLOCK_CALLBACK,	/* an embedder's or the tests' function */
	FP__CLOCK_THREAD_TSC,	/* CLOCK_THREAD_CPUTIME_ID at each switch-in,
				 * plus rdtsc's progress since (see above) */
} fp__clock_source_t;

typedef struct fp__clock {
	fp__clock_source_t source;
	int is_wall;		/* does suspension count as time? */
	const char *name;	/* "wall", "cpu", "process", "custom" */
	/* TSC reference point, for measuring its rate */
	uint64_t base_tsc;
	fp_time_t base_ns;
	fp_timer_fn fn;
	void *ctx;
} fp__clock_t;

/* Parses a timer name ("wall", "cpu" or "process") into *kind; returns
 * 0, or -1 for any other name. */
int fp__timer_kind_parse(const char *name, fp_timer_kind_t *kind);

/* Parses a duration such as "100us", "1.5ms", "0.01s", "250ns" or "0"
 * (a unit is required for anything but 0) into nanoseconds; returns 0 or
 * -1. */
int fp__duration_parse(const char *s, fp_time_t *ns);

/* The shortest and longest sampling intervals, ns. */
#define FP__SAMPLE_MIN_NS	50000ll		/* 50us */
#define FP__SAMPLE_MAX_NS	10000000000ll	/* 10s */

/* Parses a sampling interval: a duration from 50us to 10s. Returns 0, -1
 * when s is not a duration (or is 0), -2 when it is out of range. */
int fp__interval_parse(const char *s, fp_time_t *ns);

/* Sets up *clock for a timer kind; returns FP_OK or FP_ERR_INVAL. */
int fp__clock_init(fp__clock_t *clock, const fp_options_t *opts);

/* Reads a clock that is not a TSC one (the out-of-line slow path). */
fp_time_t fp__clock_read_slow(const fp__clock_t *clock);

/* Returns CLOCK_MONOTONIC in nanoseconds (for durations and metadata). */
fp_time_t fp__monotonic_ns(void);

/* This thread's CPU clock with FP__CLOCK_THREAD_TSC: the kernel's figure
 * at a base point and the counter reading there, valid while the page's
 * sequence word still reads seq (the thread has not been switched in
 * again) and for at most span ticks. */
typedef struct fp__cpuclock {
	const volatile uint32_t *lock;	/* the page's sequence word, or NULL */
	uint32_t seq;		/* its value at the base point */
	int state;		/* 0 not opened, 1 open, -1 system call only */
	uint64_t base_tsc;	/* the counter at the base point */
	uint64_t span;		/* ticks past base_tsc that may be added */
	uint64_t mult;		/* nanoseconds per tick, times 2^32 */
	fp_time_t base_ns;	/* CLOCK_THREAD_CPUTIME_ID at the base point */
	fp_time_t last;		/* the last value returned (never goes back) */
	uint64_t min_ticks;	/* the quickest system call seen, in ticks */
	uint64_t rebases;	/* base points taken (system calls made) */
	void *page;		/* the mapped page, for munmap */
} fp__cpuclock_t;

extern __thread fp__cpuclock_t fp__cpuclock
    __attribute__((tls_model("initial-exec")));

/* Takes a new base point for this thread's CPU clock (opening its event at
 * the first call) and returns the thread's CPU time in ns. */
fp_time_t fp__cpuclock_rebase(void);

/* Returns this thread's CPU time in nanoseconds, without a system call
 * while the thread has not been switched out since the base point. */
static inline fp_time_t
fp__cpuclock_now(void)
{
	fp__cpuclock_t *c = &fp__cpuclock;
	uint32_t seq;
	uint64_t d;
	fp_time_t v;

	if (c->lock != NULL && (seq = *c->lock) == c->seq) {
		__asm__ __volatile__("" ::: "memory");
		d = __builtin_ia32_rdtsc() - c->base_tsc;
		__asm__ __volatile__("" ::: "memory");
		/* Read again after the counter: a switch in between would
		 * make d count time the thread spent switched out. */
		if (*c->lock == seq && d < c->span) {
			v = c->base_ns + (fp_time_t)((d * c->mult) >> 32);
			if (v < c->last)
				v = c->last;
			return c->last = v;
		}
	}
	return fp__cpuclock_rebase();
}

/* Returns the current time of *clock in its units (see above). */
static inline fp_time_t
fp__clock_now(const fp__clock_t *clock)
{
	if (clock->source == FP__CLOCK_TSC)
		return (fp_time_t)__builtin_ia32_rdtsc();
	if (clock->source == FP__CLOCK_THREAD_TSC)
		return fp__cpuclock_now();
	return fp__clock_read_slow(clock);
}

/* Returns what *clock reads, for people: "tsc", "monotonic",
 * "perf-task-clock+tsc", "thread-cputime", "process-cputime" or
 * "callback". */
const char *fp__clock_source_name(const fp__clock_t *clock);

/* Returns non-zero when this thread's CPU clock reads through its perf
 * page (it is open and was not refused), 0 when it makes system calls. */
int fp__cpuclock_thread_uses_page(void);

/* Returns how many nanoseconds one unit of *clock lasts: 1 for every clock
 * but the TSC, whose rate it measures (waiting up to a millisecond when the
 * run so far was shorter than that). */
double fp__clock_ns_per_unit(const fp__clock_t *clock);

/* A clock the tests set by hand: fp__fake_clock_fn reads *(fp_time_t *)ctx. */
fp_time_t fp__fake_clock_fn(void *ctx);

#endif /* FP_CLOCK_H */
