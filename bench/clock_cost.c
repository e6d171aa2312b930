/*
 * clock_cost.c: what one read of each clock fullprof can measure with
 * costs on this machine (it reads two per profiled call): rdtsc, ordered
 * rdtsc (lfence; rdtsc and rdtscp), and clock_gettime with the monotonic,
 * thread CPU and process CPU clocks. Build and run: make bench-clock.
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <x86intrin.h>

#define READS 5000000

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

/* Measures each clock and prints one line per clock. */
int
main(void)
{
	uint64_t sink = 0;
	unsigned aux;
	double start;
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
	return 0;
}
