/*
 * clock.h: the timers fullprof measures with, read twice per profiled call.
 *
 * The wall timer reads the CPU's invariant time-stamp counter when the
 * kernel says it is constant and non-stop (about 8ns a read, against 20ns for
 * clock_gettime); otherwise CLOCK_MONOTONIC. A fake clock lets the tests
 * drive time by hand so accounting is asserted exactly.
 *
 * Units. Every clock but the TSC counts nanoseconds. The TSC clock returns
 * raw ticks, and the accounting adds up ticks: figures become nanoseconds
 * once, in the snapshot, scaled by fp__clock_ns_per_unit(), the rate
 * measured against CLOCK_MONOTONIC over the whole run. This keeps a
 * multiply and a start-up calibration out of every profiled call; it is the
 * one place where fp_time_t values are not nanoseconds.
 *
 * Ownership: a clock holds no memory; the caller owns its storage.
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

/* Returns the current time of *clock in its units (see above). */
static inline fp_time_t
fp__clock_now(const fp__clock_t *clock)
{
	if (clock->source == FP__CLOCK_TSC)
		return (fp_time_t)__builtin_ia32_rdtsc();
	return fp__clock_read_slow(clock);
}

/* Returns how many nanoseconds one unit of *clock lasts: 1 for every clock
 * but the TSC, whose rate it measures (waiting up to a millisecond when the
 * run so far was shorter than that). */
double fp__clock_ns_per_unit(const fp__clock_t *clock);

/* A clock the tests set by hand: fp__fake_clock_fn reads *(fp_time_t *)ctx. */
fp_time_t fp__fake_clock_fn(void *ctx);

#endif /* FP_CLOCK_H */
