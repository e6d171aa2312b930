/*
 * clock.c: timer set-up, TSC calibration, the non-TSC clock reads, and the
 * cpu timer's per-thread clock that makes a system call only after the
 * thread has been switched out.
 *
 * How the per-thread CPU clock knows of a switch. A perf_event
 * task-clock event opened on the thread itself (pid 0, any CPU) has a
 * first page, struct perf_event_mmap_page, that the kernel rewrites under
 * a sequence count each time it schedules the event in, which for a
 * per-thread event is each time the thread is scheduled in: the task-clock
 * PMU's add() calls perf_event_update_userpage(). That page also carries
 * the event's running time, and with cap_user_time the rdtsc scaling to
 * extrapolate it, which is what the kernel's perf_event.h comments
 * describe; but cap_user_time is set only where sched_clock is the native
 * TSC, which it is not on many virtual machines (under KVM's kvm-clock the
 * page says cap_user_time 0 and time_mult 0), and the task clock is not
 * quite CLOCK_THREAD_CPUTIME_ID anyway. So the page serves as the notice
 * only: at the first read after the sequence moves, the thread asks the
 * kernel for CLOCK_THREAD_CPUTIME_ID, bracketed by two rdtsc reads, and
 * until the sequence moves again each read is that figure plus the
 * counter's progress since, scaled by a rate measured against
 * CLOCK_MONOTONIC_RAW (which, like the scheduler's clock, is not slewed).
 * A thread that has not been scheduled in again has been running all
 * along, so that sum is its CPU time. The process checks once, by
 * sleeping, that the sequence does move when a thread is switched in,
 * and uses the system call everywhere otherwise.
 *
 * Some care: the page is read-only and one per thread; its file is closed
 * at once (the mapping keeps the event), so threads cost no descriptors.
 * The mapping is not inherited across fork (the kernel maps it
 * VM_DONTCOPY), so the child forgets it. Each base point is also renewed
 * after at most 10 ms of extrapolation, and reads never go back: a base
 * point behind the last value returned holds the clock still until the
 * kernel's figure catches up.
 */
#include "config.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

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

__thread fp__cpuclock_t fp__cpuclock
    __attribute__((tls_model("initial-exec")));

/* The longest a base point is extrapolated, and the share of the rate's
 * measuring window it may cover (so the rate's error, the jitter of one
 * reading over the window, costs at most a tenth of that jitter). */
#define CPUCLOCK_SPAN_NS	10000000ll	/* 10ms */
#define CPUCLOCK_SPAN_SHARE	10

/* The most ticks a pair of readings of two clocks may be apart to be taken
 * as simultaneous (about 1us at 2 GHz). */
#define PAIR_TICKS		2000

static pthread_once_t cpuclock_once = PTHREAD_ONCE_INIT;
static pthread_key_t cpuclock_key;
static int cpuclock_usable;	/* set once, by cpuclock_setup */
/* The reference point the counter's rate is measured from. */
static uint64_t rate_base_tsc;
static fp_time_t rate_base_ns;

/* Reads the counter and CLOCK_MONOTONIC_RAW as one pair, retrying a few
 * times when something came between them; returns 0, or -1 when they never
 * came close enough. */
static int
read_pair(uint64_t *tsc, fp_time_t *ns)
{
	uint64_t t0, t1;
	fp_time_t v;
	int i;

	for (i = 0; i < 5; i++) {
		t0 = __builtin_ia32_rdtsc();
		v = read_posix(CLOCK_MONOTONIC_RAW);
		t1 = __builtin_ia32_rdtsc();
		if (t1 - t0 <= PAIR_TICKS) {
			*tsc = t0 + (t1 - t0) / 2;
			*ns = v;
			return 0;
		}
	}
	return -1;
}

/* Opens a task-clock event on this thread and maps its first page; returns
 * the page, or NULL when perf events are refused here (perf_event_paranoid,
 * seccomp, a container: EACCES, EPERM, ENOSYS) or the page cannot be
 * mapped (the locked-memory limit of perf pages). */
static struct perf_event_mmap_page *
open_page(void)
{
	struct perf_event_attr attr;
	void *page;
	long fd;

	memset(&attr, 0, sizeof attr);
	attr.size = sizeof attr;
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_TASK_CLOCK;
	/* Its count is never read; leaving the kernel out lets an
	 * unprivileged process open it at perf_event_paranoid 2. */
	attr.exclude_kernel = 1;
	attr.exclude_hv = 1;
	fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1,
	    PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		return NULL;
	page = mmap(NULL, (size_t)sysconf(_SC_PAGESIZE), PROT_READ,
	    MAP_SHARED, (int)fd, 0);
	close((int)fd);
	return page == MAP_FAILED ? NULL : page;
}

/* Unmaps this thread's page and leaves the thread on the system call; the
 * thread-exit destructor of the key, with ctx this thread's state. */
static void
thread_close(void *ctx)
{
	fp__cpuclock_t *c = ctx;

	if (c->page != NULL)
		munmap(c->page, (size_t)sysconf(_SC_PAGESIZE));
	c->page = NULL;
	c->lock = NULL;
	c->state = -1;
}

/* Makes page this thread's, so its next read takes a base point. */
static void
thread_adopt(fp__cpuclock_t *c, struct perf_event_mmap_page *page)
{
	c->page = page;
	c->lock = (const volatile uint32_t *)&page->lock;
	c->seq = *c->lock ^ 1;		/* never matches: rebase first */
	c->state = 1;
	pthread_setspecific(cpuclock_key, c);
}

/* In a child after fork: the page was not inherited and the thread's CPU
 * time starts again from zero, so the state starts afresh. */
static void
cpuclock_after_fork(void)
{
	memset(&fp__cpuclock, 0, sizeof fp__cpuclock);
}

/* Decides once per process whether threads read their CPU clock through a
 * perf page: the counter must be invariant, a page must open, and its
 * sequence must move when this thread sleeps and is scheduled in again.
 * The page opened for the check becomes this thread's. */
static void
cpuclock_setup(void)
{
	struct perf_event_mmap_page *page;
	struct timespec nap = { 0, 50000 };
	fp__cpuclock_t *c = &fp__cpuclock;
	uint32_t seq;
	int i;

	if (pthread_key_create(&cpuclock_key, thread_close) != 0 ||
	    pthread_atfork(NULL, NULL, cpuclock_after_fork) != 0 ||
	    !tsc_is_invariant() || read_pair(&rate_base_tsc, &rate_base_ns) != 0)
		return;
	if ((page = open_page()) == NULL)
		return;
	seq = *(const volatile uint32_t *)&page->lock;
	for (i = 0; i < 5 && *(const volatile uint32_t *)&page->lock == seq;
	    i++)
		nanosleep(&nap, NULL);
	if (*(const volatile uint32_t *)&page->lock == seq) {
		munmap(page, (size_t)sysconf(_SC_PAGESIZE));
		return;
	}
	cpuclock_usable = 1;
	if (c->state == 0)
		thread_adopt(c, page);
	else
		munmap(page, (size_t)sysconf(_SC_PAGESIZE));
}

/* Returns non-zero when threads read their CPU clock through a perf page
 * in this process (deciding it at the first call). */
static int
cpuclock_available(void)
{
	pthread_once(&cpuclock_once, cpuclock_setup);
	return cpuclock_usable;
}

/* Sets the counter's rate (mult) and how far a base point may be
 * extrapolated (span) from the rate's reference point to now. */
static void
measure_rate(fp__cpuclock_t *c)
{
	uint64_t tsc;
	fp_time_t ns, span_ns;
	double k;

	if (read_pair(&tsc, &ns) != 0 || tsc <= rate_base_tsc ||
	    ns <= rate_base_ns)
		return;		/* keep the last rate (or none: span 0) */
	k = (double)(ns - rate_base_ns) / (double)(tsc - rate_base_tsc);
	span_ns = (ns - rate_base_ns) / CPUCLOCK_SPAN_SHARE;
	if (span_ns > CPUCLOCK_SPAN_NS)
		span_ns = CPUCLOCK_SPAN_NS;
	c->mult = (uint64_t)(k * 4294967296.0);
	c->span = (uint64_t)((double)span_ns / k);
}

/* Takes a new base point for this thread's CPU clock; returns its CPU
 * time in ns. */
fp_time_t
fp__cpuclock_rebase(void)
{
	fp__cpuclock_t *c = &fp__cpuclock;
	uint64_t t0, t1, best = UINT64_MAX;
	fp_time_t ns = 0;
	uint32_t seq;
	int i;

	if (c->state == 0) {
		/* The process-wide check may adopt its page for this thread. */
		if (cpuclock_available() && c->state == 0) {
			struct perf_event_mmap_page *page = open_page();

			if (page != NULL)
				thread_adopt(c, page);
		}
		if (c->state == 0)
			c->state = -1;
	}
	if (c->lock == NULL)
		return read_posix(CLOCK_THREAD_CPUTIME_ID);
	c->rebases++;
	/* The kernel reads the clock somewhere between t0 and t1: take the
	 * middle, from the closest of three tries when the first is slow
	 * (an interrupt or the hypervisor came in between). */
	for (i = 0; i < 3; i++) {
		seq = *c->lock;
		__asm__ __volatile__("" ::: "memory");
		t0 = __builtin_ia32_rdtsc();
		ns = read_posix(CLOCK_THREAD_CPUTIME_ID);
		t1 = __builtin_ia32_rdtsc();
		__asm__ __volatile__("" ::: "memory");
		if ((seq & 1) != 0 || *c->lock != seq)
			continue;	/* switched in meanwhile */
		if (t1 - t0 < best || seq != c->seq) {
			best = t1 - t0;
			c->seq = seq;
			c->base_ns = ns;
			c->base_tsc = t0 + (t1 - t0) / 2;
		}
		if (best <= 2 * c->min_ticks + PAIR_TICKS / 4)
			break;
	}
	if (best == UINT64_MAX) {
		/* Switched in at every try: no base point this time. */
		c->seq = *c->lock ^ 1;
		if (ns < c->last)
			ns = c->last;
		return c->last = ns;
	}
	if (c->min_ticks == 0 || best < c->min_ticks)
		c->min_ticks = best;
	measure_rate(c);
	ns = c->base_ns;
	if (ns < c->last)
		ns = c->last;
	return c->last = ns;
}

/* Returns non-zero when this thread's CPU clock reads through its page. */
int
fp__cpuclock_thread_uses_page(void)
{
	return fp__cpuclock.lock != NULL;
}

/* Returns what *clock reads, for people. */
const char *
fp__clock_source_name(const fp__clock_t *clock)
{
	switch (clock->source) {
	case FP__CLOCK_TSC:
		return "tsc";
	case FP__CLOCK_MONOTONIC:
		return "monotonic";
	case FP__CLOCK_THREAD_CPU:
		return "thread-cputime";
	case FP__CLOCK_THREAD_TSC:
		return "perf-task-clock+tsc";
	case FP__CLOCK_PROCESS_CPU:
		return "process-cputime";
	case FP__CLOCK_CALLBACK:
		break;
	}
	return "callback";
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
 * FP_ERR_INVAL. FULLPROF_CLOCK=monotonic turns the TSC off, for the wall
 * and the cpu timer. */
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
		if ((env == NULL || strcmp(env, "monotonic") != 0) &&
		    cpuclock_available())
			clock->source = FP__CLOCK_THREAD_TSC;
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
	case FP__CLOCK_THREAD_TSC:
		return fp__cpuclock_now();
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
