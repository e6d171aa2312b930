/*
 * clock_cost.c: what one read of each clock fullprof can measure with
 * costs on this machine (it reads two per profiled call): rdtsc, ordered
 * rdtsc (lfence; rdtsc and rdtscp), clock_gettime with the monotonic,
 * thread CPU and process CPU clocks, and the clocks of fullprof's wall and
 * cpu timers as the tracer reads them (fp__clock_now, from
 * runtime/core/clock.c, built in). For the cpu timer it also measures its
 * two slow paths: a base point, taken at the first read after the thread
 * was switched in (a clock_gettime bracketed by rdtsc), and a thread's
 * first read, which opens and maps the thread's perf event. Build and
 * run: make bench-clock.
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>

#include "core/clock.h"

#define READS 5000000
#define THREADS 200

/* Returns CLOCK_MONOTONIC in seconds. */
static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Prints the average cost of one clock_gettime read of clock id. */
static void
posix_clock(const char *name, clockid_t id, int reads)
{
	struct timespec t;
	uint64_t sink = 0;
	double start = now();
	int i;

	for (i = 0; i < reads; i++) {
		clock_gettime(id, &t);
		sink += (uint64_t)t.tv_nsec;
	}
	printf("%-32s %7.1f ns a read%s\n", name, (now() - start) / reads * 1e9,
	    sink == 1 ? " " : "");
}

/* Prints the average cost of fp__clock_now on a clock set up for a timer
 * kind, and returns the clock through *out. */
static void
fullprof_clock(const char *name, fp_timer_kind_t kind, fp__clock_t *out)
{
	fp_options_t o;
	fp_time_t sink = 0;
	uint64_t rebases;
	double start;
	int i;

	memset(&o, 0, sizeof o);
	o.timer = kind;
	if (fp__clock_init(out, &o) != FP_OK) {
		printf("%-32s cannot be set up\n", name);
		return;
	}
	fp__clock_now(out);
	rebases = fp__cpuclock.rebases;
	start = now();
	for (i = 0; i < READS; i++)
		sink += fp__clock_now(out);
	printf("%-32s %7.1f ns a read (%s", name,
	    (now() - start) / READS * 1e9, fp__clock_source_name(out));
	if (out->source == FP__CLOCK_THREAD_TSC)
		printf("; %llu base points in %d reads",
		    (unsigned long long)(fp__cpuclock.rebases - rebases), READS);
	printf(")%s\n", sink == 1 ? " " : "");
}

/* A thread that reads ctx's clock once (its first read), or not at all
 * when ctx is NULL. */
static void *
first_read(void *ctx)
{
	if (ctx != NULL)
		fp__clock_now(ctx);
	return NULL;
}

/* Returns the seconds it takes to start and join THREADS threads that each
 * read clk once (or not at all when clk is NULL). */
static double
threads_time(fp__clock_t *clk)
{
	pthread_t t;
	double start = now();
	int i;

	for (i = 0; i < THREADS; i++) {
		if (pthread_create(&t, NULL, first_read, clk) != 0)
			return 0;
		pthread_join(t, NULL);
	}
	return now() - start;
}

/* Measures each clock and prints one line per clock. */
int
main(void)
{
	fp__clock_t wall, cpu;
	uint64_t sink = 0;
	unsigned aux;
	double start, with, without;
	int i;

	start = now();
	for (i = 0; i < READS; i++)
		sink += __rdtsc();
	printf("%-32s %7.1f ns a read\n", "rdtsc", (now() - start) / READS * 1e9);
	start = now();
	for (i = 0; i < READS; i++) {
		_mm_lfence();
		sink += __rdtsc();
	}
	printf("%-32s %7.1f ns a read\n", "lfence; rdtsc",
	    (now() - start) / READS * 1e9);
	start = now();
	for (i = 0; i < READS; i++)
		sink += __rdtscp(&aux);
	printf("%-32s %7.1f ns a read%s\n", "rdtscp", (now() - start) / READS * 1e9,
	    sink == 1 ? " " : "");
	posix_clock("clock_gettime(MONOTONIC)", CLOCK_MONOTONIC, READS);
	posix_clock("clock_gettime(THREAD_CPUTIME)", CLOCK_THREAD_CPUTIME_ID,
	    READS / 20);
	posix_clock("clock_gettime(PROCESS_CPUTIME)", CLOCK_PROCESS_CPUTIME_ID,
	    READS / 20);
	fullprof_clock("fullprof --timer=wall", FP_TIMER_WALL, &wall);
	fullprof_clock("fullprof --timer=cpu", FP_TIMER_CPU, &cpu);
	if (cpu.source != FP__CLOCK_THREAD_TSC)
		return 0;
	start = now();
	for (i = 0; i < READS / 20; i++)
		sink += (uint64_t)fp__cpuclock_rebase();
	printf("%-32s %7.1f ns (after each switch-in)\n", "  cpu: a base point",
	    (now() - start) / (READS / 20) * 1e9);
	without = threads_time(NULL);
	with = threads_time(&cpu);
	printf("%-32s %7.1f us (opens and maps its perf event)%s\n",
	    "  cpu: a thread's first read", (with - without) / THREADS * 1e6,
	    sink == 1 ? " " : "");
	return 0;
}
