/*
 * capi.c: checks of the public C API (include/fullprof.h) against a live
 * interpreter, as an embedding program uses it.
 *
 * Each test runs in a child process of its own (Check's default), which
 * starts Python in a checked fixture and finalises it at the end. The
 * fixture puts a few C functions into builtins: tick(n) moves the fake
 * clock that the custom timer of these profiles reads, so Python code
 * decides exactly how long each of its functions takes, and snap(),
 * clear() and spec(s) let Python code take a snapshot, clear the profile
 * or add a function spec while functions are running. Without the builtins
 * option C functions get no rows, so tick() itself never appears.
 */
#include "config.h"

#include <Python.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "suites.h"
#include "fullprof.h"
#include "fixture-python.h"

static fp_time_t fake_now;	/* the fake clock, moved by tick(n) */
static fp_profile_t *prof;	/* the profile snap(), clear() and spec() use */
static fp_snapshot_t *inner;	/* the last snapshot taken by snap() */

/* The custom timer of the tests: returns the fake clock. */
static fp_time_t
fake_timer(void *ctx)
{
	return *(const fp_time_t *)ctx;
}

/* tick(n): moves the fake clock n nanoseconds forward. */
static PyObject *
py_tick(PyObject *self, PyObject *arg)
{
	long long n = PyLong_AsLongLong(arg);

	if (n == -1 && PyErr_Occurred())
		return NULL;
	fake_now += n;
	Py_RETURN_NONE;
}

/* snap(): takes a snapshot of the profile while it runs, kept in inner. */
static PyObject *
py_snap(PyObject *self, PyObject *unused)
{
	fp_snapshot_free(inner);
	inner = fp_profile_snapshot(prof);
	if (inner == NULL)
		return PyErr_NoMemory();
	Py_RETURN_NONE;
}

/* clear(): clears the profile from inside running Python code. */
static PyObject *
py_clear(PyObject *self, PyObject *unused)
{
	return PyLong_FromLong(fp_profile_clear(prof));
}

/* spec(s): adds a function spec from inside running Python code. */
static PyObject *
py_spec(PyObject *self, PyObject *arg)
{
	const char *s = PyUnicode_AsUTF8(arg);

	if (s == NULL)
		return NULL;
	return PyLong_FromLong(fp_profile_add_function(prof, s));
}

static PyMethodDef test_builtins[] = {
	{ "tick", py_tick, METH_O, "tick(n): advance the fake clock" },
	{ "snap", py_snap, METH_NOARGS, "snap(): live snapshot" },
	{ "clear", py_clear, METH_NOARGS, "clear(): clear the profile" },
	{ "spec", py_spec, METH_O, "spec(s): add a function spec" },
	{ NULL, NULL, 0, NULL }
};

/* Starts Python and puts the test functions into builtins. */
static void
python_up(void)
{
	PyObject *builtins;
	PyMethodDef *d;

	fixture_python_init();
	builtins = PyImport_ImportModule("builtins");
	ck_assert_ptr_nonnull(builtins);
	for (d = test_builtins; d->ml_name != NULL; d++) {
		PyObject *f = PyCFunction_New(d, NULL);

		ck_assert_ptr_nonnull(f);
		ck_assert_int_eq(PyObject_SetAttrString(builtins, d->ml_name,
		    f), 0);
		Py_DECREF(f);
	}
	Py_DECREF(builtins);
	fake_now = 1000;
	prof = NULL;
	inner = NULL;
}

/* Releases what a test left and finalises Python. */
static void
python_down(void)
{
	fp_snapshot_free(inner);
	inner = NULL;
	fp_profile_free(prof);
	prof = NULL;
	ck_assert_int_eq(Py_FinalizeEx(), 0);
}

/* Runs Python source in __main__; the test fails if it raises. */
static void
run(const char *code)
{
	ck_assert_msg(PyRun_SimpleString(code) == 0,
	    "Python code raised (traceback above):\n%s", code);
}

/* Returns a profile on the fake clock (wall-like when wall is non-zero),
 * also made the one snap(), clear() and spec() use. */
static fp_profile_t *
fake_profile(int wall)
{
	fp_options_t o;

	fp_options_init(&o);
	o.timer = FP_TIMER_CUSTOM;
	o.timer_fn = fake_timer;
	o.timer_ctx = &fake_now;
	o.timer_is_wall = wall;
	prof = fp_profile_new(&o);
	ck_assert_ptr_nonnull(prof);
	return prof;
}

/* Returns the row of the function called name (in file, unless file is
 * NULL) that has figures, or NULL; the test fails if several match. */
static const fp_row_t *
find_row(const fp_snapshot_t *snap, const char *name, const char *file)
{
	const fp_row_t *found = NULL;
	size_t i;

	for (i = 0; i < fp_snapshot_count(snap); i++) {
		const fp_row_t *r = fp_snapshot_row(snap, i);

		if (r->no_data || strcmp(r->name, name) != 0 ||
		    (file != NULL && strcmp(r->file, file) != 0))
			continue;
		ck_assert_msg(found == NULL, "two rows for %s", name);
		found = r;
	}
	return found;
}

/* Returns the row of name (see find_row); the test fails without one. */
static const fp_row_t *
row(const fp_snapshot_t *snap, const char *name, const char *file)
{
	const fp_row_t *r = find_row(snap, name, file);

	ck_assert_msg(r != NULL, "no row for %s", name);
	return r;
}

/* Orders two strings for qsort. */
static int
compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Writes the rows of snap into out as sorted "name@file:calls" words
 * ("name@-" for a no-data row), for comparing a whole profile at once. */
static void
rows_text(const fp_snapshot_t *snap, char *out, size_t size)
{
	size_t i, n = fp_snapshot_count(snap), len = 0;
	char **words = calloc(n + 1, sizeof *words);

	ck_assert_ptr_nonnull(words);
	for (i = 0; i < n; i++) {
		const fp_row_t *r = fp_snapshot_row(snap, i);
		char w[512];

		if (r->no_data)
			snprintf(w, sizeof w, "%s@-", r->name);
		else
			snprintf(w, sizeof w, "%s@%s:%llu", r->name, r->file,
			    (unsigned long long)r->calls);
		words[i] = strdup(w);
		ck_assert_ptr_nonnull(words[i]);
	}
	qsort(words, n, sizeof *words, compare_strings);
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		len += (size_t)snprintf(out + len, size - len, "%s%s",
		    i ? " " : "", words[i]);
		ck_assert_uint_lt(len, size);
		free(words[i]);
	}
	free(words);
}

/* Takes a snapshot and checks its rows against the expected words. */
static void
assert_rows(fp_profile_t *p, const char *expected)
{
	fp_snapshot_t *snap = fp_profile_snapshot(p);
	char text[4096];

	ck_assert_ptr_nonnull(snap);
	rows_text(snap, text, sizeof text);
	fp_snapshot_free(snap);
	ck_assert_str_eq(text, expected);
}

/* a -> b -> c c, with 213ns in all: a 3 own, b 10 own, c 100 per call. */
static const char chain_src[] =
	"def a():\n"			/* line 1 */
	"    tick(1)\n"
	"    b()\n"
	"    tick(2)\n"
	"def b():\n"			/* line 5 */
	"    tick(10)\n"
	"    c()\n"
	"    c()\n"
	"def c():\n"			/* line 9 */
	"    tick(100)\n";

/* f calls h; g calls nothing: used by the filter tests. */
static const char fgh_src[] =
	"def f():\n"
	"    tick(1)\n"
	"    h()\n"
	"def g():\n"
	"    tick(2)\n"
	"def h():\n"
	"    tick(4)\n";

/* ------------------------------------------------------------ options */

START_TEST(test_fp_options_init_defaults)
{
	fp_options_t o;

	memset(&o, 0xff, sizeof o);
	fp_options_init(&o);
	ck_assert_int_eq(o.timer, FP_TIMER_WALL);
	ck_assert_ptr_null(o.timer_fn);
	ck_assert_ptr_null(o.timer_ctx);
	ck_assert_int_eq(o.builtins, 0);
	ck_assert_int_eq(o.timer_is_wall, 0);
}
END_TEST

/* ------------------------------------------------------------ new */

START_TEST(test_fp_profile_new_defaults)
{
	fp_snapshot_t *snap;

	prof = fp_profile_new(NULL);
	ck_assert_ptr_nonnull(prof);
	ck_assert_int_eq(fp_profile_is_running(prof), 0);
	ck_assert_uint_eq(fp_profile_function_count(prof), 0);
	snap = fp_profile_snapshot(prof);
	ck_assert_ptr_nonnull(snap);
	ck_assert_uint_eq(fp_snapshot_count(snap), 0);
	ck_assert_ptr_null(fp_snapshot_row(snap, 0));
	fp_snapshot_free(snap);

	/* The default (wall) timer records real calls. */
	run(chain_src);
	ck_assert_int_eq(fp_profile_start(prof), FP_OK);
	run("a()");
	ck_assert_int_eq(fp_profile_stop(prof), FP_OK);
	snap = fp_profile_snapshot(prof);
	ck_assert_uint_eq(row(snap, "a", "<string>")->calls, 1);
	ck_assert_uint_eq(row(snap, "c", "<string>")->calls, 2);
	ck_assert_int_ge(row(snap, "a", NULL)->total,
	    row(snap, "b", NULL)->total);
	ck_assert_int_gt(fp_snapshot_duration(snap), 0);
	fp_snapshot_free(snap);
}
END_TEST

START_TEST(test_fp_profile_new_invalid)
{
	fp_options_t o;

	fp_options_init(&o);
	o.timer = FP_TIMER_CUSTOM;		/* without timer_fn */
	ck_assert_ptr_null(fp_profile_new(&o));
	fp_options_init(&o);
	o.timer = (fp_timer_kind_t)99;
	ck_assert_ptr_null(fp_profile_new(&o));
}
END_TEST

/* Each timer kind, looped over: calls are exact whatever the clock. */
START_TEST(test_fp_profile_new_timer_kinds)
{
	static const fp_timer_kind_t kinds[] = {
		FP_TIMER_WALL, FP_TIMER_CPU, FP_TIMER_PROCESS, FP_TIMER_CUSTOM
	};
	fp_options_t o;
	fp_snapshot_t *snap;
	const fp_row_t *a, *b;

	fp_options_init(&o);
	o.timer = kinds[_i];
	o.timer_fn = fake_timer;
	o.timer_ctx = &fake_now;
	prof = fp_profile_new(&o);
	ck_assert_ptr_nonnull(prof);
	run(chain_src);
	ck_assert_int_eq(fp_profile_start(prof), FP_OK);
	run("a()\na()");
	fp_profile_stop(prof);
	snap = fp_profile_snapshot(prof);
	a = row(snap, "a", NULL);
	b = row(snap, "b", NULL);
	ck_assert_uint_eq(a->calls, 2);
	ck_assert_uint_eq(b->calls, 2);
	ck_assert_uint_eq(row(snap, "c", NULL)->calls, 4);
	ck_assert_int_ge(a->total, b->total);
	ck_assert_int_ge(a->total, a->own);
	ck_assert_int_ge(a->own, 0);
	ck_assert_int_le(a->min, a->mean);
	ck_assert_int_le(a->mean, a->max);
	fp_snapshot_free(snap);
}
END_TEST

/* ------------------------------------------------------------ start/stop */

START_TEST(test_fp_profile_start_stop)
{
	fp_profile_t *p = fake_profile(1);

	run(chain_src);
	ck_assert_int_eq(fp_profile_is_running(p), 0);
	ck_assert_int_eq(fp_profile_stop(p), FP_OK);	/* stopped: harmless */
	ck_assert_int_eq(fp_profile_start(p), FP_OK);
	ck_assert_int_ne(fp_profile_is_running(p), 0);
	ck_assert_int_eq(fp_profile_start(p), FP_OK);	/* running: harmless */
	ck_assert_int_ne(fp_profile_is_running(p), 0);
	run("a()");
	ck_assert_int_eq(fp_profile_stop(p), FP_OK);
	ck_assert_int_eq(fp_profile_is_running(p), 0);
	ck_assert_int_eq(fp_profile_stop(p), FP_OK);
	ck_assert_int_eq(fp_profile_is_running(p), 0);
	run("a()");					/* not recorded */
	assert_rows(p, "<module>@<string>:1 a@<string>:1 b@<string>:1 "
	    "c@<string>:2");

	/* Started again, it adds to what it holds. */
	ck_assert_int_eq(fp_profile_start(p), FP_OK);
	run("a()");
	ck_assert_int_eq(fp_profile_stop(p), FP_OK);
	assert_rows(p, "<module>@<string>:2 a@<string>:2 b@<string>:2 "
	    "c@<string>:4");
}
END_TEST

START_TEST(test_fp_profile_start_null)
{
	ck_assert_int_eq(fp_profile_start(NULL), FP_ERR_INVAL);
	ck_assert_int_eq(fp_profile_stop(NULL), FP_ERR_INVAL);
	ck_assert_int_eq(fp_profile_clear(NULL), FP_ERR_INVAL);
	ck_assert_int_eq(fp_profile_is_running(NULL), 0);
	ck_assert_ptr_null(fp_profile_snapshot(NULL));
	fp_profile_free(NULL);
	fp_snapshot_free(NULL);
	ck_assert_uint_eq(fp_snapshot_count(NULL), 0);
	ck_assert_ptr_null(fp_snapshot_row(NULL, 0));
	ck_assert_int_eq(fp_snapshot_duration(NULL), 0);
}
END_TEST

START_TEST(test_fp_profile_start_busy)
{
	fp_profile_t *p1 = fake_profile(1), *p2 = fp_profile_new(NULL);

	ck_assert_ptr_nonnull(p2);
	run(chain_src);
	ck_assert_int_eq(fp_profile_start(p1), FP_OK);
	ck_assert_int_eq(fp_profile_start(p2), FP_ERR_BUSY);
	ck_assert_int_eq(fp_profile_is_running(p2), 0);
	ck_assert_int_eq(fp_profile_stop(p2), FP_OK);	/* not running */
	run("a()");
	ck_assert_int_eq(fp_profile_stop(p1), FP_OK);
	assert_rows(p1, "<module>@<string>:1 a@<string>:1 b@<string>:1 "
	    "c@<string>:2");
	assert_rows(p2, "");

	/* Once the first stops, the second may start. */
	ck_assert_int_eq(fp_profile_start(p2), FP_OK);
	ck_assert_int_eq(fp_profile_start(p1), FP_ERR_BUSY);
	run("b()");
	/* Freeing a running profile stops it: the other may start. */
	fp_profile_free(p2);
	ck_assert_int_eq(fp_profile_start(p1), FP_OK);
	run("c()");
	ck_assert_int_eq(fp_profile_stop(p1), FP_OK);
	assert_rows(p1, "<module>@<string>:2 a@<string>:1 b@<string>:1 "
	    "c@<string>:3");
}
END_TEST

/* Without an interpreter (no fixture here) start refuses. */
START_TEST(test_fp_profile_start_no_python)
{
	fp_profile_t *p = fp_profile_new(NULL);

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(fp_profile_start(p), FP_ERR_NOPYTHON);
	ck_assert_int_eq(fp_profile_is_running(p), 0);
	fp_profile_free(p);
}
END_TEST

/* ------------------------------------------------------------ accounting */

START_TEST(test_fp_profile_exact_chain)
{
	fp_profile_t *p = fake_profile(1);
	fp_snapshot_t *snap;
	const fp_row_t *r;

	run(chain_src);
	ck_assert_int_eq(fp_profile_start(p), FP_OK);
	run("a()");
	ck_assert_int_eq(fp_profile_stop(p), FP_OK);
	snap = fp_profile_snapshot(p);
	ck_assert_uint_eq(fp_snapshot_count(snap), 4);	/* <module> a b c */

	r = row(snap, "a", "<string>");
	ck_assert_int_eq(r->line, 1);
	ck_assert_uint_eq(r->calls, 1);
	ck_assert_uint_eq(r->primitive_calls, 1);
	ck_assert_int_eq(r->own, 3);
	ck_assert_int_eq(r->total, 213);
	ck_assert_int_eq(r->suspended, 0);
	ck_assert_int_eq(r->min, 213);
	ck_assert_int_eq(r->mean, 213);
	ck_assert_int_eq(r->max, 213);
	ck_assert_int_eq(r->no_data, 0);

	r = row(snap, "b", "<string>");
	ck_assert_int_eq(r->line, 5);
	ck_assert_uint_eq(r->calls, 1);
	ck_assert_int_eq(r->own, 10);
	ck_assert_int_eq(r->total, 210);

	r = row(snap, "c", "<string>");
	ck_assert_int_eq(r->line, 9);
	ck_assert_uint_eq(r->calls, 2);
	ck_assert_uint_eq(r->primitive_calls, 2);
	ck_assert_int_eq(r->own, 200);
	ck_assert_int_eq(r->total, 200);
	ck_assert_int_eq(r->min, 100);
	ck_assert_int_eq(r->mean, 100);
	ck_assert_int_eq(r->max, 100);

	r = row(snap, "<module>", "<string>");
	ck_assert_uint_eq(r->calls, 1);
	ck_assert_int_eq(r->own, 0);
	ck_assert_int_eq(r->total, 213);
	fp_snapshot_free(snap);
}
END_TEST

/* With builtins, C functions (here tick) get rows, file "~", line 0, and
 * take the time they ran from their Python callers. */
START_TEST(test_fp_profile_exact_builtins)
{
	fp_options_t o;
	fp_snapshot_t *snap;
	const fp_row_t *r = NULL;
	size_t i;

	fp_options_init(&o);
	o.timer = FP_TIMER_CUSTOM;
	o.timer_fn = fake_timer;
	o.timer_ctx = &fake_now;
	o.timer_is_wall = 1;
	o.builtins = 1;
	prof = fp_profile_new(&o);
	ck_assert_ptr_nonnull(prof);
	run(chain_src);
	ck_assert_int_eq(fp_profile_start(prof), FP_OK);
	run("a()");
	ck_assert_int_eq(fp_profile_stop(prof), FP_OK);
	snap = fp_profile_snapshot(prof);
	for (i = 0; i < fp_snapshot_count(snap); i++) {
		const fp_row_t *x = fp_snapshot_row(snap, i);

		if (strstr(x->name, "tick") != NULL)
			r = x;
	}
	ck_assert_msg(r != NULL, "no row for tick");
	ck_assert_str_eq(r->file, "~");
	ck_assert_int_eq(r->line, 0);
	ck_assert_uint_eq(r->calls, 5);
	ck_assert_int_eq(r->own, 213);
	ck_assert_int_eq(r->total, 213);
	ck_assert_int_eq(row(snap, "a", NULL)->own, 0);
	ck_assert_int_eq(row(snap, "a", NULL)->total, 213);
	ck_assert_int_eq(row(snap, "c", NULL)->own, 0);
	ck_assert_int_eq(row(snap, "c", NULL)->total, 200);
	fp_snapshot_free(snap);
}
END_TEST

START_TEST(test_fp_profile_exact_recursion)
{
	fp_profile_t *p = fake_profile(1);
	fp_snapshot_t *snap;
	const fp_row_t *r;

	run("def r(n):\n"
	    "    tick(1)\n"
	    "    if n:\n"
	    "        r(n - 1)\n"
	    "def even(n):\n"
	    "    tick(1)\n"
	    "    return n == 0 or odd(n - 1)\n"
	    "def odd(n):\n"
	    "    tick(1)\n"
	    "    return n != 0 and even(n - 1)\n");
	ck_assert_int_eq(fp_profile_start(p), FP_OK);
	run("r(3)\neven(3)");
	ck_assert_int_eq(fp_profile_stop(p), FP_OK);
	snap = fp_profile_snapshot(p);

	/* r(3) r(2) r(1) r(0): 4 activations of 4, 3, 2 and 1ns. */
	r = row(snap, "r", NULL);
	ck_assert_uint_eq(r->calls, 4);
	ck_assert_uint_eq(r->primitive_calls, 1);
	ck_assert_int_eq(r->own, 4);
	ck_assert_int_eq(r->total, 4);
	ck_assert_int_eq(r->min, 1);
	ck_assert_int_eq(r->max, 4);
	ck_assert_int_eq(r->mean, 10 / 4);

	/* even(3) odd(2) even(1) odd(0). */
	r = row(snap, "even", NULL);
	ck_assert_uint_eq(r->calls, 2);
	ck_assert_uint_eq(r->primitive_calls, 1);
	ck_assert_int_eq(r->own, 2);
	ck_assert_int_eq(r->total, 4);
	r = row(snap, "odd", NULL);
	ck_assert_uint_eq(r->calls, 2);
	ck_assert_uint_eq(r->primitive_calls, 1);
	ck_assert_int_eq(r->own, 2);
	ck_assert_int_eq(r->total, 3);
	fp_snapshot_free(snap);
}
END_TEST

/* A generator consumed by a loop, on a wall-like clock (_i = 1: the
 * consumer's time counts as suspension) and a CPU-like one (_i = 0). */
START_TEST(test_fp_profile_exact_generator)
{
	int wall = _i;
	fp_profile_t *p = fake_profile(wall);
	fp_snapshot_t *snap;
	const fp_row_t *r;

	run("def gen():\n"
	    "    tick(1)\n"
	    "    yield 1\n"
	    "    tick(2)\n"
	    "    yield 2\n"
	    "def consume():\n"
	    "    for x in gen():\n"
	    "        tick(10)\n");
	ck_assert_int_eq(fp_profile_start(p), FP_OK);
	run("consume()");
	ck_assert_int_eq(fp_profile_stop(p), FP_OK);
	snap = fp_profile_snapshot(p);
	r = row(snap, "gen", NULL);
	ck_assert_uint_eq(r->calls, 1);		/* one activation, 3 segments */
	ck_assert_uint_eq(r->primitive_calls, 1);
	ck_assert_int_eq(r->own, 3);
	ck_assert_int_eq(r->total, wall ? 23 : 3);
	ck_assert_int_eq(r->suspended, wall ? 20 : 0);
	ck_assert_int_eq(r->max, wall ? 23 : 3);
	r = row(snap, "consume", NULL);
	ck_assert_uint_eq(r->calls, 1);
	ck_assert_int_eq(r->own, 20);
	ck_assert_int_eq(r->total, 23);
	ck_assert_int_eq(r->suspended, 0);
	fp_snapshot_free(snap);
}
END_TEST

/* Two coroutines under asyncio.gather: co suspends once at sleep(0), while
 * other runs; on a wall-like clock (_i = 1) that wait is suspension. */
START_TEST(test_fp_profile_exact_coroutine)
{
	int wall = _i;
	fp_profile_t *p = fake_profile(wall);
	fp_snapshot_t *snap;
	const fp_row_t *r;

	run("import asyncio\n"
	    "async def co():\n"
	    "    tick(10)\n"
	    "    await asyncio.sleep(0)\n"
	    "    tick(5)\n"
	    "async def other():\n"
	    "    tick(7)\n"
	    "async def main():\n"
	    "    await asyncio.gather(co(), other())\n");
	ck_assert_int_eq(fp_profile_start(p), FP_OK);
	run("asyncio.run(main())");
	ck_assert_int_eq(fp_profile_stop(p), FP_OK);
	snap = fp_profile_snapshot(p);
	r = row(snap, "co", "<string>");
	ck_assert_uint_eq(r->calls, 1);
	ck_assert_uint_eq(r->primitive_calls, 1);
	ck_assert_int_eq(r->own, 15);
	ck_assert_int_eq(r->total, wall ? 22 : 15);
	ck_assert_int_eq(r->suspended, wall ? 7 : 0);
	if (wall)
		ck_assert_int_gt(r->suspended, 0);
	r = row(snap, "other", "<string>");
	ck_assert_uint_eq(r->calls, 1);
	ck_assert_int_eq(r->own, 7);
	ck_assert_int_eq(r->total, 7);
	ck_assert_int_eq(r->suspended, 0);
	r = row(snap, "main", "<string>");
	ck_assert_uint_eq(r->calls, 1);
	ck_assert_int_eq(r->own, 0);
	ck_assert_int_eq(r->total, wall ? 22 : 0);
	ck_assert_uint_eq(row(snap, "sleep", NULL)->calls, 1);
	fp_snapshot_free(snap);
}
END_TEST

/* ------------------------------------------------------------ snapshot */

START_TEST(test_fp_profile_snapshot_running)
{
	fp_profile_t *p = fake_profile(1);
	fp_snapshot_t *s1, *s2;
	const fp_row_t *r1, *r2;

	run(chain_src);
	ck_assert_int_eq(fp_profile_start(p), FP_OK);
	run("a()");
	s1 = fp_profile_snapshot(p);			/* between calls */
	ck_assert_ptr_nonnull(s1);
	ck_assert_int_ne(fp_profile_is_running(p), 0);
	run("a()");
	ck_assert_int_eq(fp_profile_stop(p), FP_OK);
	s2 = fp_profile_snapshot(p);
	ck_assert_uint_eq(fp_snapshot_count(s1), fp_snapshot_count(s2));

	r1 = row(s1, "a", NULL);
	r2 = row(s2, "a", NULL);
	ck_assert_uint_eq(r1->calls, 1);
	ck_assert_int_eq(r1->total, 213);
	ck_assert_int_eq(r1->own, 3);
	ck_assert_uint_eq(r2->calls, 2);
	ck_assert_int_eq(r2->total, 2 * 213);
	ck_assert_int_eq(r2->own, 2 * 3);
	ck_assert_uint_eq(row(s1, "c", NULL)->calls, 2);
	ck_assert_uint_eq(row(s2, "c", NULL)->calls, 4);
	ck_assert_int_eq(row(s2, "c", NULL)->total, 400);
	ck_assert_int_le(fp_snapshot_duration(s1), fp_snapshot_duration(s2));
	fp_snapshot_free(s1);
	fp_snapshot_free(s2);
}
END_TEST

/* A snapshot taken inside a running function closes its activation in the
 * copy only: the function's final figures are unaffected. */
START_TEST(test_fp_profile_snapshot_inside)
{
	fp_profile_t *p = fake_profile(1);
	fp_snapshot_t *snap;
	const fp_row_t *r;

	run("def outer():\n"
	    "    tick(10)\n"
	    "    snap()\n"
	    "    tick(5)\n"
	    "    snap()\n"
	    "    tick(1)\n");
	ck_assert_int_eq(fp_profile_start(p), FP_OK);
	run("outer()");
	ck_assert_ptr_nonnull(inner);
	r = row(inner, "outer", NULL);		/* the second snap() */
	ck_assert_uint_eq(r->calls, 1);
	ck_assert_int_eq(r->total, 15);
	ck_assert_int_eq(r->own, 15);
	ck_assert_int_eq(row(inner, "<module>", NULL)->total, 15);
	ck_assert_int_eq(fp_profile_stop(p), FP_OK);
	snap = fp_profile_snapshot(p);
	r = row(snap, "outer", NULL);
	ck_assert_uint_eq(r->calls, 1);
	ck_assert_int_eq(r->total, 16);
	ck_assert_int_eq(r->own, 16);
	ck_assert_uint_eq(row(snap, "<module>", NULL)->calls, 1);
	fp_snapshot_free(snap);
}
END_TEST

/* ------------------------------------------------------------ clear */

START_TEST(test_fp_profile_clear)
{
	fp_profile_t *p = fake_profile(1);
	fp_snapshot_t *snap;

	run(chain_src);
	ck_assert_int_eq(fp_profile_start(p), FP_OK);
	run("a()");
	ck_assert_int_eq(fp_profile_stop(p), FP_OK);
	ck_assert_int_eq(fp_profile_clear(p), FP_OK);		/* stopped */
	assert_rows(p, "");
	ck_assert_int_eq(fp_profile_is_running(p), 0);

	ck_assert_int_eq(fp_profile_start(p), FP_OK);
	run("a()");
	ck_assert_int_eq(fp_profile_clear(p), FP_OK);		/* running */
	ck_assert_int_ne(fp_profile_is_running(p), 0);
	assert_rows(p, "");
	run("b()");
	ck_assert_int_eq(fp_profile_stop(p), FP_OK);
	assert_rows(p, "<module>@<string>:1 b@<string>:1 c@<string>:2");
	snap = fp_profile_snapshot(p);
	ck_assert_int_eq(row(snap, "b", NULL)->total, 210);
	fp_snapshot_free(snap);
}
END_TEST

/* Cleared from inside a running function: what ran before is forgotten,
 * frames already running are not recorded when they end, and calls made
 * after the clear are recorded from the top. */
START_TEST(test_fp_profile_clear_inside)
{
	fp_profile_t *p = fake_profile(1);
	fp_snapshot_t *snap;

	run(chain_src);
	run("def outer():\n"
	    "    a()\n"
	    "    clear()\n"
	    "    b()\n");
	ck_assert_int_eq(fp_profile_start(p), FP_OK);
	run("outer()");
	ck_assert_int_eq(fp_profile_stop(p), FP_OK);
	assert_rows(p, "b@<string>:1 c@<string>:2");
	snap = fp_profile_snapshot(p);
	ck_assert_int_eq(row(snap, "b", NULL)->total, 210);
	ck_assert_int_eq(row(snap, "c", NULL)->total, 200);
	fp_snapshot_free(snap);
}
END_TEST

/* ------------------------------------------------------------ filters */

/* The module pkg.mod (file pkg/mod.py) beside __main__'s own f. */
static const char pkg_src[] =
	"import sys, types\n"
	"pm = types.ModuleType('pkg.mod')\n"
	"sys.modules['pkg.mod'] = pm\n"
	"exec(compile('''\n"
	"def f():\n"
	"    tick(1)\n"
	"def helper():\n"
	"    tick(2)\n"
	"class C:\n"
	"    def m(self):\n"
	"        tick(3)\n"
	"        helper()\n"
	"class D:\n"
	"    def m(self):\n"
	"        tick(4)\n"
	"''', 'pkg/mod.py', 'exec'), pm.__dict__)\n"
	"def f():\n"
	"    tick(5)\n";

static const struct {
	const char *spec;
	const char *rows;
} filter_cases[] = {
	{ "f", "f@<string>:1 f@pkg/mod.py:1" },
	{ "pkg.mod.f", "f@pkg/mod.py:1" },
	{ "__main__.f", "f@<string>:1" },
	{ "pkg.mod:f", "f@pkg/mod.py:1" },
	{ "C.m", "C.m@pkg/mod.py:1 helper@pkg/mod.py:1" },
	{ "pkg.mod:C.m", "C.m@pkg/mod.py:1 helper@pkg/mod.py:1" },
	{ "pkg.mod.C.m", "C.m@pkg/mod.py:1 helper@pkg/mod.py:1" },
	{ "pkg.*", "C.m@pkg/mod.py:1 D.m@pkg/mod.py:1 f@pkg/mod.py:1 "
	    "helper@pkg/mod.py:2" },
	{ "pkg.mod:*", "C.m@pkg/mod.py:1 D.m@pkg/mod.py:1 f@pkg/mod.py:1 "
	    "helper@pkg/mod.py:2" },
	{ "*.m", "C.m@pkg/mod.py:1 D.m@pkg/mod.py:1 helper@pkg/mod.py:1" },
	{ "p?g.mod:[CD].m", "C.m@pkg/mod.py:1 D.m@pkg/mod.py:1 "
	    "helper@pkg/mod.py:1" },
	{ "helper", "helper@pkg/mod.py:2" },
	{ "nosuch", "nosuch@-" },
	{ "pkg.mod", "pkg.mod@-" },
	{ "other:f", "other:f@-" },
	{ "E.m", "E.m@-" },
};

/* One spec of filter_cases per loop iteration: exactly the functions it
 * names, and what they call, are recorded. */
START_TEST(test_fp_profile_add_function_forms)
{
	fp_profile_t *p = fake_profile(1);

	run(pkg_src);
	ck_assert_int_eq(fp_profile_add_function(p, filter_cases[_i].spec),
	    FP_OK);
	ck_assert_int_eq(fp_profile_start(p), FP_OK);
	run("f()\npm.f()\npm.C().m()\npm.D().m()\npm.helper()");
	ck_assert_int_eq(fp_profile_stop(p), FP_OK);
	assert_rows(p, filter_cases[_i].rows);
}
END_TEST

START_TEST(test_fp_profile_add_function_no_data)
{
	fp_profile_t *p = fake_profile(1);
	fp_snapshot_t *snap;
	const fp_row_t *r = NULL;
	size_t i;

	run(fgh_src);
	ck_assert_int_eq(fp_profile_add_function(p, "g"), FP_OK);
	ck_assert_int_eq(fp_profile_add_function(p, "mod.nothing"), FP_OK);
	ck_assert_int_eq(fp_profile_start(p), FP_OK);
	run("f()\ng()");
	ck_assert_int_eq(fp_profile_stop(p), FP_OK);
	snap = fp_profile_snapshot(p);
	ck_assert_uint_eq(fp_snapshot_count(snap), 2);
	for (i = 0; i < fp_snapshot_count(snap); i++) {
		if (fp_snapshot_row(snap, i)->no_data)
			r = fp_snapshot_row(snap, i);
	}
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->name, "mod.nothing");
	ck_assert_str_eq(r->file, "");
	ck_assert_int_eq(r->line, 0);
	ck_assert_uint_eq(r->calls, 0);
	ck_assert_uint_eq(r->primitive_calls, 0);
	ck_assert_int_eq(r->own, 0);
	ck_assert_int_eq(r->total, 0);
	ck_assert_int_eq(r->suspended, 0);
	ck_assert_int_eq(r->min, 0);
	ck_assert_int_eq(r->mean, 0);
	ck_assert_int_eq(r->max, 0);
	ck_assert_int_eq(row(snap, "g", NULL)->total, 2);
	fp_snapshot_free(snap);

	/* Before anything ran, every spec is a no-data row. */
	ck_assert_int_eq(fp_profile_clear(p), FP_OK);
	assert_rows(p, "g@- mod.nothing@-");
}
END_TEST

START_TEST(test_fp_profile_add_function_list)
{
	fp_profile_t *p = fake_profile(1);
	const char *first;

	ck_assert_uint_eq(fp_profile_function_count(p), 0);
	ck_assert_ptr_null(fp_profile_function(p, 0));
	ck_assert_int_eq(fp_profile_add_function(p, "f"), FP_OK);
	ck_assert_int_eq(fp_profile_add_function(p, "pkg.*"), FP_OK);
	ck_assert_int_eq(fp_profile_add_function(p, "m:C.m"), FP_OK);
	ck_assert_int_eq(fp_profile_add_function(p, "f"), FP_OK); /* again */
	ck_assert_uint_eq(fp_profile_function_count(p), 3);
	first = fp_profile_function(p, 0);
	ck_assert_str_eq(first, "f");
	ck_assert_str_eq(fp_profile_function(p, 1), "pkg.*");
	ck_assert_str_eq(fp_profile_function(p, 2), "m:C.m");
	ck_assert_ptr_null(fp_profile_function(p, 3));
	ck_assert_ptr_null(fp_profile_function(p, (size_t)-1));

	ck_assert_int_eq(fp_profile_add_function(p, ""), FP_ERR_INVAL);
	ck_assert_int_eq(fp_profile_add_function(p, NULL), FP_ERR_INVAL);
	ck_assert_int_eq(fp_profile_add_function(NULL, "f"), FP_ERR_INVAL);
	ck_assert_int_eq(fp_profile_remove_function(p, NULL), FP_ERR_INVAL);
	ck_assert_int_eq(fp_profile_remove_function(NULL, "f"), FP_ERR_INVAL);
	ck_assert_uint_eq(fp_profile_function_count(NULL), 0);
	ck_assert_ptr_null(fp_profile_function(NULL, 0));
	ck_assert_uint_eq(fp_profile_function_count(p), 3);

	ck_assert_int_eq(fp_profile_remove_function(p, "pkg.*"), FP_OK);
	ck_assert_uint_eq(fp_profile_function_count(p), 2);
	ck_assert_str_eq(fp_profile_function(p, 0), "f");
	ck_assert_str_eq(fp_profile_function(p, 1), "m:C.m");
	ck_assert_ptr_eq(fp_profile_function(p, 0), first);  /* still valid */
	ck_assert_int_eq(fp_profile_remove_function(p, "pkg.*"), FP_OK);
	ck_assert_int_eq(fp_profile_remove_function(p, "nope"), FP_OK);
	ck_assert_uint_eq(fp_profile_function_count(p), 2);
	ck_assert_int_eq(fp_profile_remove_function(p, "f"), FP_OK);
	ck_assert_int_eq(fp_profile_remove_function(p, "m:C.m"), FP_OK);
	ck_assert_uint_eq(fp_profile_function_count(p), 0);

	/* With every spec removed, everything is recorded again. */
	run(fgh_src);
	ck_assert_int_eq(fp_profile_start(p), FP_OK);
	run("f()\ng()");
	ck_assert_int_eq(fp_profile_stop(p), FP_OK);
	assert_rows(p, "<module>@<string>:1 f@<string>:1 g@<string>:1 "
	    "h@<string>:1");
}
END_TEST

/* A spec added twice is one spec: calls are counted once. */
START_TEST(test_fp_profile_add_function_duplicate)
{
	fp_profile_t *p = fake_profile(1);

	run(fgh_src);
	ck_assert_int_eq(fp_profile_add_function(p, "f"), FP_OK);
	ck_assert_int_eq(fp_profile_start(p), FP_OK);
	ck_assert_int_eq(fp_profile_add_function(p, "f"), FP_OK);
	ck_assert_uint_eq(fp_profile_function_count(p), 1);
	run("f()\ng()");
	ck_assert_int_eq(fp_profile_stop(p), FP_OK);
	assert_rows(p, "f@<string>:1 h@<string>:1");
	/* One removal is enough to remove it. */
	ck_assert_int_eq(fp_profile_remove_function(p, "f"), FP_OK);
	ck_assert_uint_eq(fp_profile_function_count(p), 0);
}
END_TEST

/* Specs added and removed between runs of a running profile take effect
 * at once; counts before and after are exact. */
START_TEST(test_fp_profile_add_function_while_running)
{
	fp_profile_t *p = fake_profile(1);
	fp_snapshot_t *snap;

	run(fgh_src);
	ck_assert_int_eq(fp_profile_start(p), FP_OK);
	run("f()\ng()");				/* everything */
	assert_rows(p, "<module>@<string>:1 f@<string>:1 g@<string>:1 "
	    "h@<string>:1");
	ck_assert_int_eq(fp_profile_add_function(p, "f"), FP_OK);
	run("f()\ng()");				/* f and h only */
	assert_rows(p, "<module>@<string>:1 f@<string>:2 g@<string>:1 "
	    "h@<string>:2");
	ck_assert_int_eq(fp_profile_add_function(p, "g"), FP_OK);
	ck_assert_int_eq(fp_profile_remove_function(p, "f"), FP_OK);
	run("f()\ng()");				/* g only */
	assert_rows(p, "<module>@<string>:1 f@<string>:2 g@<string>:2 "
	    "h@<string>:2");
	ck_assert_int_eq(fp_profile_remove_function(p, "g"), FP_OK);
	run("f()\ng()");				/* everything again */
	ck_assert_int_eq(fp_profile_stop(p), FP_OK);
	assert_rows(p, "<module>@<string>:2 f@<string>:3 g@<string>:3 "
	    "h@<string>:3");
	snap = fp_profile_snapshot(p);
	ck_assert_int_eq(row(snap, "f", NULL)->total, 3 * 5);
	ck_assert_int_eq(row(snap, "h", NULL)->total, 3 * 4);
	ck_assert_int_eq(row(snap, "g", NULL)->total, 3 * 2);
	ck_assert_int_eq(row(snap, "<module>", NULL)->total, 2 * 7);
	fp_snapshot_free(snap);
}
END_TEST

/* A spec added by Python code while it runs, outside any recorded frame,
 * selects the functions called from then on. */
START_TEST(test_fp_profile_add_function_inside)
{
	fp_profile_t *p = fake_profile(1);

	run(fgh_src);
	ck_assert_int_eq(fp_profile_add_function(p, "h"), FP_OK);
	ck_assert_int_eq(fp_profile_start(p), FP_OK);
	run("g()\nspec('g')\ng()\nf()");
	ck_assert_int_eq(fp_profile_stop(p), FP_OK);
	assert_rows(p, "g@<string>:1 h@<string>:1");
}
END_TEST

/* A selected coroutine stays one activation under a filter: its resumes,
 * which come from the unselected event loop, are recorded too, as is what
 * it awaits; nothing else of asyncio is. */
START_TEST(test_fp_profile_add_function_coroutine)
{
	fp_profile_t *p = fake_profile(1);
	fp_snapshot_t *snap;
	const fp_row_t *r;

	run("import asyncio\n"
	    "async def co():\n"
	    "    tick(10)\n"
	    "    await asyncio.sleep(0)\n"
	    "    tick(5)\n"
	    "async def other():\n"
	    "    tick(7)\n"
	    "async def main():\n"
	    "    await asyncio.gather(co(), other())\n");
	ck_assert_int_eq(fp_profile_add_function(p, "co"), FP_OK);
	ck_assert_int_eq(fp_profile_start(p), FP_OK);
	run("asyncio.run(main())");
	ck_assert_int_eq(fp_profile_stop(p), FP_OK);
	snap = fp_profile_snapshot(p);
	r = row(snap, "co", "<string>");
	ck_assert_uint_eq(r->calls, 1);
	ck_assert_int_eq(r->own, 15);
	ck_assert_int_eq(r->total, 22);
	ck_assert_int_eq(r->suspended, 7);
	ck_assert_ptr_null(find_row(snap, "other", NULL));
	ck_assert_ptr_null(find_row(snap, "main", NULL));
	ck_assert_uint_eq(row(snap, "sleep", NULL)->calls, 1);
	fp_snapshot_free(snap);
}
END_TEST

/* ------------------------------------------------------------ write */

/* Makes a temporary directory for a test's files into dir. */
static void
make_dir(char *dir, size_t size)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, size, "%s/fp-capi-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

/* Returns the contents of a file (malloc'd), or NULL. */
static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (f == NULL)
		return NULL;
	buf = malloc(1 << 16);
	ck_assert_ptr_nonnull(buf);
	n = fread(buf, 1, (1 << 16) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

START_TEST(test_fp_profile_write_json)
{
	fp_profile_t *p = fake_profile(1);
	char dir[256], path[512];

	make_dir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/out.json", dir);
	run(chain_src);
	ck_assert_int_eq(fp_profile_add_function(p, "a"), FP_OK);
	ck_assert_int_eq(fp_profile_add_function(p, "zz"), FP_OK);
	ck_assert_int_eq(fp_profile_start(p), FP_OK);
	run("a()");
	ck_assert_int_eq(fp_profile_write(p, "json", path), FP_OK); /* live */
	ck_assert_int_eq(fp_profile_stop(p), FP_OK);
	ck_assert_int_eq(fp_profile_write(p, "json", path), FP_OK);
	{
		PyObject *main = PyImport_AddModule("__main__");
		PyObject *s = PyUnicode_DecodeFSDefault(path);

		ck_assert_ptr_nonnull(s);
		ck_assert_int_eq(PyObject_SetAttrString(main, "path", s), 0);
		Py_DECREF(s);
	}
	run("import json\n"
	    "d = json.load(open(path))\n"
	    "assert d['timer'] == 'custom', d['timer']\n"
	    "rows = {r['name']: r for r in d['functions']}\n"
	    "assert sorted(rows) == ['a', 'b', 'c', 'zz'], sorted(rows)\n"
	    "assert rows['a']['calls'] == 1 and rows['c']['calls'] == 2\n"
	    "assert abs(rows['a']['total'] - 213e-9) < 1e-12, rows['a']\n"
	    "assert abs(rows['b']['own'] - 10e-9) < 1e-12, rows['b']\n"
	    "assert rows['zz'].get('no_data') is True, rows['zz']\n"
	    "assert 'no_data' not in rows['a']\n");
	unlink(path);
	ck_assert_int_eq(rmdir(dir), 0);	/* no temporary left behind */
}
END_TEST

/* Returns non-zero when a table has a row for the function name (its third
 * column). */
static int
table_has(const char *text, const char *name)
{
	const char *line = text;

	while (line != NULL && *line != '\0') {
		char file[256], lineno[32], fn[256];

		if (sscanf(line, "%255s %31s %255s", file, lineno, fn) == 3 &&
		    strcmp(fn, name) == 0)
			return 1;
		line = strchr(line, '\n');
		if (line != NULL)
			line++;
	}
	return 0;
}

START_TEST(test_fp_profile_write_table)
{
	fp_profile_t *p = fake_profile(1);
	char dir[256], path[512], *text;
	int fd, saved;

	make_dir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/out.txt", dir);
	run(chain_src);
	ck_assert_int_eq(fp_profile_add_function(p, "b"), FP_OK);
	ck_assert_int_eq(fp_profile_add_function(p, "nothing.here"), FP_OK);
	ck_assert_int_eq(fp_profile_start(p), FP_OK);
	run("a()");
	ck_assert_int_eq(fp_profile_stop(p), FP_OK);
	ck_assert_int_eq(fp_profile_write(p, "table", path), FP_OK);
	text = slurp(path);
	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_nonnull(strstr(text, "custom"));
	ck_assert(table_has(text, "b"));
	ck_assert(table_has(text, "c"));
	ck_assert_ptr_nonnull(strstr(text, "210ns"));
	ck_assert(table_has(text, "nothing.here"));
	ck_assert(!table_has(text, "a"));
	ck_assert(!table_has(text, "<module>"));
	free(text);
	unlink(path);

	/* "-" is standard output. */
	fflush(stdout);
	saved = dup(1);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	dup2(fd, 1);
	close(fd);
	ck_assert_int_eq(fp_profile_write(p, "table", "-"), FP_OK);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	text = slurp(path);
	ck_assert_ptr_nonnull(text);
	ck_assert(table_has(text, "c"));
	free(text);
	unlink(path);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

START_TEST(test_fp_profile_write_errors)
{
	fp_profile_t *p = fake_profile(1);
	char dir[256], path[512];

	make_dir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/out", dir);
	run(chain_src);
	ck_assert_int_eq(fp_profile_start(p), FP_OK);
	run("a()");
	ck_assert_int_eq(fp_profile_stop(p), FP_OK);
	ck_assert_int_eq(fp_profile_write(p, "xml", path), FP_ERR_FORMAT);
	ck_assert_int_eq(fp_profile_write(p, "", path), FP_ERR_FORMAT);
	ck_assert_int_eq(fp_profile_write(p, "JSON", path), FP_ERR_FORMAT);
	ck_assert_int_eq(access(path, F_OK), -1);	/* nothing written */
	snprintf(path, sizeof path, "%s/missing/out.json", dir);
	errno = 0;
	ck_assert_int_eq(fp_profile_write(p, "json", path), FP_ERR_IO);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(fp_profile_write(NULL, "json", path), FP_ERR_INVAL);
	ck_assert_int_eq(fp_profile_write(p, NULL, path), FP_ERR_INVAL);
	ck_assert_int_eq(fp_profile_write(p, "json", NULL), FP_ERR_INVAL);
	ck_assert_int_eq(rmdir(dir), 0);	/* nothing left behind */
}
END_TEST

/* ------------------------------------------------------------ strerror */

START_TEST(test_fp_strerror)
{
	static const struct { int code; const char *text; } codes[] = {
#define FP_TEST_CODE(name, value, text) { FP_ERR_##name, text },
		FP_ERRNO_MAP(FP_TEST_CODE)
#undef FP_TEST_CODE
	};
	size_t i, j, n = sizeof codes / sizeof codes[0];

	ck_assert_uint_eq(n, 9);
	ck_assert_int_eq(FP_OK, 0);
	ck_assert_str_eq(fp_strerror(FP_OK), "success");
	ck_assert_str_eq(fp_strerror(FP_ERR_NOMEM), "out of memory");
	ck_assert_str_eq(fp_strerror(FP_ERR_BUSY),
	    "another profile is already running in this process");
	for (i = 0; i < n; i++) {
		ck_assert_int_le(codes[i].code, 0);
		ck_assert_str_eq(fp_strerror(codes[i].code), codes[i].text);
		ck_assert_uint_gt(strlen(codes[i].text), 0);
		for (j = 0; j < i; j++) {
			ck_assert_int_ne(codes[i].code, codes[j].code);
			ck_assert_str_ne(codes[i].text, codes[j].text);
		}
	}
	ck_assert_str_eq(fp_strerror(1), "unknown error");
	ck_assert_str_eq(fp_strerror(-9), "unknown error");
	ck_assert_str_eq(fp_strerror(-1000), "unknown error");
	ck_assert_str_eq(fp_strerror(INT_MIN), "unknown error");
	ck_assert_str_eq(fp_strerror(INT_MAX), "unknown error");
}
END_TEST

/* Returns the suite of the public C API (include/fullprof.h). */
Suite *
suite_capi(void)
{
	Suite *s = suite_create("capi");
	TCase *tc;

	tc = tcase_create("fp_options_init");
	tcase_add_test(tc, test_fp_options_init_defaults);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp_strerror");
	tcase_add_test(tc, test_fp_strerror);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp_profile_start_no_python");
	tcase_add_test(tc, test_fp_profile_start_no_python);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp_profile_new");
	tcase_add_checked_fixture(tc, python_up, python_down);
	tcase_add_test(tc, test_fp_profile_new_defaults);
	tcase_add_test(tc, test_fp_profile_new_invalid);
	tcase_add_loop_test(tc, test_fp_profile_new_timer_kinds, 0, 4);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp_profile_start");
	tcase_add_checked_fixture(tc, python_up, python_down);
	tcase_add_test(tc, test_fp_profile_start_stop);
	tcase_add_test(tc, test_fp_profile_start_null);
	tcase_add_test(tc, test_fp_profile_start_busy);
	suite_add_tcase(s, tc);

	tc = tcase_create("accounting");
	tcase_add_checked_fixture(tc, python_up, python_down);
	tcase_add_test(tc, test_fp_profile_exact_chain);
	tcase_add_test(tc, test_fp_profile_exact_builtins);
	tcase_add_test(tc, test_fp_profile_exact_recursion);
	tcase_add_loop_test(tc, test_fp_profile_exact_generator, 0, 2);
	tcase_add_loop_test(tc, test_fp_profile_exact_coroutine, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp_profile_snapshot");
	tcase_add_checked_fixture(tc, python_up, python_down);
	tcase_add_test(tc, test_fp_profile_snapshot_running);
	tcase_add_test(tc, test_fp_profile_snapshot_inside);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp_profile_clear");
	tcase_add_checked_fixture(tc, python_up, python_down);
	tcase_add_test(tc, test_fp_profile_clear);
	tcase_add_test(tc, test_fp_profile_clear_inside);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp_profile_add_function");
	tcase_add_checked_fixture(tc, python_up, python_down);
	tcase_add_loop_test(tc, test_fp_profile_add_function_forms, 0,
	    (int)(sizeof filter_cases / sizeof filter_cases[0]));
	tcase_add_test(tc, test_fp_profile_add_function_no_data);
	tcase_add_test(tc, test_fp_profile_add_function_list);
	tcase_add_test(tc, test_fp_profile_add_function_duplicate);
	tcase_add_test(tc, test_fp_profile_add_function_while_running);
	tcase_add_test(tc, test_fp_profile_add_function_inside);
	tcase_add_test(tc, test_fp_profile_add_function_coroutine);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp_profile_write");
	tcase_add_checked_fixture(tc, python_up, python_down);
	tcase_add_test(tc, test_fp_profile_write_json);
	tcase_add_test(tc, test_fp_profile_write_table);
	tcase_add_test(tc, test_fp_profile_write_errors);
	suite_add_tcase(s, tc);
	return s;
}
