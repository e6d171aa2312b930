/*
 * stack.c: the main thread's stack. Under a frame-evaluation hook CPython
 * evaluates every Python call in a C call of its own (python3 alone runs
 * Python-to-Python calls in constant C stack), about 500 bytes a level,
 * so deep recursion needs a deep C stack; the program must also run on
 * the process's first thread, as under python3 (threading.get_native_id()
 * == os.getpid()). Linux lets the first thread's stack grow up to the
 * soft RLIMIT_STACK, but places the shared libraries and the heap below
 * the stack at exec time by the limit of that moment: raising the limit
 * later grows nothing past them. So fullprof raises the soft limit to
 * STACK_BYTES (or to the hard limit, if lower) and executes itself again,
 * once, before Python starts. Only the address range is reserved; pages
 * are used as the program goes deep.
 *
 * What the program could see of it is undone in the second start: the
 * marker variable leaves the environment before Python copies it, and
 * glibc's default stack size for new threads, which it takes from the
 * soft limit at start-up, is set back to the one the original limit gives,
 * so the program's threads get the stacks they get under python3. The
 * raised soft limit itself stays (the first thread's stack cannot grow
 * past it): resource.getrlimit(RLIMIT_STACK) shows it, and processes the
 * program starts inherit it.
 *
 * Under valgrind fullprof does not execute itself again (valgrind would
 * run the second start outside itself); the first thread has the stack
 * valgrind's --main-stacksize gives it, 8 MiB by default.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif

#include "stack.h"

/* The main thread's stack: room for about a million nested Python calls
 * under the frame hook. */
#define STACK_BYTES ((rlim_t)512 * 1024 * 1024)

/* Makes value the default stack size of new threads, as glibc derives it
 * from a soft RLIMIT_STACK of value at start-up. */
static void
restore_thread_stack_default(rlim_t value)
{
	pthread_attr_t attr;
	long page = sysconf(_SC_PAGESIZE);
	size_t size;

	if (page <= 0)
		return;
	size = value < (rlim_t)PTHREAD_STACK_MIN ? (size_t)PTHREAD_STACK_MIN :
	    (size_t)value;
	size = (size + (size_t)page - 1) / (size_t)page * (size_t)page;
	if (pthread_getattr_default_np(&attr) != 0)
		return;
	if (pthread_attr_setstacksize(&attr, size) == 0)
		pthread_setattr_default_np(&attr);
	pthread_attr_destroy(&attr);
}

/* Parses the soft limit the marker carries (a number of bytes); returns
 * 0 or -1. */
static int
parse_limit(const char *s, rlim_t *value)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0)
		return -1;
	*value = (rlim_t)v;
	return 0;
}

/* Raises the stack limit and executes fullprof again (see stack.h). */
void
fp_stack_prepare(char **argv)
{
	const char *marker = getenv(FP_STACK_ENV);
	char exe[PATH_MAX], limit[32];
	struct rlimit rl;
	rlim_t original, want = STACK_BYTES;
	ssize_t n;

	if (marker != NULL) {
		/* The second start. */
		if (parse_limit(marker, &original) == 0)
			restore_thread_stack_default(original);
		unsetenv(FP_STACK_ENV);
		return;
	}
	if (getrlimit(RLIMIT_STACK, &rl) != 0 ||
	    rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want)
		return;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want)
		want = rl.rlim_max;
	if (want <= rl.rlim_cur)
		return;
#ifdef RUNNING_ON_VALGRIND
	/* valgrind would run the second start natively, and has reserved
	 * the first thread's stack by its --main-stacksize already: only the
	 * limit is raised, which is where glibc (and so the tracer's guard)
	 * reads the first thread's stack size from. */
	if (RUNNING_ON_VALGRIND) {
		rl.rlim_cur = want;
		setrlimit(RLIMIT_STACK, &rl);
		return;
	}
#endif
	/* The real path: /proc/self/exe itself would name valgrind's tool
	 * under valgrind, which gives the client's path to readlink. */
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	original = rl.rlim_cur;
	snprintf(limit, sizeof limit, "%llu", (unsigned long long)original);
	rl.rlim_cur = want;
	if (setrlimit(RLIMIT_STACK, &rl) != 0)
		return;
	if (setenv(FP_STACK_ENV, limit, 1) == 0)
		execv(exe, argv);
	/* Not executed again: run as we are, with the limit we were given. */
	unsetenv(FP_STACK_ENV);
	rl.rlim_cur = original;
	setrlimit(RLIMIT_STACK, &rl);
}
