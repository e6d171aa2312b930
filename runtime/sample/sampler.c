/*
 * sampler.c: the sampling thread of statistical mode (see sampler.h).
 *
 * The thread sleeps on a condition variable until the next deadline (so
 * that stop, pause and rate changes wake it at once), reads every Python
 * thread's stack with the stack reader, outside any lock and without the
 * GIL, then folds the stacks into the collection under the lock that
 * copies of the results also take. Deadlines are absolute: when a tick
 * comes late, the ticks it missed are counted as requested but not taken,
 * and the sample that is taken stands for the whole time since the last
 * one, so estimated totals stay right while the counts say what was lost.
 *
 * asyncio: in wall mode, a thread idle in its event loop's selector has
 * nothing of its own to show; its sample goes instead to the await chain
 * of one task of that loop that is waiting, chosen at random, so over
 * many samples the idle time is shared evenly among the waiting tasks.
 * Finding asyncio's task registry needs the GIL once; that is done by a
 * short-lived thread of its own, so the sampler never waits for the GIL.
 */
#include "config.h"

#include <Python.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/bgthread.h"
#include "core/clock.h"
#include "core/errors.h"
#include "sample/sampler.h"
#include "sample/samples.h"
#include "sample/stackread.h"
#include "python/pyinfo.h"
#include "sample/taskread.h"

#define MAX_THREADS_READ 1024	/* threads read per tick, at most */
#define CHAIN_MAX 256		/* coroutines in one await chain */

/* What the cpu timer knows of one thread: the CPU time it had when a
 * sample was last charged to it, and its /proc stat file, kept open so a
 * tick reads the thread's scheduler state with one pread. */
typedef struct cpu_seen {
	int64_t native_id;
	fp_time_t cpu;		/* ns, when it was last charged */
	uint64_t tick;		/* the tick it was last seen at */
	int stat_fd;		/* /proc/PID/task/TID/stat, or -1 */
} cpu_seen_t;

struct fp__sampler {
	pthread_t thread;
	pthread_mutex_t lock;	/* guards everything below it */
	pthread_cond_t wake;
	fp__samples_t *samples;
	fp_time_t interval;
	int paused, stopping, gone;
	int orphaned;		/* forked: the thread is not in this process */
	pid_t owner_pid;	/* the process that started the thread */
	fp_time_t active;	/* time sampled (not paused), before started */
	fp_time_t resumed;	/* monotonic, when sampling last resumed */

	/* Used by the sampler thread only. */
	int pid, cpu, asyncio, self;
	fp__stackreader_t *reader;
	fp__rthread_t *threads;
	size_t max_threads;
	cpu_seen_t *seen;
	size_t nseen;
	uint64_t ticks, rng;
	const fp__rcode_t *handle_run;	/* asyncio's Handle._run, once met */
	uint64_t *idents;		/* threads that have a name */
	size_t nidents;
	uint64_t names_applied;		/* fp__pyinfo_names_version seen */
	const fp__rcode_t *stack[FP__STACK_MAX];
};

/* Returns the next pseudo-random number (xorshift64*). */
static inline uint64_t
next_random(fp__sampler_t *s)
{
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return s->rng * 0x2545F4914F6CDD1Dull;
}

/* Returns the CPU time a thread has used in ns, or -1 when it cannot be
 * read (the thread ended). In this process the kernel's per-thread CPU
 * clock is read directly; for another process, its schedstat file. */
static fp_time_t
thread_cpu_ns(const fp__sampler_t *s, int64_t tid)
{
	if (s->self) {
		/* The clock id glibc's pthread_getcpuclockid builds from a
		 * kernel thread id: per-thread, scheduler clock. A thread
		 * that has ended gives EINVAL, never a fault. */
		clockid_t id = (clockid_t)((~(unsigned)tid << 3) | 6);
		struct timespec ts;

		if (clock_gettime(id, &ts) != 0)
			return -1;
		return (fp_time_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	} else {
		char path[64], buf[96];
		long long ns;
		ssize_t n;
		int fd;

		snprintf(path, sizeof path, "/proc/%d/task/%lld/schedstat",
		    s->pid, (long long)tid);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			return -1;
		n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n <= 0)
			return -1;
		buf[n] = '\0';
		if (sscanf(buf, "%lld", &ns) != 1)
			return -1;
		return (fp_time_t)ns;
	}
}

/* Returns the record of thread tid, made on first sight (its CPU time
 * then is the baseline), or NULL when it cannot be made. */
static cpu_seen_t *
cpu_record(fp__sampler_t *s, int64_t tid)
{
	char path[64];
	cpu_seen_t *ns, *c;
	size_t i;

	for (i = 0; i < s->nseen; i++) {
		if (s->seen[i].native_id == tid)
			return &s->seen[i];
	}
	if ((ns = realloc(s->seen, (s->nseen + 1) * sizeof *ns)) == NULL)
		return NULL;
	s->seen = ns;
	c = &s->seen[s->nseen];
	c->native_id = tid;
	c->cpu = thread_cpu_ns(s, tid);
	if (c->cpu < 0)
		return NULL;
	c->tick = s->ticks;
	snprintf(path, sizeof path, "/proc/%d/task/%lld/stat", s->pid,
	    (long long)tid);
	c->stat_fd = open(path, O_RDONLY | O_CLOEXEC);
	s->nseen++;
	return c;
}

/* Returns non-zero when the thread is on a CPU or waiting for one (state
 * R in its stat file); a thread that sleeps, waits for a lock or the GIL,
 * or waits for the disk is not. When the state cannot be read the thread
 * counts as running, so the figures fall back to its CPU clock alone. */
static int
thread_runnable(const cpu_seen_t *c)
{
	char buf[512];
	const char *close_paren;
	ssize_t n;

	if (c->stat_fd < 0)
		return 1;
	n = pread(c->stat_fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return 1;
	buf[n] = '\0';
	/* "tid (comm) S ...": comm may hold spaces and parentheses, so the
	 * state is the field after the last ')'. */
	if ((close_paren = strrchr(buf, ')')) == NULL || close_paren[1] != ' ')
		return 1;
	return close_paren[2] == 'R';
}

/* Returns the CPU time to charge to where a thread is at this tick:
 * nothing while it does not run (its stack then shows where it waits,
 * which used no CPU); when it runs, all the CPU it used since it was last
 * charged. Over the run a thread is charged exactly the CPU it used, and
 * each stack in proportion to how often the thread was found running
 * there, however its CPU time falls between ticks.
 *
 * Whether it runs: holder is the thread state holding the GIL (0 for
 * none), and a thread runs Python code exactly while it holds the GIL.
 * CPU spent with the GIL released (a C extension's loop) is charged to
 * where the thread next holds it, usually just after that call. Where
 * the GIL cannot be read (holder -1) the scheduler's state R stands in,
 * which also counts a thread waiting in the run queue: on a machine with
 * more runnable threads than CPUs, some CPU then goes to where threads
 * wake up. (Two reads of a thread's CPU clock cannot tell running from
 * waiting: some kernels bring it up to date only at scheduler events.) */
static fp_time_t
cpu_to_charge(fp__sampler_t *s, const fp__rthread_t *t, int64_t holder)
{
	cpu_seen_t *c = cpu_record(s, t->native_id);
	fp_time_t cpu, used;
	int running;

	if (c == NULL)
		return 0;
	c->tick = s->ticks;
	running = holder >= 0 ? (uint64_t)holder == t->tstate :
	    thread_runnable(c);
	if (!running || (cpu = thread_cpu_ns(s, t->native_id)) < 0)
		return 0;
	used = cpu > c->cpu ? cpu - c->cpu : 0;
	c->cpu = cpu;
	return used;
}

/* Drops the CPU records of threads not seen for 64 ticks. */
static void
forget_old_threads(fp__sampler_t *s)
{
	size_t i = 0;

	while (i < s->nseen) {
		if (s->ticks - s->seen[i].tick > 64) {
			if (s->seen[i].stat_fd >= 0)
				close(s->seen[i].stat_fd);
			s->seen[i] = s->seen[--s->nseen];
		} else {
			i++;
		}
	}
}


/* Remembers asyncio's Handle._run when a thread shows it right above
 * BaseEventLoop._run_once, to put it back between the loop and a waiting
 * task, where a running task has it. */
static void
learn_handle_run(fp__sampler_t *s, const fp__rthread_t *t)
{
	size_t i;

	if (s->handle_run != NULL)
		return;
	for (i = 1; i < t->depth; i++) {
		const fp__rcode_t *run = t->frames[i - 1];
		const fp__rcode_t *once = t->frames[i];

		if (once != NULL && once->name != NULL && run != NULL &&
		    run->name != NULL && strcmp(once->name,
		    "BaseEventLoop._run_once") == 0 &&
		    strcmp(run->name, "Handle._run") == 0) {
			s->handle_run = run;
			return;
		}
	}
}

/* Gives the collection one published thread name and remembers that the
 * thread is named (called with s->lock held). */
static void
apply_name(void *ctx, uint64_t ident, const char *name)
{
	fp__sampler_t *s = ctx;
	uint64_t *ni;
	size_t j;

	fp__samples_name_thread(s->samples, ident, name);
	for (j = 0; j < s->nidents; j++) {
		if (s->idents[j] == ident)
			return;
	}
	if ((ni = realloc(s->idents, (s->nidents + 1) * sizeof *ni)) == NULL)
		return;
	s->idents = ni;
	s->idents[s->nidents++] = ident;
}

/* In this process: hands the collection the names published since the
 * last tick, and asks for names while a thread sampled has none (a
 * thread met before threading knew it, or before threading was even
 * imported, is asked for again later; pyinfo backs off while nothing new
 * turns up). */
static void
name_threads(fp__sampler_t *s, const fp__rthread_t *threads, size_t n)
{
	uint64_t version = fp__pyinfo_names_version();
	size_t i, j;
	int wanted = 0;

	if (version != s->names_applied) {
		s->names_applied = version;
		pthread_mutex_lock(&s->lock);
		fp__pyinfo_names_each(apply_name, s);
		pthread_mutex_unlock(&s->lock);
	}
	for (i = 0; i < n && !wanted; i++) {
		if (threads[i].depth == 0)
			continue;
		for (j = 0; j < s->nidents; j++) {
			if (s->idents[j] == threads[i].ident)
				break;
		}
		wanted = j == s->nidents;
	}
	if (wanted)
		fp__pyinfo_request(1, 0);
}

/* Builds in s->stack the stack an idle event loop's sample is charged to:
 * a waiting task's await chain on top of the loop's frames (the selector
 * frame left out). Returns its depth, or 0 to keep the thread's own. */
static size_t
waiting_task_stack(fp__sampler_t *s, const fp__rthread_t *t)
{
	const fp__rcode_t *chain[CHAIN_MAX];
	fp__taskread_t *tasks;
	size_t n = 0, depth = 0, i;

	if (!s->self || !s->asyncio || t->depth < 2)
		return 0;
	if ((tasks = fp__pyinfo_tasks()) == NULL) {
		fp__pyinfo_request(0, 1);
		return 0;
	}
	if (fp__taskread_waiting_chain(tasks, s->reader, t->idle_loop,
	    next_random(s), chain, CHAIN_MAX, &n) != 0 || n == 0)
		return 0;
	if (n + t->depth >= FP__STACK_MAX)
		return 0;
	/* Innermost first: the chain reversed, Handle._run, then the loop's
	 * frames from _run_once down. */
	for (i = n; i > 0; i--)
		s->stack[depth++] = chain[i - 1];
	if (s->handle_run != NULL)
		s->stack[depth++] = s->handle_run;
	for (i = 1; i < t->depth; i++)
		s->stack[depth++] = t->frames[i];
	return depth;
}

/* Reads the stacks once and adds them as samples, each standing for
 * elapsed ns of wall time; the uncovered ns before them stand for nothing
 * (nor does elapsed when the read fails). Returns 0, or -1 when nothing
 * could be read (sets s->gone when the process has ended). */
static int
take_sample(fp__sampler_t *s, fp_time_t now, fp_time_t elapsed,
    uint64_t requested, fp_time_t uncovered)
{
	size_t n = 0, i;
	int64_t holder = -1;
	int rc;

	/* The reader's -errno, mapped at its boundary. */
	rc = fp__err_from_errno(fp__stackreader_read(s->reader, s->threads,
	    s->max_threads, &n));
	if (rc == FP_OK && s->cpu)
		holder = fp__stackreader_gil_holder(s->reader);
	if (rc == FP__ERR_NOPROCESS) {
		pthread_mutex_lock(&s->lock);
		s->gone = 1;
		pthread_mutex_unlock(&s->lock);
		return -1;
	}
	s->ticks++;
	pthread_mutex_lock(&s->lock);
	fp__samples_tick(s->samples, requested, rc == FP_OK,
	    rc == FP_OK ? uncovered : uncovered + elapsed);
	fp__samples_at(s->samples, now);
	pthread_mutex_unlock(&s->lock);
	if (rc != FP_OK)
		return -1;
	if (n == s->max_threads && s->max_threads < MAX_THREADS_READ) {
		fp__rthread_t *more = realloc(s->threads,
		    2 * s->max_threads * sizeof *more);

		if (more != NULL) {
			s->threads = more;
			s->max_threads *= 2;
		}
	}
	for (i = 0; i < n; i++) {
		const fp__rthread_t *t = &s->threads[i];
		const fp__rcode_t *const *frames = t->frames;
		size_t depth = t->depth, alt;
		fp_time_t weight = elapsed;

		if (s->self && fp__pyinfo_is_helper(t->native_id))
			continue;
		if (s->cpu) {
			weight = cpu_to_charge(s, t, holder);
			if (weight <= 0)
				continue;
		} else if (s->asyncio) {
			learn_handle_run(s, t);
			if (t->idle_loop != 0 &&
			    (alt = waiting_task_stack(s, t)) > 0) {
				frames = s->stack;
				depth = alt;
			}
		}
		pthread_mutex_lock(&s->lock);
		fp__samples_add(s->samples, t->ident, t->native_id, frames,
		    depth, weight);
		pthread_mutex_unlock(&s->lock);
	}
	if (s->cpu && (s->ticks & 63) == 0)
		forget_old_threads(s);
	if (s->self)
		name_threads(s, s->threads, n);
	return 0;
}

/* Adds ns to a timespec deadline. */
static struct timespec
deadline_of(fp_time_t t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(t / 1000000000);
	ts.tv_nsec = (long)(t % 1000000000);
	return ts;
}

/* Returns the moment to wake for the tick due at next: up to a quarter of
 * an interval either side, at random, so that sampling never falls into
 * step with a program that does something periodically. */
static fp_time_t
jittered(fp__sampler_t *s, fp_time_t next, fp_time_t interval)
{
	fp_time_t span = interval / 2;

	if (span <= 0)
		return next;
	return next - interval / 4 + (fp_time_t)(next_random(s) % (uint64_t)span);
}

/* The sampler thread. */
static void *
sampler_main(void *arg)
{
	fp__sampler_t *s = arg;
	fp_time_t next, wake, last, now, interval, elapsed, uncovered;
	uint64_t requested;

	pthread_mutex_lock(&s->lock);
	last = fp__monotonic_ns();
	next = last + s->interval;
	wake = jittered(s, next, s->interval);
	while (!s->stopping && !s->gone) {
		struct timespec dl;

		if (s->paused) {
			pthread_cond_wait(&s->wake, &s->lock);
			last = fp__monotonic_ns();
			next = last + s->interval;
			wake = jittered(s, next, s->interval);
			continue;
		}
		dl = deadline_of(wake);
		if (pthread_cond_timedwait(&s->wake, &s->lock, &dl) == 0)
			continue;	/* woken: look at the flags again */
		if (s->stopping || s->paused)
			continue;
		now = fp__monotonic_ns();
		if (now < wake)
			continue;
		/* The ticks of the nominal grid that have passed: more than
		 * one when this tick came late. */
		interval = s->interval;
		requested = now < next ? 1 :
		    1 + (uint64_t)((now - next) / interval);
		next += (fp_time_t)requested * interval;
		wake = jittered(s, next, interval);
		pthread_mutex_unlock(&s->lock);
		/* A sample stands for the time since the last one, up to a
		 * few intervals (a machine that stalled for seconds should not
		 * pin them all on one stack). */
		elapsed = now - last;
		uncovered = 0;
		if (elapsed > 8 * interval) {
			uncovered = elapsed - 8 * interval;
			elapsed = 8 * interval;
		}
		take_sample(s, now, elapsed, requested, uncovered);
		last = now;
		pthread_mutex_lock(&s->lock);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* In a forked child, marks the sampler orphaned the first time it is
 * used there: its thread stayed in the parent, and its lock and
 * condition may have been copied in any state, so they are made anew. */
static void
check_fork(fp__sampler_t *s)
{
	if (s->orphaned || getpid() == s->owner_pid)
		return;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	s->orphaned = 1;
}

/* Starts sampling on a new thread. */
int
fp__sampler_start(const fp__sampler_opts_t *o, fp__sampler_t **out)
{
	fp__sampler_t *s;
	pthread_condattr_t ca;
	pthread_attr_t attr;
	fp__meta_t meta;
	int err;

	*out = NULL;
	if (o->interval < FP__SAMPLE_MIN_NS || o->interval > FP__SAMPLE_MAX_NS)
		return FP_ERR_INVAL;
	if ((s = calloc(1, sizeof *s)) == NULL)
		return FP_ERR_NOMEM;
	memset(&meta, 0, sizeof meta);
	if (o->meta != NULL)
		meta = *o->meta;
	meta.mode = "sample";
	meta.timer = o->cpu ? "cpu" : "wall";
	meta.interval = o->interval;
	meta.pid = o->pid;
	s->pid = o->pid;
	s->self = o->pid == (int)getpid();
	s->owner_pid = getpid();

	s->cpu = o->cpu;
	s->asyncio = o->asyncio && s->self && !o->cpu;
	s->interval = o->interval;
	s->paused = o->paused;
	s->rng = (uint64_t)fp__monotonic_ns() | 1;
	s->max_threads = 64;
	s->threads = malloc(s->max_threads * sizeof *s->threads);
	s->samples = fp__samples_new(&meta);
	s->reader = fp__stackreader_new(o->pid, o->runtime_addr, &o->layout);
	if (s->threads == NULL || s->samples == NULL || s->reader == NULL ||
	    fp__samples_set_specs(s->samples, o->specs, o->nspecs) != FP_OK)
		goto nomem;
	if (o->timeline)
		fp__samples_record_timeline(s->samples);
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &ca);
	pthread_condattr_destroy(&ca);
	s->resumed = fp__monotonic_ns();
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 1024 * 1024);
	err = fp__bgthread_start(&s->thread, &attr, sampler_main, s);
	pthread_attr_destroy(&attr);
	if (err != 0) {
		pthread_cond_destroy(&s->wake);
		pthread_mutex_destroy(&s->lock);
		fp__stackreader_free(s->reader);
		fp__samples_free(s->samples);
		free(s->threads);
		free(s);
		return FP_ERR_IO;
	}
	*out = s;
	return FP_OK;
nomem:
	fp__stackreader_free(s->reader);
	fp__samples_free(s->samples);
	free(s->threads);
	free(s);
	return FP_ERR_NOMEM;
}

/* Pauses or resumes sampling. */
void
fp__sampler_pause(fp__sampler_t *s, int paused)
{
	check_fork(s);
	pthread_mutex_lock(&s->lock);
	if (paused && !s->paused)
		s->active += fp__monotonic_ns() - s->resumed;
	else if (!paused && s->paused)
		s->resumed = fp__monotonic_ns();
	s->paused = paused;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
}

/* Changes the interval from the next tick on. */
int
fp__sampler_set_interval(fp__sampler_t *s, fp_time_t interval)
{
	if (interval < FP__SAMPLE_MIN_NS || interval > FP__SAMPLE_MAX_NS)
		return FP_ERR_INVAL;
	check_fork(s);
	pthread_mutex_lock(&s->lock);
	s->interval = interval;
	fp__samples_set_interval(s->samples, interval);
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	return FP_OK;
}

/* Replaces the function specs. */
int
fp__sampler_set_specs(fp__sampler_t *s, const char *const *specs,
    size_t count)
{
	int rc;

	check_fork(s);
	pthread_mutex_lock(&s->lock);
	rc = fp__samples_set_specs(s->samples, specs, count);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

/* Names a thread for the outputs. */
int
fp__sampler_name_thread(fp__sampler_t *s, uint64_t ident, const char *name)
{
	int rc;

	check_fork(s);
	pthread_mutex_lock(&s->lock);
	rc = fp__samples_name_thread(s->samples, ident, name);
	pthread_mutex_unlock(&s->lock);
	return rc;
}

/* Forgets the samples so far. */
void
fp__sampler_clear(fp__sampler_t *s)
{
	check_fork(s);
	pthread_mutex_lock(&s->lock);
	fp__samples_clear(s->samples);
	s->active = 0;
	s->resumed = fp__monotonic_ns();
	pthread_mutex_unlock(&s->lock);
}

/* Returns non-zero once the target process has gone. */
int
fp__sampler_target_gone(fp__sampler_t *s)
{
	int gone;

	check_fork(s);
	pthread_mutex_lock(&s->lock);
	gone = s->gone;
	pthread_mutex_unlock(&s->lock);
	return gone;
}

/* Returns the time sampled so far (paused time left out). */
static fp_time_t
sampled_time(const fp__sampler_t *s)
{
	return s->active + (s->paused ? 0 : fp__monotonic_ns() - s->resumed);
}

/* Returns a copy of the results so far. */
fp__pdata_t *
fp__sampler_pdata(fp__sampler_t *s)
{
	fp__pdata_t *d;

	check_fork(s);
	pthread_mutex_lock(&s->lock);
	d = fp__samples_pdata(s->samples, sampled_time(s));
	pthread_mutex_unlock(&s->lock);
	return d;
}

/* Returns non-zero in a forked child whose sampler thread stayed in the
 * parent: only fp__sampler_pdata and fp__sampler_free still work. */
int
fp__sampler_orphaned(fp__sampler_t *s)
{
	check_fork(s);
	return s->orphaned;
}

/* Stops the thread and frees everything. */
void
fp__sampler_free(fp__sampler_t *s)
{
	if (s == NULL)
		return;
	check_fork(s);
	pthread_mutex_lock(&s->lock);
	s->stopping = 1;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	if (!s->orphaned)
		pthread_join(s->thread, NULL);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	fp__stackreader_free(s->reader);
	fp__samples_free(s->samples);
	free(s->threads);
	while (s->nseen > 0) {
		if (s->seen[--s->nseen].stat_fd >= 0)
			close(s->seen[s->nseen].stat_fd);
	}
	free(s->seen);
	free(s->idents);
	free(s);
}
