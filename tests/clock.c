/*
 * clock.c: checks for runtime/core/clock.c: setting up each timer kind, the fake
 * clock the other suites drive by hand, the TSC's units, and loose sanity
 * checks of the real clocks (the wall clock never goes back and, scaled by
 * fp__clock_ns_per_unit, keeps pace with CLOCK_MONOTONIC; the CPU clocks
 * stand still while the thread sleeps). The cpu timer's per-thread clock
 * (a perf page and the TSC where the kernel allows it) must agree with
 * CLOCK_THREAD_CPUTIME_ID through spinning, sleeping, moving between CPUs,
 * other threads and fork, never go back, and make system calls only
 * rarely.
 */
#include "config.h"

#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "suites.h"
#include "core/clock.h"

/* Durations need their unit (a bare 0 aside) and are rounded to ns. */
START_TEST(test_fp__duration_parse_units)
{
	fp_time_t ns = -1;

	ck_assert_int_eq(fp__duration_parse("250ns", &ns), 0);
	ck_assert_int_eq(ns, 250);
	ck_assert_int_eq(fp__duration_parse("1.5ms", &ns), 0);
	ck_assert_int_eq(ns, 1500000);
	ck_assert_int_eq(fp__duration_parse("100us", &ns), 0);
	ck_assert_int_eq(ns, 100000);
	ck_assert_int_eq(fp__duration_parse("100\xc2\xb5s", &ns), 0);
	ck_assert_int_eq(ns, 100000);
	ck_assert_int_eq(fp__duration_parse("0.01s", &ns), 0);
	ck_assert_int_eq(ns, 10000000);
	ck_assert_int_eq(fp__duration_parse("0", &ns), 0);
	ck_assert_int_eq(ns, 0);
	ck_assert_int_eq(fp__duration_parse("10", &ns), -1);
	ck_assert_int_eq(fp__duration_parse("", &ns), -1);
	ck_assert_int_eq(fp__duration_parse("ms", &ns), -1);
	ck_assert_int_eq(fp__duration_parse("-1ms", &ns), -1);
	ck_assert_int_eq(fp__duration_parse("1 ms", &ns), -1);
	ck_assert_int_eq(fp__duration_parse("1mss", &ns), -1);
	ck_assert_int_eq(fp__duration_parse("nanms", &ns), -1);
	ck_assert_int_eq(fp__duration_parse("infs", &ns), -1);
	ck_assert_int_eq(fp__duration_parse("1e300s", &ns), -1);
}
END_TEST

/* Sampling intervals: 50us to 10s, with a unit; out of range is told
 * apart from not a duration at all. */
START_TEST(test_fp__interval_parse_range)
{
	fp_time_t ns = -1;

	ck_assert_int_eq(fp__interval_parse("10ms", &ns), 0);
	ck_assert_int_eq(ns, 10000000);
	ck_assert_int_eq(fp__interval_parse("500us", &ns), 0);
	ck_assert_int_eq(ns, 500000);
	ck_assert_int_eq(fp__interval_parse("50us", &ns), 0);
	ck_assert_int_eq(ns, FP__SAMPLE_MIN_NS);
	ck_assert_int_eq(fp__interval_parse("10s", &ns), 0);
	ck_assert_int_eq(ns, FP__SAMPLE_MAX_NS);
	ck_assert_int_eq(fp__interval_parse("0.01s", &ns), 0);
	ck_assert_int_eq(ns, 10000000);
	ck_assert_int_eq(fp__interval_parse("49us", &ns), -2);
	ck_assert_int_eq(fp__interval_parse("10.5s", &ns), -2);
	ck_assert_int_eq(fp__interval_parse("0", &ns), -1);
	ck_assert_int_eq(fp__interval_parse("0ms", &ns), -1);
	ck_assert_int_eq(fp__interval_parse("10", &ns), -1);
	ck_assert_int_eq(fp__interval_parse("", &ns), -1);
	ck_assert_int_eq(ns, 10000000);	/* failures leave it alone */
}
END_TEST

/* Returns options for a timer kind, with everything else zero. */
static fp_options_t
options(fp_timer_kind_t kind)
{
	fp_options_t o;

	memset(&o, 0, sizeof o);
	o.timer = kind;
	return o;
}

/* Returns CLOCK_MONOTONIC in nanoseconds, read directly. */
static fp_time_t
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (fp_time_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Sleeps for ms milliseconds, however often a signal interrupts. */
static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) != 0)
		continue;
}

/* Returns non-zero when /proc/cpuinfo reports an invariant TSC. */
static int
invariant_tsc(void)
{
	char line[8192];
	FILE *f = fopen("/proc/cpuinfo", "r");
	int yes = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "flags", 5) == 0) {
			yes = strstr(line, " constant_tsc") != NULL &&
			    strstr(line, " nonstop_tsc") != NULL;
			break;
		}
	}
	fclose(f);
	return yes;
}

/* Asserts that clk, scaled to nanoseconds, moves with CLOCK_MONOTONIC
 * within 1% over a 50ms sleep. */
static void
assert_keeps_pace(const fp__clock_t *clk)
{
	fp_time_t c0, c1, m0, m1, dc, dm, diff;

	m0 = mono();
	c0 = fp__clock_now(clk);
	sleep_ms(50);
	c1 = fp__clock_now(clk);
	m1 = mono();
	dc = (fp_time_t)((double)(c1 - c0) * fp__clock_ns_per_unit(clk));
	dm = m1 - m0;
	ck_assert_int_ge(dm, 50000000);
	diff = dc > dm ? dc - dm : dm - dc;
	ck_assert_msg(diff <= dm / 100, "clock moved %lld ns while "
	    "CLOCK_MONOTONIC moved %lld ns", (long long)dc, (long long)dm);
}

/* Asserts that clk never goes back over a million reads. */
static void
assert_monotonic(const fp__clock_t *clk)
{
	fp_time_t prev = fp__clock_now(clk), now;
	int i;

	for (i = 0; i < 1000000; i++) {
		now = fp__clock_now(clk);
		ck_assert_msg(now >= prev, "read %d went back from %lld to "
		    "%lld", i, (long long)prev, (long long)now);
		prev = now;
	}
}

START_TEST(test_fp__clock_init_wall)
{
	fp_options_t o = options(FP_TIMER_WALL);
	fp__clock_t clk;

	unsetenv("FULLPROF_CLOCK");
	memset(&clk, 0xAB, sizeof clk);
	ck_assert_int_eq(fp__clock_init(&clk, &o), FP_OK);
	ck_assert_str_eq(clk.name, "wall");
	ck_assert_int_eq(clk.is_wall, 1);
	ck_assert_ptr_null(clk.fn);
	/* The TSC exactly when the kernel says it is invariant, with its
	 * reference point taken now. */
	if (invariant_tsc()) {
		ck_assert_int_eq(clk.source, FP__CLOCK_TSC);
		ck_assert_uint_ne(clk.base_tsc, 0);
		ck_assert_int_le(clk.base_ns, mono());
		ck_assert_int_gt(clk.base_ns, mono() - 1000000000);
	} else {
		ck_assert_int_eq(clk.source, FP__CLOCK_MONOTONIC);
	}
}
END_TEST

START_TEST(test_fp__clock_init_wall_env_monotonic)
{
	fp_options_t o = options(FP_TIMER_WALL);
	fp__clock_t clk;

	setenv("FULLPROF_CLOCK", "monotonic", 1);
	ck_assert_int_eq(fp__clock_init(&clk, &o), FP_OK);
	ck_assert_int_eq(clk.source, FP__CLOCK_MONOTONIC);
	ck_assert_str_eq(clk.name, "wall");
	ck_assert_int_eq(clk.is_wall, 1);
	/* Other values leave the choice to the machine. */
	setenv("FULLPROF_CLOCK", "tsc", 1);
	ck_assert_int_eq(fp__clock_init(&clk, &o), FP_OK);
	ck_assert_int_eq(clk.source,
	    invariant_tsc() ? FP__CLOCK_TSC : FP__CLOCK_MONOTONIC);
}
END_TEST

START_TEST(test_fp__clock_init_cpu)
{
	fp_options_t o = options(FP_TIMER_CPU);
	fp__clock_t clk;

	unsetenv("FULLPROF_CLOCK");
	ck_assert_int_eq(fp__clock_init(&clk, &o), FP_OK);
	ck_assert_str_eq(clk.name, "cpu");
	ck_assert_int_eq(clk.is_wall, 0);
	/* The perf page and the TSC where the kernel allows them (then this
	 * thread, which set the clock up, reads through its page), the
	 * system call otherwise. */
	if (clk.source == FP__CLOCK_THREAD_TSC) {
		ck_assert(invariant_tsc());
		ck_assert_str_eq(fp__clock_source_name(&clk),
		    "perf-task-clock+tsc");
		ck_assert(fp__cpuclock_thread_uses_page());
	} else {
		ck_assert_int_eq(clk.source, FP__CLOCK_THREAD_CPU);
		ck_assert_str_eq(fp__clock_source_name(&clk), "thread-cputime");
	}
	/* FULLPROF_CLOCK=monotonic keeps the TSC out of it. */
	setenv("FULLPROF_CLOCK", "monotonic", 1);
	ck_assert_int_eq(fp__clock_init(&clk, &o), FP_OK);
	ck_assert_int_eq(clk.source, FP__CLOCK_THREAD_CPU);
	ck_assert_str_eq(clk.name, "cpu");
	unsetenv("FULLPROF_CLOCK");
}
END_TEST

START_TEST(test_fp__clock_source_name_each)
{
	static const struct { fp__clock_source_t source; const char *name; }
	    names[] = {
		{ FP__CLOCK_TSC, "tsc" },
		{ FP__CLOCK_MONOTONIC, "monotonic" },
		{ FP__CLOCK_THREAD_CPU, "thread-cputime" },
		{ FP__CLOCK_THREAD_TSC, "perf-task-clock+tsc" },
		{ FP__CLOCK_PROCESS_CPU, "process-cputime" },
		{ FP__CLOCK_CALLBACK, "callback" },
	};
	fp__clock_t clk;
	size_t i;

	memset(&clk, 0, sizeof clk);
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		clk.source = names[i].source;
		ck_assert_str_eq(fp__clock_source_name(&clk), names[i].name);
	}
}
END_TEST

START_TEST(test_fp__clock_init_process)
{
	fp_options_t o = options(FP_TIMER_PROCESS);
	fp__clock_t clk;

	ck_assert_int_eq(fp__clock_init(&clk, &o), FP_OK);
	ck_assert_str_eq(clk.name, "process");
	ck_assert_int_eq(clk.source, FP__CLOCK_PROCESS_CPU);
	ck_assert_int_eq(clk.is_wall, 0);
}
END_TEST

START_TEST(test_fp__clock_init_custom)
{
	fp_options_t o = options(FP_TIMER_CUSTOM);
	fp__clock_t clk;
	fp_time_t t = 0;

	o.timer_fn = fp__fake_clock_fn;
	o.timer_ctx = &t;
	ck_assert_int_eq(fp__clock_init(&clk, &o), FP_OK);
	ck_assert_str_eq(clk.name, "custom");
	ck_assert_int_eq(clk.source, FP__CLOCK_CALLBACK);
	ck_assert_ptr_eq(clk.fn, fp__fake_clock_fn);
	ck_assert_ptr_eq(clk.ctx, &t);
	ck_assert_int_eq(clk.is_wall, 0);
	/* timer_is_wall is a flag: any non-zero value means yes. */
	o.timer_is_wall = 1;
	ck_assert_int_eq(fp__clock_init(&clk, &o), FP_OK);
	ck_assert_int_eq(clk.is_wall, 1);
	o.timer_is_wall = 7;
	ck_assert_int_eq(fp__clock_init(&clk, &o), FP_OK);
	ck_assert_int_eq(clk.is_wall, 1);
}
END_TEST

START_TEST(test_fp__clock_init_custom_without_fn)
{
	fp_options_t o = options(FP_TIMER_CUSTOM);
	fp__clock_t clk;
	fp_time_t t = 0;

	o.timer_ctx = &t;
	ck_assert_int_eq(fp__clock_init(&clk, &o), FP_ERR_INVAL);
}
END_TEST

START_TEST(test_fp__clock_init_bad_kind)
{
	fp_options_t o = options((fp_timer_kind_t)42);
	fp__clock_t clk;

	ck_assert_int_eq(fp__clock_init(&clk, &o), FP_ERR_INVAL);
	o = options((fp_timer_kind_t)-1);
	ck_assert_int_eq(fp__clock_init(&clk, &o), FP_ERR_INVAL);
}
END_TEST

START_TEST(test_fp__fake_clock_fn_exact)
{
	fp_options_t o = options(FP_TIMER_CUSTOM);
	fp__clock_t clk;
	fp_time_t t = 0;

	o.timer_fn = fp__fake_clock_fn;
	o.timer_ctx = &t;
	o.timer_is_wall = 1;
	ck_assert_int_eq(fp__clock_init(&clk, &o), FP_OK);
	ck_assert_int_eq(fp__clock_now(&clk), 0);
	t = 123;
	ck_assert_int_eq(fp__clock_now(&clk), 123);
	ck_assert_int_eq(fp__clock_read_slow(&clk), 123);
	t = 5000000000LL;
	ck_assert_int_eq(fp__clock_now(&clk), 5000000000LL);
	/* It does not advance by itself, and may even go back. */
	ck_assert_int_eq(fp__clock_now(&clk), 5000000000LL);
	t = 7;
	ck_assert_int_eq(fp__clock_now(&clk), 7);
	t = INT64_MAX;
	ck_assert_int_eq(fp__clock_now(&clk), INT64_MAX);
	t = -1;
	ck_assert_int_eq(fp__fake_clock_fn(&t), -1);
}
END_TEST

START_TEST(test_fp__clock_now_wall_monotonic)
{
	fp_options_t o = options(FP_TIMER_WALL);
	fp__clock_t clk;

	unsetenv("FULLPROF_CLOCK");
	ck_assert_int_eq(fp__clock_init(&clk, &o), FP_OK);
	assert_monotonic(&clk);
}
END_TEST

START_TEST(test_fp__clock_now_wall_pace)
{
	fp_options_t o = options(FP_TIMER_WALL);
	fp__clock_t clk;

	unsetenv("FULLPROF_CLOCK");
	ck_assert_int_eq(fp__clock_init(&clk, &o), FP_OK);
	assert_keeps_pace(&clk);
}
END_TEST

START_TEST(test_fp__clock_now_monotonic_source)
{
	fp_options_t o = options(FP_TIMER_WALL);
	fp__clock_t clk;

	setenv("FULLPROF_CLOCK", "monotonic", 1);
	ck_assert_int_eq(fp__clock_init(&clk, &o), FP_OK);
	ck_assert_int_eq(clk.source, FP__CLOCK_MONOTONIC);
	assert_monotonic(&clk);
	assert_keeps_pace(&clk);
}
END_TEST

START_TEST(test_fp__clock_ns_per_unit_nanosecond_clocks)
{
	static const fp_timer_kind_t kinds[] = { FP_TIMER_CPU,
	    FP_TIMER_PROCESS, FP_TIMER_CUSTOM };
	fp__clock_t clk;
	fp_time_t t = 0;
	size_t i;

	/* Every clock but the TSC counts nanoseconds already. */
	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		fp_options_t o = options(kinds[i]);

		o.timer_fn = fp__fake_clock_fn;
		o.timer_ctx = &t;
		ck_assert_int_eq(fp__clock_init(&clk, &o), FP_OK);
		ck_assert(fp__clock_ns_per_unit(&clk) == 1.0);
	}
	setenv("FULLPROF_CLOCK", "monotonic", 1);
	{
		fp_options_t o = options(FP_TIMER_WALL);

		ck_assert_int_eq(fp__clock_init(&clk, &o), FP_OK);
		ck_assert(fp__clock_ns_per_unit(&clk) == 1.0);
	}
}
END_TEST

START_TEST(test_fp__clock_ns_per_unit_tsc)
{
	fp_options_t o = options(FP_TIMER_WALL);
	fp__clock_t clk;
	fp_time_t m0;
	double k, k2;

	unsetenv("FULLPROF_CLOCK");
	ck_assert_int_eq(fp__clock_init(&clk, &o), FP_OK);
	if (clk.source != FP__CLOCK_TSC)
		return;		/* no invariant TSC on this machine */
	/* Asked at once, it waits for a millisecond of measurement. */
	k = fp__clock_ns_per_unit(&clk);
	m0 = mono();
	ck_assert_int_ge(m0 - clk.base_ns, 1000000);
	/* Some rate between 100 MHz and 100 GHz. */
	ck_assert_msg(k > 0.01 && k < 10.0, "%g ns per tick", k);
	/* Asked again later, it agrees (loosely: the first figure rests on
	 * one millisecond, which a preemption can skew). */
	sleep_ms(20);
	k2 = fp__clock_ns_per_unit(&clk);
	ck_assert_msg(k2 > k * 0.95 && k2 < k * 1.05, "rate moved from %g to "
	    "%g", k, k2);
}
END_TEST

START_TEST(test_fp__clock_now_cpu_sleep)
{
	fp_options_t o = options(FP_TIMER_CPU);
	fp__clock_t clk;
	fp_time_t c0, c1;

	ck_assert_int_eq(fp__clock_init(&clk, &o), FP_OK);
	c0 = fp__clock_now(&clk);
	sleep_ms(50);
	c1 = fp__clock_now(&clk);
	ck_assert_int_ge(c1, c0);
	/* Sleeping costs far less than the 50ms it lasts. */
	ck_assert_msg(c1 - c0 < 5000000, "cpu clock moved %lld ns in a 50ms "
	    "sleep", (long long)(c1 - c0));
}
END_TEST

START_TEST(test_fp__clock_now_process_sleep)
{
	fp_options_t o = options(FP_TIMER_PROCESS);
	fp__clock_t clk;
	fp_time_t c0, c1;

	ck_assert_int_eq(fp__clock_init(&clk, &o), FP_OK);
	c0 = fp__clock_now(&clk);
	sleep_ms(50);
	c1 = fp__clock_now(&clk);
	ck_assert_int_ge(c1, c0);
	ck_assert_msg(c1 - c0 < 5000000, "process clock moved %lld ns in a "
	    "50ms sleep", (long long)(c1 - c0));
}
END_TEST

START_TEST(test_fp__clock_now_cpu_spin)
{
	fp_options_t o = options(FP_TIMER_CPU);
	fp__clock_t clk;
	fp_time_t c0, deadline = mono() + 5000000000LL;
	volatile unsigned long sink = 0;

	/* Spinning does advance it (bounded, in case it never does). */
	ck_assert_int_eq(fp__clock_init(&clk, &o), FP_OK);
	c0 = fp__clock_now(&clk);
	while (fp__clock_now(&clk) - c0 < 10000000 && mono() < deadline)
		sink++;
	ck_assert_int_ge(fp__clock_now(&clk) - c0, 10000000);
}
END_TEST

START_TEST(test_fp__monotonic_ns_matches)
{
	fp_time_t a, b, c;
	int i;

	for (i = 0; i < 1000; i++) {
		a = mono();
		b = fp__monotonic_ns();
		c = mono();
		ck_assert_int_le(a, b);
		ck_assert_int_le(b, c);
	}
}
END_TEST

/* Returns this thread's CLOCK_THREAD_CPUTIME_ID in nanoseconds. */
static fp_time_t
thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (fp_time_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Sets up the cpu timer in *clk; returns non-zero when it reads through
 * the perf page (the tests of that path skip themselves otherwise). */
static int
fast_cpu_clock(fp__clock_t *clk)
{
	fp_options_t o = options(FP_TIMER_CPU);

	unsetenv("FULLPROF_CLOCK");
	ck_assert_int_eq(fp__clock_init(clk, &o), FP_OK);
	if (clk->source != FP__CLOCK_THREAD_TSC) {
		fprintf(stderr, "clock: perf events are not permitted here: "
		    "the cpu timer makes a system call per read\n");
		return 0;
	}
	return 1;
}

/* Moves this thread to the next CPU it may run on, when it may run on
 * more than one; returns non-zero when it did. */
static int
migrate(void)
{
	static cpu_set_t allowed;
	static int known;
	cpu_set_t one;
	int cpu = sched_getcpu(), i, n = CPU_SETSIZE;

	if (!known) {
		if (sched_getaffinity(0, sizeof allowed, &allowed) != 0)
			return 0;
		known = 1;
	}
	if (CPU_COUNT(&allowed) < 2 || cpu < 0)
		return 0;
	for (i = 1; i <= n; i++) {
		if (CPU_ISSET((cpu + i) % n, &allowed))
			break;
	}
	CPU_ZERO(&one);
	CPU_SET((cpu + i) % n, &one);
	return sched_setaffinity(0, sizeof one, &one) == 0;
}

/* Lets this thread run on every CPU it was allowed at first again. */
static void
unpin(void)
{
	cpu_set_t all;
	int i;

	CPU_ZERO(&all);
	for (i = 0; i < CPU_SETSIZE && i < (int)sysconf(_SC_NPROCESSORS_CONF);
	    i++)
		CPU_SET(i, &all);
	sched_setaffinity(0, sizeof all, &all);
}

/* Spins for about us microseconds of this thread's CPU time, reading clk
 * all along; fails the test if it ever goes back. */
static void
spin_reading(const fp__clock_t *clk, fp_time_t us)
{
	fp_time_t end = thread_cpu() + us * 1000, prev = fp__clock_now(clk),
	    now;

	while (thread_cpu() < end) {
		int i;

		for (i = 0; i < 200; i++) {
			now = fp__clock_now(clk);
			ck_assert_msg(now >= prev, "cpu clock went back from "
			    "%lld to %lld", (long long)prev, (long long)now);
			prev = now;
		}
	}
}

/* The cpu clock moves as CLOCK_THREAD_CPUTIME_ID does, point by point
 * (bracketed by two reads of it, within a few microseconds: the kernel's
 * own figure is taken somewhere inside a system call) and over a run of
 * spinning, sleeping and moving between CPUs (within 1% and 100us). */
START_TEST(test_fp__cpuclock_now_agrees)
{
	fp__clock_t clk;
	fp_time_t c0, k0, c1, k1, x, y, z, miss, dc, dk, diff;
	int i, n = 400, near = 0, far = 0;

	if (!fast_cpu_clock(&clk))
		return;
	c0 = fp__clock_now(&clk);
	k0 = thread_cpu();
	for (i = 0; i < n; i++) {
		spin_reading(&clk, 200);
		if (i % 40 == 13)
			sleep_ms(2);
		if (i % 40 == 27)
			migrate();
		x = fp__clock_now(&clk);
		y = thread_cpu();
		z = fp__clock_now(&clk);
		miss = y < x ? x - y : y > z ? y - z : 0;
		near += miss <= 5000;
		far += miss > 20000;
	}
	c1 = fp__clock_now(&clk);
	k1 = thread_cpu();
	unpin();
	/* Typically a few hundred ns off on a loaded machine. A point may be
	 * off by more when an interrupt or the hypervisor took the CPU
	 * without switching the thread out (that time counts as running
	 * until the next base point), but not many. */
	ck_assert_msg(near >= n / 2, "only %d of %d readings of "
	    "CLOCK_THREAD_CPUTIME_ID within 5us of the cpu clock", near, n);
	ck_assert_msg(far <= n / 20, "%d of %d readings more than 20us off",
	    far, n);
	dc = c1 - c0;
	dk = k1 - k0;
	diff = dc > dk ? dc - dk : dk - dc;
	ck_assert_int_ge(dk, n * 200000LL);
	ck_assert_msg(diff <= dk / 100 + 100000, "cpu clock moved %lld ns, "
	    "CLOCK_THREAD_CPUTIME_ID %lld ns", (long long)dc, (long long)dk);
}
END_TEST

/* Millions of reads through sleeps and moves between CPUs never go back,
 * and take a base point (a system call) for few of them. */
START_TEST(test_fp__cpuclock_now_monotonic_and_cheap)
{
	fp__clock_t clk;
	fp_time_t prev, now;
	uint64_t rebases;
	int i, reads = 2000000;

	if (!fast_cpu_clock(&clk))
		return;
	prev = fp__clock_now(&clk);
	rebases = fp__cpuclock.rebases;
	for (i = 0; i < reads; i++) {
		now = fp__clock_now(&clk);
		ck_assert_msg(now >= prev, "read %d went back from %lld to "
		    "%lld", i, (long long)prev, (long long)now);
		prev = now;
		if (i % 200000 == 50000)
			sleep_ms(1);
		if (i % 200000 == 150000)
			migrate();
	}
	unpin();
	rebases = fp__cpuclock.rebases - rebases;
	/* A base point per switch-in and per 10ms at most; the system call
	 * clock would make 2,000,000. */
	ck_assert_msg(rebases < (uint64_t)reads / 50, "%llu base points in "
	    "%d reads", (unsigned long long)rebases, reads);
}
END_TEST

/* A thread's CPU-burning figures, for thread_burn. */
struct burn {
	fp_time_t clock_ns, kernel_ns;	/* what the two clocks moved */
	int used_page;
	fp__clock_t *clk;
};

/* Spins 30ms of CPU time with a few sleeps between, measuring it with the
 * cpu clock and CLOCK_THREAD_CPUTIME_ID; ctx is a struct burn. */
static void *
thread_burn(void *ctx)
{
	struct burn *b = ctx;
	fp_time_t c0 = fp__clock_now(b->clk), k0 = thread_cpu();
	int i;

	for (i = 0; i < 3; i++) {
		spin_reading(b->clk, 10000);
		sleep_ms(5);
	}
	b->clock_ns = fp__clock_now(b->clk) - c0;
	b->kernel_ns = thread_cpu() - k0;
	b->used_page = fp__cpuclock_thread_uses_page();
	return NULL;
}

/* Returns how many perf event mappings this process has. */
static int
perf_mappings(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	int n = 0;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		n += strstr(line, "perf_event") != NULL;
	fclose(f);
	return n;
}

/* Threads each read their own CPU time through a page of their own, which
 * goes when the thread ends; the main thread's figures are not theirs. */
START_TEST(test_fp__cpuclock_now_threads)
{
	enum { N = 4 };
	fp__clock_t clk;
	pthread_t th[N];
	struct burn b[N];
	fp_time_t main0, main1;
	int i, before;

	if (!fast_cpu_clock(&clk))
		return;
	fp__clock_now(&clk);
	before = perf_mappings();
	ck_assert_int_ge(before, 1);	/* this thread's own */
	main0 = fp__clock_now(&clk);
	memset(b, 0, sizeof b);
	for (i = 0; i < N; i++) {
		b[i].clk = &clk;
		ck_assert_int_eq(pthread_create(&th[i], NULL, thread_burn,
		    &b[i]), 0);
	}
	for (i = 0; i < N; i++)
		ck_assert_int_eq(pthread_join(th[i], NULL), 0);
	main1 = fp__clock_now(&clk);
	/* Joining costs this thread little CPU, whatever the others used. */
	ck_assert_msg(main1 - main0 < 20000000, "main thread's clock moved "
	    "%lld ns while others burned", (long long)(main1 - main0));
	for (i = 0; i < N; i++) {
		fp_time_t diff = b[i].clock_ns > b[i].kernel_ns ?
		    b[i].clock_ns - b[i].kernel_ns :
		    b[i].kernel_ns - b[i].clock_ns;

		ck_assert(b[i].used_page);
		ck_assert_int_ge(b[i].kernel_ns, 30000000);
		ck_assert_msg(diff <= b[i].kernel_ns / 100 + 100000, "thread "
		    "%d: cpu clock %lld ns, CLOCK_THREAD_CPUTIME_ID %lld ns", i,
		    (long long)b[i].clock_ns, (long long)b[i].kernel_ns);
	}
	ck_assert_int_eq(perf_mappings(), before);
}
END_TEST

/* A child after fork reads its own CPU time (which starts again near 0)
 * through a page of its own: the parent's is not mapped there. */
START_TEST(test_fp__cpuclock_now_after_fork)
{
	fp__clock_t clk;
	pid_t pid;
	int status;

	if (!fast_cpu_clock(&clk))
		return;
	spin_reading(&clk, 20000);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		fp_time_t c0 = fp__clock_now(&clk), k0 = thread_cpu(), c1, k1;
		fp_time_t end = k0 + 20000000;

		while (thread_cpu() < end)
			fp__clock_now(&clk);
		c1 = fp__clock_now(&clk);
		k1 = thread_cpu();
		/* exit statuses: 0 fine, 2 no page, 3 wrong figures */
		if (!fp__cpuclock_thread_uses_page())
			_exit(2);
		if (c0 > k0 + 1000000 || c1 - c0 < (k1 - k0) * 9 / 10 ||
		    c1 - c0 > (k1 - k0) * 11 / 10 + 100000)
			_exit(3);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status), "child died of signal %d",
	    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

/* Returns the suite of runtime/core/clock.c. */
Suite *
suite_clock(void)
{
	Suite *s = suite_create("clock");
	TCase *tc;

	tc = tcase_create("fp__clock_init");
	tcase_add_test(tc, test_fp__clock_init_wall);
	tcase_add_test(tc, test_fp__clock_init_wall_env_monotonic);
	tcase_add_test(tc, test_fp__clock_init_cpu);
	tcase_add_test(tc, test_fp__clock_init_process);
	tcase_add_test(tc, test_fp__clock_init_custom);
	tcase_add_test(tc, test_fp__clock_init_custom_without_fn);
	tcase_add_test(tc, test_fp__clock_init_bad_kind);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__clock_source_name");
	tcase_add_test(tc, test_fp__clock_source_name_each);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__cpuclock_now");
	tcase_add_test(tc, test_fp__cpuclock_now_agrees);
	tcase_add_test(tc, test_fp__cpuclock_now_monotonic_and_cheap);
	tcase_add_test(tc, test_fp__cpuclock_now_threads);
	tcase_add_test(tc, test_fp__cpuclock_now_after_fork);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__fake_clock_fn");
	tcase_add_test(tc, test_fp__fake_clock_fn_exact);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__clock_now");
	tcase_add_test(tc, test_fp__clock_now_wall_monotonic);
	tcase_add_test(tc, test_fp__clock_now_wall_pace);
	tcase_add_test(tc, test_fp__clock_now_monotonic_source);
	tcase_add_test(tc, test_fp__clock_now_cpu_sleep);
	tcase_add_test(tc, test_fp__clock_now_process_sleep);
	tcase_add_test(tc, test_fp__clock_now_cpu_spin);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__clock_ns_per_unit");
	tcase_add_test(tc, test_fp__clock_ns_per_unit_nanosecond_clocks);
	tcase_add_test(tc, test_fp__clock_ns_per_unit_tsc);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__monotonic_ns");
	tcase_add_test(tc, test_fp__monotonic_ns_matches);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__interval_parse");
	tcase_add_test(tc, test_fp__duration_parse_units);
	tcase_add_test(tc, test_fp__interval_parse_range);
	suite_add_tcase(s, tc);
	return s;
}
