/*
 * stackread.c: checks of the GIL-free stack reader (runtime/sample/memread.c,
 * pylayout.c, stackread.c and taskread.c) against this process.
 *
 * Memory reads are checked on mappings the test makes and unmaps. The
 * stack tests start Python (each test runs in a child process of its own,
 * Check's default), start Python threads parked at known places, release
 * the GIL and read every thread's stack from this thread, as the sampler
 * does. Fake interpreter structures built in C buffers check that
 * garbage, cycles and a reused code-object address are handled.
 */
#include "config.h"

#include <Python.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "suites.h"
#include "core/errors.h"
#include "fullprof.h"
#include "fixture-python.h"
#include "sample/linetable.h"
#include "sample/memread.h"
#include "sample/pylayout-debug.h"
#include "sample/pylayout.h"
#include "sample/stackread.h"
#include "sample/taskread.h"

#define MAXT 64

static fp__pylayout_t layout;
static fp__stackreader_t *reader;
static fp__rthread_t *threads;	/* MAXT threads */
static PyThreadState *saved;	/* the GIL, while released */

/* ------------------------------------------------------------ memread */

/* A read of our own memory returns its bytes. */
START_TEST(test_fp__mem_read_self)
{
	fp__mem_t m;
	char src[64], dst[64];

	memset(src, 'x', sizeof src);
	memset(dst, 0, sizeof dst);
	fp__mem_init(&m, getpid());
	ck_assert_int_eq(fp__mem_read(&m, (uint64_t)(uintptr_t)src, dst,
	    sizeof dst), 0);
	ck_assert_mem_eq(src, dst, sizeof src);
	ck_assert_uint_eq(m.reads, 1);
	ck_assert_uint_eq(m.failures, 0);
}
END_TEST

/* Unmapped memory, a read running off the end of a mapping and NULL
 * give -EFAULT, without a fault. */
START_TEST(test_fp__mem_read_unmapped)
{
	long page = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char dst[64];
	fp__mem_t m;

	ck_assert_ptr_ne(p, MAP_FAILED);
	ck_assert_int_eq(munmap(p + page, page), 0);
	fp__mem_init(&m, getpid());
	ck_assert_int_eq(fp__mem_read(&m, (uint64_t)(uintptr_t)(p + page),
	    dst, 8), -EFAULT);
	ck_assert_int_eq(fp__mem_read(&m, (uint64_t)(uintptr_t)(p + page - 8),
	    dst, 16), -EFAULT);
	ck_assert_int_eq(fp__mem_read(&m, (uint64_t)(uintptr_t)(p + page - 8),
	    dst, 8), 0);
	ck_assert_int_eq(fp__mem_read(&m, 0, dst, 8), -EFAULT);
	ck_assert_uint_eq(m.failures, 3);
	munmap(p, page);
}
END_TEST

/* A process that has gone gives -ESRCH. */
START_TEST(test_fp__mem_read_gone)
{
	char dst[8];
	fp__mem_t m;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	fp__mem_init(&m, pid);
	ck_assert_int_eq(fp__mem_read(&m, (uint64_t)(uintptr_t)dst, dst, 8),
	    -ESRCH);
}
END_TEST

/* Every errno value the frame reader returns maps into an FP_ERR_* code
 * of its own range, with a sentence, and back to the same errno (or the
 * first of those mapped together); a process that is gone is
 * FP__ERR_NOPROCESS. */
START_TEST(test_fp__err_from_errno)
{
	static const struct { int rc, code, back; } map[] = {
		{ 0, FP_OK, 0 },
		{ -ESRCH, FP__ERR_NOPROCESS, ESRCH },
		{ -EPERM, FP__ERR_PERMISSION, EPERM },
		{ -EACCES, FP__ERR_PERMISSION, EPERM },
		{ -EFAULT, FP__ERR_FAULT, EFAULT },
		{ -ENOEXEC, FP__ERR_NOTPYTHON, ENOEXEC },
		{ -ENOTSUP, FP__ERR_UNSUPPORTED, ENOTSUP },
		{ -EPROTO, FP__ERR_UNSUPPORTED, ENOTSUP },
		{ -ENOENT, FP__ERR_NOTFOUND, ENOENT },
		{ -ENOMEM, FP_ERR_NOMEM, ENOMEM },
		{ -EINVAL, FP_ERR_INVAL, EINVAL },
		{ -EIO, FP_ERR_IO, EIO },
		{ -ESTALE, FP_ERR_IO, EIO },
	};
	static const int general[] = {
#define FP_TEST_CODE(name, value, text) value,
		FP_ERRNO_MAP(FP_TEST_CODE)
	}, reading[] = {
		FP__ERRNO_MAP_READER(FP_TEST_CODE)
#undef FP_TEST_CODE
	};
	char dst[8];
	fp__mem_t m;
	size_t i;
	pid_t pid;

	for (i = 0; i < sizeof map / sizeof map[0]; i++) {
		int code = fp__err_from_errno(map[i].rc);

		ck_assert_int_eq(code, map[i].code);
		ck_assert_int_eq(fp__errno_of(code), map[i].back);
		ck_assert_str_ne(fp_strerror(code), "unknown error");
	}
	/* the reader's own codes overlap none of FP_ERRNO_MAP's */
	for (i = 0; i < sizeof reading / sizeof reading[0]; i++) {
		size_t j;

		for (j = 0; j < sizeof general / sizeof general[0]; j++)
			ck_assert_int_ne(reading[i], general[j]);
	}
	ck_assert_str_eq(fp_strerror(FP__ERR_NOPROCESS), "no such process");
	ck_assert_str_eq(fp_strerror(FP__ERR_NOTPYTHON), "not a Python process");
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	fp__mem_init(&m, pid);
	ck_assert_int_eq(fp__err_from_errno(fp__mem_read(&m,
	    (uint64_t)(uintptr_t)dst, dst, 8)), FP__ERR_NOPROCESS);
}
END_TEST

/* A batch stops at its first unreadable request and says where. */
START_TEST(test_fp__mem_readv)
{
	long page = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, page, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char a[8] = "abcdefg", b[8] = "hijklmn", c[8], d[8], e[8];
	fp__mem_iov_t v[3] = {
		{ (uint64_t)(uintptr_t)a, c, 8 },
		{ (uint64_t)(uintptr_t)b, d, 8 },
		{ 0, e, 8 },
	};
	fp__mem_t m;

	ck_assert_ptr_ne(p, MAP_FAILED);
	ck_assert_int_eq(munmap(p, page), 0);
	fp__mem_init(&m, getpid());
	ck_assert_int_eq(fp__mem_readv(&m, v, 2), 2);
	ck_assert_str_eq(c, "abcdefg");
	ck_assert_str_eq(d, "hijklmn");
	v[1].addr = (uint64_t)(uintptr_t)p;
	v[2].addr = (uint64_t)(uintptr_t)a;
	ck_assert_int_eq(fp__mem_readv(&m, v, 3), 1);
	ck_assert_int_eq(fp__mem_readv(&m, v + 2, 1), 1);
	ck_assert_str_eq(e, "abcdefg");
}
END_TEST

/* ------------------------------------------------------------ fixture */

/* Starts Python and a reader of this process. */
static void
python_up(void)
{
	fixture_python_init();
	fp__pylayout_native(&layout);
	reader = fp__stackreader_new(getpid(), fp__pylayout_native_runtime(),
	    &layout);
	ck_assert_ptr_nonnull(reader);
	threads = calloc(MAXT, sizeof *threads);
	ck_assert_ptr_nonnull(threads);
	saved = NULL;
}

/* Frees the reader and finalises Python. */
static void
python_down(void)
{
	if (saved != NULL)
		PyEval_RestoreThread(saved);
	saved = NULL;
	fp__stackreader_free(reader);
	reader = NULL;
	free(threads);
	threads = NULL;
	ck_assert_int_eq(Py_FinalizeEx(), 0);
}

/* Runs Python source in __main__; the test fails if it raises. */
static void
run(const char *code)
{
	ck_assert_msg(PyRun_SimpleString(code) == 0,
	    "Python code raised (traceback above):\n%s", code);
}

/* Returns the integer value of a Python expression in __main__. */
static long long
eval_ll(const char *expr)
{
	PyObject *main = PyImport_AddModule("__main__");
	PyObject *g = PyModule_GetDict(main);
	PyObject *v = PyRun_String(expr, Py_eval_input, g, g);
	long long x;

	ck_assert_msg(v != NULL, "cannot evaluate %s", expr);
	x = PyLong_AsLongLong(v);
	Py_DECREF(v);
	return x;
}

/* Releases (1) or takes back (0) the GIL. */
static void
gil_release(int release)
{
	if (release)
		saved = PyEval_SaveThread();
	else {
		PyEval_RestoreThread(saved);
		saved = NULL;
	}
}

/* Returns the thread read with ident, or NULL. */
static const fp__rthread_t *
thread_of(size_t n, uint64_t ident)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (threads[i].ident == ident)
			return &threads[i];
	}
	return NULL;
}

/* Returns non-zero when t is parked in stop.wait(): Condition.wait
 * called by Event.wait. */
static int
parked(const fp__rthread_t *t)
{
	return t != NULL && t->depth >= 2 &&
	    strcmp(t->frames[0]->name, "Condition.wait") == 0 &&
	    strcmp(t->frames[1]->name, "Event.wait") == 0;
}

/* Returns the index of the first frame of t named name, or -1. */
static int
frame_index(const fp__rthread_t *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->depth; i++) {
		if (strcmp(t->frames[i]->name, name) == 0)
			return (int)i;
	}
	return -1;
}

/* The test module: level1('wait') waits three calls deep in
 * stop.wait(), level1('spin') spins there, Deep().down(n) waits n calls
 * deep; each thread notes its idents. Line numbers matter below. */
static const char test_module[] =
    "import threading, time\n"			/* 1 */
    "ready = threading.Barrier(3)\n"		/* 2 */
    "stop = threading.Event()\n"		/* 3 */
    "flag = [False]\n"				/* 4 */
    "ids = {}\n"				/* 5 */
    "def level1(kind):\n"			/* 6 */
    "    level2(kind)\n"			/* 7 */
    "def level2(kind):\n"			/* 8 */
    "    level3(kind)\n"			/* 9 */
    "def level3(kind):\n"			/* 10 */
    "    ids[kind] = (threading.get_ident(), threading.get_native_id())\n"
    "    ready.wait()\n"			/* 12 */
    "    if kind == 'wait':\n"			/* 13 */
    "        stop.wait()\n"			/* 14 */
    "    else:\n"				/* 15 */
    "        spin()\n"				/* 16 */
    "def spin():\n"				/* 17 */
    "    while not flag[0]:\n"			/* 18 */
    "        pass\n"				/* 19 */
    "class Deep:\n"				/* 20 */
    "    def down(self, n):\n"			/* 21 */
    "        if n > 1:\n"			/* 22 */
    "            return self.down(n - 1)\n"	/* 23 */
    "        ids['deep'] = (threading.get_ident(), threading.get_native_id())\n"
    "        ready.wait()\n"			/* 25 */
    "        stop.wait()\n";			/* 26 */

/* Loads the test module as sr_mod (file /virtual/sr_mod.py). */
static void
load_module(void)
{
	PyObject *main = PyImport_AddModule("__main__");
	PyObject *src = PyUnicode_FromString(test_module);

	ck_assert_ptr_nonnull(src);
	ck_assert_int_eq(PyModule_AddObject(main, "SRC", src), 0);
	run("import sys, types\n"
	    "sr_mod = types.ModuleType('sr_mod')\n"
	    "sr_mod.__file__ = '/virtual/sr_mod.py'\n"
	    "exec(compile(SRC, '/virtual/sr_mod.py', 'exec'), sr_mod.__dict__)\n"
	    "sys.modules['sr_mod'] = sr_mod\n");
}

/* Checks frame i of t: name, file, line and module. */
static void
check_frame(const fp__rthread_t *t, size_t i, const char *name, int line)
{
	ck_assert_msg(i < t->depth, "no frame %zu (%s)", i, name);
	ck_assert_str_eq(t->frames[i]->name, name);
	ck_assert_str_eq(t->frames[i]->file, "/virtual/sr_mod.py");
	ck_assert_int_eq(t->frames[i]->line, line);
	ck_assert_ptr_nonnull(t->frames[i]->module);
	ck_assert_str_eq(t->frames[i]->module, "sr_mod");
}

/* ------------------------------------------------------------ stacks */

/* A waiting thread and a spinning one show their exact stacks, idents
 * and native ids; threading's own frames sit outside and inside. */
START_TEST(test_fp__stackreader_read_threads)
{
	long long wait_ident, wait_native, spin_ident, spin_native;
	const fp__rthread_t *tw, *ts;
	size_t n = 0;
	int i;

	load_module();
	run("import threading, sr_mod\n"
	    "tw = threading.Thread(target=sr_mod.level1, args=('wait',))\n"
	    "ts = threading.Thread(target=sr_mod.level1, args=('spin',))\n"
	    "tw.start(); ts.start(); sr_mod.ready.wait()\n");
	wait_ident = eval_ll("sr_mod.ids['wait'][0]");
	wait_native = eval_ll("sr_mod.ids['wait'][1]");
	spin_ident = eval_ll("sr_mod.ids['spin'][0]");
	spin_native = eval_ll("sr_mod.ids['spin'][1]");

	gil_release(1);
	/* The threads may still be leaving the barrier: read until one is
	 * parked and the other spins. */
	for (i = 0; i < 400; i++) {
		ck_assert_int_eq(fp__stackreader_read(reader, threads, MAXT,
		    &n), 0);
		tw = thread_of(n, (uint64_t)wait_ident);
		ts = thread_of(n, (uint64_t)spin_ident);
		if (parked(tw) && ts != NULL && ts->depth > 0 &&
		    strcmp(ts->frames[0]->name, "spin") == 0)
			break;
		usleep(5000);
	}
	ck_assert_uint_ge(n, 3);
	ck_assert_ptr_nonnull(tw);
	ck_assert_ptr_nonnull(ts);
	ck_assert_int_eq(tw->native_id, wait_native);
	ck_assert_int_eq(ts->native_id, spin_native);
	ck_assert(!tw->truncated);
	ck_assert(!ts->truncated);
	ck_assert_uint_eq(tw->idle_loop, 0);

	/* waiter: Condition.wait, Event.wait, level3, level2, level1,
	 * Thread.run, Thread._bootstrap_inner, Thread._bootstrap */
	i = frame_index(tw, "Event.wait");
	ck_assert_int_eq(i, 1);
	ck_assert_str_eq(tw->frames[0]->name, "Condition.wait");
	ck_assert(strstr(tw->frames[0]->file, "threading.py") != NULL);
	ck_assert_str_eq(tw->frames[0]->module, "threading");
	check_frame(tw, 2, "level3", 10);
	check_frame(tw, 3, "level2", 8);
	check_frame(tw, 4, "level1", 6);
	ck_assert_uint_eq(tw->depth, 8);
	ck_assert_str_eq(tw->frames[5]->name, "Thread.run");
	ck_assert_str_eq(tw->frames[6]->name, "Thread._bootstrap_inner");
	ck_assert_str_eq(tw->frames[7]->name, "Thread._bootstrap");

	/* spinner, read many times while it runs */
	for (i = 0; i < 200; i++) {
		ck_assert_int_eq(fp__stackreader_read(reader, threads, MAXT,
		    &n), 0);
		ts = thread_of(n, (uint64_t)spin_ident);
		ck_assert_ptr_nonnull(ts);
		ck_assert(!ts->truncated);
		ck_assert_uint_eq(ts->depth, 7);
		check_frame(ts, 0, "spin", 17);
		check_frame(ts, 1, "level3", 10);
		check_frame(ts, 2, "level2", 8);
		check_frame(ts, 3, "level1", 6);
		ck_assert_str_eq(ts->frames[6]->name, "Thread._bootstrap");
	}
	/* The main thread (this one) runs no Python code just now. */
	ck_assert_ptr_nonnull(thread_of(n, (uint64_t)PyThread_get_thread_ident()));
	ck_assert_uint_eq(thread_of(n, PyThread_get_thread_ident())->depth, 0);
	gil_release(0);
	run("sr_mod.flag[0] = True; sr_mod.stop.set(); tw.join(); ts.join()");
}
END_TEST

/* A thread whose stack grows and shrinks all the time is read thousands
 * of times: every stack read is a clean prefix of the real ones. */
START_TEST(test_fp__stackreader_read_changing)
{
	long long ident;
	const fp__rthread_t *t;
	size_t n, j;
	int i, seen_deep = 0;

	load_module();
	run("import threading, sr_mod\n"
	    "def churn(n):\n"
	    "    if n > 0:\n"
	    "        churn(n - 1)\n"
	    "def churner():\n"
	    "    sr_mod.ids['churn'] = threading.get_ident()\n"
	    "    while not sr_mod.flag[0]:\n"
	    "        churn(40)\n"
	    "tc = threading.Thread(target=churner); tc.start()\n"
	    "while 'churn' not in sr_mod.ids: pass\n");
	ident = eval_ll("sr_mod.ids['churn']");
	gil_release(1);
	for (i = 0; i < 3000; i++) {
		ck_assert_int_eq(fp__stackreader_read(reader, threads, MAXT,
		    &n), 0);
		t = thread_of(n, (uint64_t)ident);
		ck_assert_ptr_nonnull(t);
		ck_assert_uint_le(t->depth, 45);
		for (j = 0; j < t->depth; j++) {
			const char *name = t->frames[j]->name;

			ck_assert_msg(strcmp(name, "churn") == 0 ||
			    strcmp(name, "churner") == 0 ||
			    strncmp(name, "Thread.", 7) == 0 ||
			    strcmp(name, "Thread._bootstrap") == 0,
			    "unexpected frame %s", name);
		}
		if (t->depth > 30)
			seen_deep = 1;
	}
	gil_release(0);
	run("sr_mod.flag[0] = True; tc.join()");
	ck_assert(seen_deep);
}
END_TEST

/* Reads every stack 2000 times; returns the CPU time of a read in us
 * and sets *calls to the system calls a read made. */
static double
read_cost(double *calls)
{
	struct timespec a, b;
	uint64_t before = fp__stackreader_mem(reader)->reads;
	size_t n, i;

	/* CPU time of this thread: the machine may be busy */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
	for (i = 0; i < 2000; i++)
		fp__stackreader_read(reader, threads, MAXT, &n);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
	*calls = (fp__stackreader_mem(reader)->reads - before) / 2000.0;
	return ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) /
	    2000 / 1e3;
}

/* A method 30 calls deep: exact names and lines, and what a read costs
 * with lines and without. */
START_TEST(test_fp__stackreader_read_deep)
{
	const fp__rthread_t *t;
	long long ident;
	size_t n, i;
	double us, us_lines, calls, calls_lines;

	load_module();
	run("import threading, sr_mod\n"
	    "sr_mod.ready = threading.Barrier(2)\n"
	    "td = threading.Thread(target=sr_mod.Deep().down, args=(30,))\n"
	    "td.start(); sr_mod.ready.wait()\n");
	ident = eval_ll("sr_mod.ids['deep'][0]");
	gil_release(1);
	for (i = 0; i < 400; i++) {
		ck_assert_int_eq(fp__stackreader_read(reader, threads, MAXT,
		    &n), 0);
		t = thread_of(n, (uint64_t)ident);
		ck_assert_ptr_nonnull(t);
		if (parked(t))
			break;
		usleep(5000);
	}
	ck_assert_int_eq(frame_index(t, "Event.wait"), 1);
	for (i = 0; i < 30; i++)
		check_frame(t, 2 + i, "Deep.down", 21);
	ck_assert_uint_eq(t->depth, 2 + 30 + 3);

	us = read_cost(&calls);
	/* With lines: once the location tables are cached (the first read
	 * fetches them), not one system call more. */
	fp__stackreader_want_lines(reader, 1);
	ck_assert_int_eq(fp__stackreader_read(reader, threads, MAXT, &n), 0);
	t = thread_of(n, (uint64_t)ident);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(t->lines[2], 26);
	for (i = 3; i < 2 + 30; i++)
		ck_assert_int_eq(t->lines[i], 23);
	us_lines = read_cost(&calls_lines);
	fp__stackreader_want_lines(reader, 0);
	fprintf(stderr, "stackread: %zu threads, %zu frames deepest: "
	    "%.1f us CPU and %.1f system calls a read; with lines %.1f us "
	    "and %.1f\n", n, (size_t)t->depth, us, calls, us_lines,
	    calls_lines);
	ck_assert(calls_lines == calls);
	/* loose: a busy shared machine */
	ck_assert_msg(us < 5000, "a read took %.1f us", us);
	ck_assert_msg(us_lines < 5000, "a read with lines took %.1f us",
	    us_lines);
	gil_release(0);
	run("sr_mod.stop.set(); td.join()");
}
END_TEST

/* With lines wanted, each frame shows the line it runs: a thread parked
 * at line 14 of level3 (called from lines 9 and 7) and one 5 calls deep
 * in Deep.down (line 26, called from line 23); threading's frames show
 * a line past their first. With lines off, lines[] is left alone. */
START_TEST(test_fp__stackreader_read_lines)
{
	long long wait_ident, deep_ident;
	const fp__rthread_t *tw = NULL, *td = NULL;
	size_t n = 0, j;
	int i;

	load_module();
	run("import threading, sr_mod\n"
	    "tw = threading.Thread(target=sr_mod.level1, args=('wait',))\n"
	    "td = threading.Thread(target=sr_mod.Deep().down, args=(5,))\n"
	    "tw.start(); td.start(); sr_mod.ready.wait()\n");
	wait_ident = eval_ll("sr_mod.ids['wait'][0]");
	deep_ident = eval_ll("sr_mod.ids['deep'][0]");
	fp__stackreader_want_lines(reader, 1);
	gil_release(1);
	for (i = 0; i < 400; i++) {
		ck_assert_int_eq(fp__stackreader_read(reader, threads, MAXT,
		    &n), 0);
		tw = thread_of(n, (uint64_t)wait_ident);
		td = thread_of(n, (uint64_t)deep_ident);
		if (parked(tw) && parked(td))
			break;
		usleep(5000);
	}
	ck_assert(parked(tw));
	ck_assert(parked(td));
	check_frame(tw, 2, "level3", 10);
	ck_assert_int_eq(tw->lines[2], 14);
	ck_assert_int_eq(tw->lines[3], 9);
	ck_assert_int_eq(tw->lines[4], 7);
	check_frame(td, 2, "Deep.down", 21);
	ck_assert_int_eq(td->lines[2], 26);
	for (j = 3; j < 7; j++) {
		check_frame(td, j, "Deep.down", 21);
		ck_assert_int_eq(td->lines[j], 23);
	}
	for (j = 0; j < tw->depth; j++) {
		if (j < 2 || j > 4)
			ck_assert_msg(tw->lines[j] > tw->frames[j]->line,
			    "%s: line %d, first line %d", tw->frames[j]->name,
			    tw->lines[j], tw->frames[j]->line);
	}

	/* off: untouched */
	fp__stackreader_want_lines(reader, 0);
	for (j = 0; j < MAXT; j++)
		memset(threads[j].lines, 0x7f, sizeof threads[j].lines);
	ck_assert_int_eq(fp__stackreader_read(reader, threads, MAXT, &n), 0);
	tw = thread_of(n, (uint64_t)wait_ident);
	ck_assert(parked(tw));
	for (j = 0; j < tw->depth; j++)
		ck_assert_int_eq(tw->lines[j], 0x7f7f7f7f);
	gil_release(0);
	run("sr_mod.stop.set(); tw.join(); td.join()");
}
END_TEST

/* Builds a fake interpreter whose thread list and frame chain are
 * cycles: the read is bounded (max threads, FP__STACK_MAX frames) and
 * marks the stacks truncated. */
START_TEST(test_fp__stackreader_read_cycles)
{
	static uint64_t rt[4096], interp[4096], ts[4096], cf[64];
	static uint64_t frame[512], code[4096];
	PyObject *file = PyUnicode_FromString("/fake.py");
	PyObject *name = PyUnicode_FromString("fake_function");
	PyObject *co;
	fp__stackreader_t *r;
	size_t n, i;

	ck_assert_ptr_nonnull(file);
	ck_assert_ptr_nonnull(name);
	/* a real code object's header, with our names */
	run("def fake_function(): pass\n");
	co = PyObject_GetAttrString(PyImport_AddModule("__main__"),
	    "fake_function");
	ck_assert_ptr_nonnull(co);
	memcpy(code, PyFunction_GetCode(co), sizeof(PyCodeObject));
	memcpy((char *)code + layout.code_filename, &file, 8);
	memcpy((char *)code + layout.code_qualname, &name, 8);

	rt[layout.runtime_interp_main / 8] = (uint64_t)(uintptr_t)interp;
	interp[layout.interp_threads_head / 8] = (uint64_t)(uintptr_t)ts;
	ts[layout.tstate_next / 8] = (uint64_t)(uintptr_t)ts;
	ts[layout.tstate_interp / 8] = (uint64_t)(uintptr_t)interp;
	ts[layout.tstate_thread_id / 8] = 1234;
	if (layout.tstate_current_frame != FP__PYLAYOUT_NONE)
		ts[layout.tstate_current_frame / 8] =
		    (uint64_t)(uintptr_t)frame;
	else {
		ts[layout.tstate_cframe / 8] = (uint64_t)(uintptr_t)cf;
		cf[layout.cframe_current_frame / 8] =
		    (uint64_t)(uintptr_t)frame;
	}
	frame[layout.frame_previous / 8] = (uint64_t)(uintptr_t)frame;
	frame[layout.frame_code / 8] = (uint64_t)(uintptr_t)code;

	r = fp__stackreader_new(getpid(), (uint64_t)(uintptr_t)rt, &layout);
	ck_assert_ptr_nonnull(r);
	gil_release(1);
	ck_assert_int_eq(fp__stackreader_read(r, threads, 3, &n), 0);
	ck_assert_uint_eq(n, 3);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(threads[i].ident, 1234);
		ck_assert_uint_eq(threads[i].depth, FP__STACK_MAX);
		ck_assert(threads[i].truncated);
		ck_assert_str_eq(threads[i].frames[0]->name, "fake_function");
		ck_assert_str_eq(threads[i].frames[0]->file, "/fake.py");
		ck_assert_ptr_null(threads[i].frames[0]->module);
	}
	/* the frame's code turned into garbage: an empty, truncated stack */
	frame[layout.frame_code / 8] = (uint64_t)(uintptr_t)rt + 3;
	ck_assert_int_eq(fp__stackreader_read(r, threads, 1, &n), 0);
	ck_assert_uint_eq(threads[0].depth, 0);
	ck_assert(threads[0].truncated);
	/* a thread state that no longer names its interpreter */
	ts[layout.tstate_interp / 8] = 0;
	ck_assert_int_eq(fp__stackreader_read(r, threads, 1, &n), -EFAULT);
	gil_release(0);
	fp__stackreader_free(r);
	Py_DECREF(co);
	Py_DECREF(file);
	Py_DECREF(name);
}
END_TEST

/* A garbage or unmapped runtime address gives an error, not a crash. */
START_TEST(test_fp__stackreader_read_garbage)
{
	static uint64_t junk[8192];
	fp__stackreader_t *r;
	size_t n = 99, i;
	int rc;
	long page = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, page, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ck_assert_ptr_ne(p, MAP_FAILED);
	ck_assert_int_eq(munmap(p, page), 0);
	r = fp__stackreader_new(getpid(), (uint64_t)(uintptr_t)p, &layout);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(fp__stackreader_read(r, threads, MAXT, &n), -EFAULT);
	ck_assert_uint_eq(n, 0);
	fp__stackreader_free(r);

	/* mapped garbage: random words, some pointing back into it */
	srandom(7);
	for (i = 0; i < 8192; i++)
		junk[i] = (random() & 1) ? (uint64_t)(uintptr_t)&junk[
		    random() % 8192] : ((uint64_t)random() << 32 | random());
	r = fp__stackreader_new(getpid(), (uint64_t)(uintptr_t)junk, &layout);
	ck_assert_ptr_nonnull(r);
	fp__stackreader_want_lines(r, 1);
	rc = fp__stackreader_read(r, threads, MAXT, &n);
	ck_assert(rc == 0 || rc == -EFAULT);
	ck_assert_uint_le(n, MAXT);
	fp__stackreader_free(r);
}
END_TEST

/* A code object freed and another made at its address: the cached
 * record is not reused for the newcomer. Simulated by copying two code
 * objects' headers in turn into one buffer. */
START_TEST(test_fp__stackreader_code_reused)
{
	static uint64_t buf[4096];
	PyObject *f, *g;
	const fp__rcode_t *a, *b, *c;
	uint64_t addr = (uint64_t)(uintptr_t)buf;
	PyObject *globals = PyModule_GetDict(PyImport_AddModule("__main__"));

	run("def first(): pass\n"
	    "def second(): pass\n");
	f = PyDict_GetItemString(globals, "first");
	g = PyDict_GetItemString(globals, "second");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(g);
	memcpy(buf, PyFunction_GetCode(f), sizeof(PyCodeObject));
	a = fp__stackreader_code(reader, addr, (uint64_t)(uintptr_t)globals);
	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(a->name, "first");
	ck_assert_str_eq(a->module, "__main__");
	ck_assert_int_eq(a->line, 1);
	ck_assert_ptr_eq(fp__stackreader_code(reader, addr, 0), a);

	memcpy(buf, PyFunction_GetCode(g), sizeof(PyCodeObject));
	b = fp__stackreader_code(reader, addr, (uint64_t)(uintptr_t)globals);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_ne(a, b);
	ck_assert_str_eq(b->name, "second");
	ck_assert_int_eq(b->line, 2);
	/* the old record stays valid */
	ck_assert_str_eq(a->name, "first");

	/* no longer a code object */
	buf[layout.ob_type / 8] = 0;
	c = fp__stackreader_code(reader, addr, 0);
	ck_assert_ptr_null(c);
}
END_TEST

/* Source whose location table has every kind of entry: short and
 * one-line forms, a jump of many lines and columns past 127 (long form),
 * lines going back (loops), an expression over two lines, and entries
 * without a location (exception handlers, with blocks). */
static const char lines_source[] =
    "def shapes(a, b):\n"
    "    x = a + \\\n"
    "        b\n"
    "    y = [i for i in range(3)]\n"
    "\n\n\n\n\n\n\n\n"
    "    for i in range(2):\n"
    "        x += i\n"
    "    try:\n"
    "        y = 1 / a\n"
    "    except ZeroDivisionError:\n"
    "        y = None\n"
    "    with open('/dev/null') as f:\n"
    "        pass\n"
    "    s = '0123456789012345678901234567890123456789012345678901234567"
    "89012345678901234567890123456789012345678901234567890123456789'; z = a\n"
    "    return (x,\n"
    "            y, z, s)\n"
    "def gen():\n"
    "    yield 1\n"
    "    yield 2\n";

/* The line of every code unit of shapes() and gen(), decoded from the
 * location table as the reader reads it, is the one CPython gives; one
 * unit before the code is the first line (a frame not yet started), an
 * instruction pointer of 0 is unknown. */
START_TEST(test_fp__stackreader_line)
{
	static const char *const names[] = { "shapes", "gen" };
	PyObject *globals = PyModule_GetDict(PyImport_AddModule("__main__"));
	PyObject *src = PyUnicode_FromString(lines_source);
	size_t k;
	int i, units;
	long long kinds;

	ck_assert_ptr_nonnull(src);
	ck_assert_int_eq(PyDict_SetItemString(globals, "LSRC", src), 0);
	Py_DECREF(src);
	run("exec(compile(LSRC, '/virtual/lines.py', 'exec'))\n"
	    "def table_kinds(co):\n"
	    "    return sum(1 << k for k in {b >> 3 & 15 for b in"
	    " co.co_linetable if b & 0x80})\n");
	/* the table has the kinds this test is about */
	kinds = eval_ll("table_kinds(shapes.__code__)");
	ck_assert_msg(kinds & (1 << 14), "no long form: %llx", kinds);
	ck_assert_msg(kinds & 0x1c00, "no one-line form: %llx", kinds);
	ck_assert_msg(kinds & 0x3ff, "no short form: %llx", kinds);
	for (i = 0; i < 2; i++) {
		PyObject *f = PyDict_GetItemString(globals, names[i]);
		PyCodeObject *co = (PyCodeObject *)PyFunction_GetCode(f);
		uint64_t code = (uint64_t)(uintptr_t)co;
		uint64_t start = code + layout.code_adaptive;
		const fp__rcode_t *c = fp__stackreader_code(reader, code, 0);
		char expr[64];

		ck_assert_ptr_nonnull(c);
		snprintf(expr, sizeof expr, "len(%s.__code__.co_code)",
		    names[i]);
		units = (int)eval_ll(expr) / 2;
		ck_assert_int_gt(units, 4);
		for (k = 0; k < (size_t)units; k++)
			ck_assert_msg(fp__stackreader_line(reader, c, code,
			    start + 2 * k) == PyCode_Addr2Line(co, 2 * (int)k),
			    "%s unit %zu: %d, CPython %d", names[i], k,
			    fp__stackreader_line(reader, c, code, start + 2 * k),
			    PyCode_Addr2Line(co, 2 * (int)k));
		ck_assert_int_eq(fp__stackreader_line(reader, c, code,
		    start - 2), c->line);
		ck_assert_int_eq(fp__stackreader_line(reader, c, code, 0), -1);
		ck_assert_int_eq(fp__stackreader_line(reader, c, code,
		    start + 2 * (uint64_t)units + 4096), -1);
	}
}
END_TEST

/* A hand-made location table with an entry of each form gives each code
 * unit its line: short form keeps the line, one-line form adds kind - 10,
 * no-column and long forms add a signed varint (one of two 6-bit chunks),
 * kind 15 has none; a unit past the end, a table cut inside an entry or
 * one that does not start an entry gives -1. */
START_TEST(test_fp__linetable_line)
{
	static const unsigned char t[] = {
		0x81, 0x00,		/* short form, 2 units: 10 */
		0xd8, 0x00, 0x00,	/* one-line form +1, 1 unit: 11 */
		0xea, 0x06,		/* no columns +3, 3 units: 14 */
		0xf8,			/* no location, 1 unit */
		0xf0, 0x05, 0x00, 0x01, 0x02, /* long form -2, 1 unit: 12 */
		0xe8, 0x50, 0x01,	/* no columns +40, 1 unit: 52 */
	};
	static const int want[] = { 10, 10, 11, 14, 14, 14, -1, 12, 52, -1 };
	static const unsigned char bad[] = { 0x01, 0x81, 0x00 };
	size_t k;

	for (k = 0; k < sizeof want / sizeof want[0]; k++)
		ck_assert_msg(fp__linetable_line(t, sizeof t, 10, k) == want[k],
		    "unit %zu: %d, want %d", k,
		    fp__linetable_line(t, sizeof t, 10, k), want[k]);
	/* cut inside the last entry's varint: its unit has no line */
	ck_assert_int_eq(fp__linetable_line(t, sizeof t - 1, 10, 7), 12);
	ck_assert_int_eq(fp__linetable_line(t, sizeof t - 1, 10, 8), -1);
	ck_assert_int_eq(fp__linetable_line(t, 0, 10, 0), -1);
	ck_assert_int_eq(fp__linetable_line(bad, sizeof bad, 10, 0), -1);
}
END_TEST

/* On 3.13+, what lines need comes out of this process's own
 * _Py_DebugOffsets as the headers have it (attach reads 3.13 that way);
 * before 3.13 there is no record. */
START_TEST(test_fp__stackreader_line_debug_offsets)
{
	fp__pylayout_t d;
	fp__mem_t m;
	int rc;

	fp__mem_init(&m, getpid());
	rc = fp__pylayout_from_debug_offsets(&m,
	    fp__pylayout_native_runtime(), &d);
	if (layout.version < 0x030d0000) {
		ck_assert_int_eq(rc, -EPROTO);
		return;
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(d.frame_instr, layout.frame_instr);
	ck_assert_uint_eq(d.code_linetable, layout.code_linetable);
	ck_assert_uint_eq(d.code_adaptive, layout.code_adaptive);
	ck_assert_uint_eq(d.bytes_size, layout.bytes_size);
	ck_assert_uint_eq(d.bytes_data, layout.bytes_data);
}
END_TEST

/* Strings of every kind come out as UTF-8; names past the length bound
 * are refused. */
START_TEST(test_fp__stackreader_code_strings)
{
	const fp__rcode_t *c;
	PyObject *globals = PyModule_GetDict(PyImport_AddModule("__main__"));
	PyObject *f;

	run("def latin():\n    pass\n"
	    "latin.__code__ = latin.__code__.replace(co_qualname='caf\\xe9',"
	    " co_filename='/\\u4e2d/\\U0001f600.py')\n"
	    "def long_one(): pass\n"
	    "long_one.__code__ = long_one.__code__.replace("
	    "co_qualname='x' * 5000)\n");
	f = PyDict_GetItemString(globals, "latin");
	c = fp__stackreader_code(reader,
	    (uint64_t)(uintptr_t)PyFunction_GetCode(f), 0);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->name, "caf\xc3\xa9");
	ck_assert_str_eq(c->file, "/\xe4\xb8\xad/\xf0\x9f\x98\x80.py");
	ck_assert_ptr_null(c->module);
	f = PyDict_GetItemString(globals, "long_one");
	c = fp__stackreader_code(reader,
	    (uint64_t)(uintptr_t)PyFunction_GetCode(f), 0);
	ck_assert_ptr_null(c);
}
END_TEST

/* ------------------------------------------------------------ asyncio */

/* An event loop thread with ten tasks asleep three awaits deep and its
 * main coroutine awaiting a future: the thread shows idle_loop, and the
 * waiting chains name the coroutines outermost first, picking among the
 * tasks roughly uniformly. (The tasks must have started: until their
 * first step, the loop already sits in select() with a zero timeout.)
 * Run 1 first lets 2000 short tasks come and go, which leaves the
 * registry's table sparse: the reader then scans it whole instead of
 * probing random slots. */
START_TEST(test_fp__taskread_waiting_chain)
{
	const fp__rcode_t *chain[16];
	const fp__rthread_t *t = NULL;
	PyObject *main = PyImport_AddModule("__main__");
	PySetObject *set;
	struct timespec a, b;
	uint64_t calls;
	fp__taskread_t *tr;
	long long ident, loop;
	size_t n, len;
	int i, deep = 0, shallow = 0, rc;

	ck_assert_int_eq(PyModule_AddIntConstant(main, "BURST", _i), 0);
	run("import asyncio, threading, time\n"
	    "started = [0]\n"
	    "async def leaf():\n"
	    "    started[0] += 1\n"
	    "    await asyncio.sleep(3600)\n"
	    "async def mid(): await leaf()\n"
	    "async def outer(): await mid()\n"
	    "box = {}\n"
	    "up = threading.Event()\n"
	    "async def amain(burst):\n"
	    "    if burst:\n"
	    "        await asyncio.gather(*[asyncio.sleep(0) for _ in range(2000)])\n"
	    "    tasks = [asyncio.create_task(outer()) for _ in range(10)]\n"
	    "    box['loop'] = asyncio.get_running_loop()\n"
	    "    box['stop'] = box['loop'].create_future()\n"
	    "    box['ident'] = threading.get_ident()\n"
	    "    up.set()\n"
	    "    await box['stop']\n"
	    "    for t in tasks: t.cancel()\n"
	    "th = threading.Thread(target=asyncio.run, args=(amain(BURST),))\n"
	    "th.start(); up.wait()\n"
	    "while started[0] < 10: time.sleep(0.001)\n");
	ident = eval_ll("box['ident']");
	loop = eval_ll("id(box['loop'])");
	tr = fp__taskread_new();
	ck_assert_ptr_nonnull(tr);
	ck_assert_int_eq(fp__taskread_discover(tr), 0);
	ck_assert(!PyErr_Occurred());
	/* which way the reader will go: sparse (scan) or not (probes) */
	run("import asyncio.tasks as T\n"
	    "REG = getattr(T, '_scheduled_tasks', None) or T._all_tasks\n");
	set = (PySetObject *)PyObject_GetAttrString(
	    PyDict_GetItemString(PyModule_GetDict(main), "REG"), "data");
	ck_assert_ptr_nonnull(set);
	ck_assert_int_eq(set->used * 8 < set->mask + 1, _i);
	Py_DECREF(set);

	gil_release(1);
	for (i = 0; i < 400; i++) {
		ck_assert_int_eq(fp__stackreader_read(reader, threads, MAXT,
		    &n), 0);
		t = thread_of(n, (uint64_t)ident);
		ck_assert_ptr_nonnull(t);
		if (t->idle_loop != 0)
			break;
		usleep(5000);
	}
	ck_assert_uint_eq(t->idle_loop, (uint64_t)loop);
	ck_assert(strstr(t->frames[0]->name, "Selector.select") != NULL);
	ck_assert_str_eq(t->frames[1]->name, "BaseEventLoop._run_once");

	calls = fp__stackreader_mem(reader)->reads;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
	for (i = 0; i < 300; i++) {
		rc = fp__taskread_waiting_chain(tr, reader, (uint64_t)loop,
		    (uint64_t)i * 0x9e3779b97f4a7c15ull + 1, chain, 16, &len);
		ck_assert_int_eq(rc, 0);
		if (len == 1) {
			ck_assert_str_eq(chain[0]->name, "amain");
			shallow++;
		} else {
			ck_assert_uint_eq(len, 4);
			ck_assert_str_eq(chain[0]->name, "outer");
			ck_assert_str_eq(chain[1]->name, "mid");
			ck_assert_str_eq(chain[2]->name, "leaf");
			ck_assert_str_eq(chain[3]->name, "sleep");
			ck_assert_str_eq(chain[0]->module, "__main__");
			ck_assert_str_eq(chain[3]->module, "asyncio.tasks");
			deep++;
		}
	}
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
	calls = fp__stackreader_mem(reader)->reads - calls;
	/* 1 in 11 expected: 27 of 300 */
	fprintf(stderr, "taskread (%s): %d of 300 picks chose the main task;"
	    " %.1f us CPU and %.1f system calls a pick\n",
	    _i ? "scan" : "probes", shallow,
	    ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / 300e3,
	    calls / 300.0);
	ck_assert_int_ge(shallow, 5);
	ck_assert_int_le(shallow, 80);
	/* another loop has no tasks */
	ck_assert_int_eq(fp__taskread_waiting_chain(tr, reader,
	    (uint64_t)(uintptr_t)&rc, 1, chain, 16, &len), -ENOENT);
	gil_release(0);
	run("box['loop'].call_soon_threadsafe(box['stop'].set_result, None)\n"
	    "th.join()\n");
	fp__taskread_free(tr);
}
END_TEST

/* Before asyncio is imported discovery asks to be called again. */
START_TEST(test_fp__taskread_discover_early)
{
	fp__taskread_t *tr = fp__taskread_new();
	const fp__rcode_t *chain[4];
	size_t len;

	ck_assert_ptr_nonnull(tr);
	run("import sys\nassert 'asyncio.tasks' not in sys.modules\n");
	ck_assert_int_eq(fp__taskread_discover(tr), -EAGAIN);
	ck_assert_int_eq(fp__taskread_waiting_chain(tr, reader, 1, 1, chain,
	    4, &len), -EAGAIN);
	run("import asyncio\n");
	ck_assert_int_eq(fp__taskread_discover(tr), -EAGAIN);	/* no task */
	ck_assert(!PyErr_Occurred());
	fp__taskread_free(tr);
}
END_TEST

/* Returns the suite of the memory and stack readers. */
Suite *
suite_stackread(void)
{
	Suite *s = suite_create("stackread");
	TCase *tc;

	tc = tcase_create("fp__mem_read");
	tcase_add_test(tc, test_fp__mem_read_self);
	tcase_add_test(tc, test_fp__mem_read_unmapped);
	tcase_add_test(tc, test_fp__mem_read_gone);
	tcase_add_test(tc, test_fp__mem_readv);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__err_from_errno");
	tcase_add_test(tc, test_fp__err_from_errno);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__stackreader_read");
	tcase_add_checked_fixture(tc, python_up, python_down);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_fp__stackreader_read_threads);
	tcase_add_test(tc, test_fp__stackreader_read_changing);
	tcase_add_test(tc, test_fp__stackreader_read_deep);
	tcase_add_test(tc, test_fp__stackreader_read_lines);
	tcase_add_test(tc, test_fp__stackreader_read_cycles);
	tcase_add_test(tc, test_fp__stackreader_read_garbage);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__linetable_line");
	tcase_add_test(tc, test_fp__linetable_line);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__stackreader_code");
	tcase_add_checked_fixture(tc, python_up, python_down);
	tcase_add_test(tc, test_fp__stackreader_code_reused);
	tcase_add_test(tc, test_fp__stackreader_code_strings);
	tcase_add_test(tc, test_fp__stackreader_line);
	tcase_add_test(tc, test_fp__stackreader_line_debug_offsets);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__taskread");
	tcase_add_checked_fixture(tc, python_up, python_down);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_fp__taskread_waiting_chain, 0, 2);
	tcase_add_test(tc, test_fp__taskread_discover_early);
	suite_add_tcase(s, tc);
	return s;
}
