/*
 * clock.c: timer set-up, TSC calibration and the non-TSC clock reads.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"

/* Returns the value of a clock_gettime clock in nanoseconds. */
static fp_time_t
read_posix(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (fp_time_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Returns CLOCK_MONOTONIC in nanoseconds. */
fp_time_t
fp__monotonic_ns(void)
{
	return read_posix(CLOCK_MONOTONIC);
}

/* Returns non-zero when /proc/cpuinfo says the TSC is invariant, so it
 * ticks at one rate on every core whatever the power state. */
static int
tsc_is_invariant(void)
{
	static int cached = -1;
	char line[4096];
	FILE *f;
	int constant = 0, nonstop = 0;

	if (cached >= 0)
		return cached;
	f = fopen("/proc/cpuinfo", "r");
	if (f == NULL)
		return cached = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "flags", 5) != 0)
			continue;
		constant = strstr(line, " constant_tsc") != NULL;
		nonstop = strstr(line, " nonstop_tsc") != NULL;
		break;
	}
	fclose(f);
	return cached = constant && nonstop;
}

/* Records the reference point the TSC rate is later measured from. */
static void
start_tsc(fp__clock_t *clock)
{
	clock->base_ns = read_posix(CLOCK_MONOTONIC);
	clock->base_tsc = __builtin_ia32_rdtsc();
}

/* Returns how many nanoseconds one unit of *clock lasts. */
double
fp__clock_ns_per_unit(const fp__clock_t *clock)
{
	fp_time_t ns;
	uint64_t tsc;

	if (clock->source != FP__CLOCK_TSC)
		return 1.0;
	/* A millisecond against a clock read in about 20ns gives the rate
	 * to a few parts in a hundred thousand; longer runs do better. */
	do {
		ns = read_posix(CLOCK_MONOTONIC);
		tsc = __builtin_ia32_rdtsc();
	} while (ns - clock->base_ns < 1000000);
	if (tsc <= clock->base_tsc)
		return 1.0;
	return (double)(ns - clock->base_ns) / (double)(tsc - clock->base_tsc);
}

/* Parses a timer name into *kind; returns 0 or -1. */
int
fp__timer_kind_parse(const char *name, fp_timer_kind_t *kind)
{
	if (strcmp(name, "wall") == 0)
		*kind = FP_TIMER_WALL;
	else if (strcmp(name, "cpu") == 0)
		*kind = FP_TIMER_CPU;
	else if (strcmp(name, "process") == 0)
		*kind = FP_TIMER_PROCESS;
	else
		return -1;
	return 0;
}

/* Sets up *clock for the timer named in opts; returns FP_OK or
 * FP_ERR_INVAL. FULLPROF_CLOCK=monotonic turns the TSC off. */
int
fp__clock_init(fp__clock_t *clock, const fp_options_t *opts)
{
	const char *env = getenv("FULLPROF_CLOCK");

	memset(clock, 0, sizeof *clock);
	switch (opts->timer) {
	case FP_TIMER_WALL:
		clock->name = "wall";
		clock->is_wall = 1;
		clock->source = FP__CLOCK_MONOTONIC;
		if ((env == NULL || strcmp(env, "monotonic") != 0) &&
		    tsc_is_invariant()) {
			clock->source = FP__CLOCK_TSC;
			start_tsc(clock);
		}
		return FP_OK;
	case FP_TIMER_CPU:
		clock->name = "cpu";
		clock->source = FP__CLOCK_THREAD_CPU;
		return FP_OK;
	case FP_TIMER_PROCESS:
		clock->name = "process";
		clock->source = FP__CLOCK_PROCESS_CPU;
		return FP_OK;
	case FP_TIMER_CUSTOM:
		if (opts->timer_fn == NULL)
			return FP_ERR_INVAL;
		clock->name = "custom";
		clock->source = FP__CLOCK_CALLBACK;
		clock->is_wall = opts->timer_is_wall != 0;
		clock->fn = opts->timer_fn;
		clock->ctx = opts->timer_ctx;
		return FP_OK;
	}
	return FP_ERR_INVAL;
}

/* Reads a clock that is not a TSC one. */
fp_time_t
fp__clock_read_slow(const fp__clock_t *clock)
{
	switch (clock->source) {
	case FP__CLOCK_MONOTONIC:
		return read_posix(CLOCK_MONOTONIC);
	case FP__CLOCK_THREAD_CPU:
		return read_posix(CLOCK_THREAD_CPUTIME_ID);
	case FP__CLOCK_PROCESS_CPU:
		return read_posix(CLOCK_PROCESS_CPUTIME_ID);
	case FP__CLOCK_CALLBACK:
		return clock->fn(clock->ctx);
	case FP__CLOCK_TSC:
		break;
	}
	return (fp_time_t)__builtin_ia32_rdtsc();
}

/* Reads the fake clock the tests drive: the fp_time_t that ctx points to. */
fp_time_t
fp__fake_clock_fn(void *ctx)
{
	return *(const fp_time_t *)ctx;
}

/* Parses a duration with its unit into nanoseconds. */
int
fp__duration_parse(const char *s, fp_time_t *ns)
{
	static const struct { const char *unit; double scale; } units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "\xc2\xb5s", 1e3 }, { "ms", 1e6 },
		{ "s", 1e9 }, { "", 0 },
	};
	char *end;
	double v;
	size_t i;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || end == s || errno != 0 || v != v || v < 0)
		return -1;
	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcmp(end, units[i].unit) == 0)
			break;
	}
	if (i == sizeof units / sizeof units[0] || (units[i].scale == 0 && v != 0))
		return -1;		/* a bare number is only allowed for 0 */
	v *= units[i].scale;
	if (v > 1e18)
		return -1;
	*ns = (fp_time_t)(v + 0.5);
	return 0;
}

/* Parses a sampling interval within 50us..10s. */
int
fp__interval_parse(const char *s, fp_time_t *ns)
{
	fp_time_t v;

	if (fp__duration_parse(s, &v) != 0 || v == 0)
		return -1;
	if (v < FP__SAMPLE_MIN_NS || v > FP__SAMPLE_MAX_NS)
		return -2;
	*ns = v;
	return 0;
}
