/*
 * snapshot.c: checks for runtime/core/snapshot.c: call paths and threads summed
 * into one row per function, primitive calls under recursion, live
 * snapshots that close open activations in the copy only, the metadata
 * copy, the sort keys and the public accessors.
 *
 * Accounting is driven with synthetic events at explicit times on the fake
 * clock (or, once, in TSC ticks), so every figure is asserted exactly.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "suites.h"
#include "trace/accounting.h"
#include "core/snapshot.h"

static fp__acct_t acct;
static fp_time_t fake_now;
static const char *test_name;

/* Sets up accounting on the fake clock for the named test; wall decides
 * whether suspension counts as time. */
static void
setup(const char *name, int wall)
{
	fp_options_t o;

	memset(&o, 0, sizeof o);
	o.timer = FP_TIMER_CUSTOM;
	o.timer_fn = fp__fake_clock_fn;
	o.timer_ctx = &fake_now;
	o.timer_is_wall = wall;
	ck_assert_int_eq(fp__acct_init(&acct, &o), FP_OK);
	test_name = name;
}

/* Returns a thread registered with the accounting. */
static fp__thread_t *
thread(unsigned long ident)
{
	fp__thread_t *t = fp__acct_new_thread(&acct, ident, (long)ident);

	ck_assert_ptr_nonnull(t);
	return t;
}

/* Returns the function name of this test's own file. */
static fp__func_t *
fn(const char *name)
{
	char file[128];
	fp__func_t *f;

	snprintf(file, sizeof file, "/t/snapshot/%s.py", test_name);
	f = fp__func_intern(file, 1, name, 0);
	ck_assert_ptr_nonnull(f);
	return f;
}

/* Enters a plain call of f at time now. */
static void
call(fp__thread_t *t, fp__func_t *f, fp_time_t now)
{
	ck_assert_int_eq(fp__acct_push(&acct, t, f, NULL, now), 0);
}

/* Returns from the running plain call at time now. */
static void
ret(fp__thread_t *t, fp_time_t now)
{
	ck_assert_uint_gt(t->depth, 0);
	fp__acct_return(t, now);
}

/* Builds a snapshot with empty metadata. */
static fp_snapshot_t *
snap(int live, fp_time_t now)
{
	fp__meta_t meta;
	fp_snapshot_t *s;

	memset(&meta, 0, sizeof meta);
	s = fp__snapshot_build(&acct, live, now, &meta, NULL);
	ck_assert_ptr_nonnull(s);
	return s;
}

/* Returns the row of the named function, or NULL. */
static const fp_row_t *
find(const fp_snapshot_t *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->count; i++)
		if (strcmp(s->rows[i].name, name) == 0)
			return &s->rows[i];
	return NULL;
}

/* Returns the row of the named function, failing the test if it is
 * missing. */
static const fp_row_t *
row(const fp_snapshot_t *s, const char *name)
{
	const fp_row_t *r = find(s, name);

	ck_assert_msg(r != NULL, "no row for %s", name);
	return r;
}

/* Asserts every figure of a row. */
static void
assert_row(const fp_row_t *r, uint64_t calls, uint64_t primitive,
    fp_time_t own, fp_time_t total, fp_time_t suspended, fp_time_t min,
    fp_time_t mean, fp_time_t max)
{
	ck_assert_msg(r->calls == calls, "%s: calls %llu, expected %llu",
	    r->name, (unsigned long long)r->calls, (unsigned long long)calls);
	ck_assert_msg(r->primitive_calls == primitive,
	    "%s: primitive_calls %llu, expected %llu", r->name,
	    (unsigned long long)r->primitive_calls,
	    (unsigned long long)primitive);
	ck_assert_msg(r->own == own, "%s: own %lld, expected %lld", r->name,
	    (long long)r->own, (long long)own);
	ck_assert_msg(r->total == total, "%s: total %lld, expected %lld",
	    r->name, (long long)r->total, (long long)total);
	ck_assert_msg(r->suspended == suspended,
	    "%s: suspended %lld, expected %lld", r->name,
	    (long long)r->suspended, (long long)suspended);
	ck_assert_msg(r->min == min, "%s: min %lld, expected %lld", r->name,
	    (long long)r->min, (long long)min);
	ck_assert_msg(r->mean == mean, "%s: mean %lld, expected %lld",
	    r->name, (long long)r->mean, (long long)mean);
	ck_assert_msg(r->max == max, "%s: max %lld, expected %lld", r->name,
	    (long long)r->max, (long long)max);
}

/* Returns a copy of the figures of every node of the tree. */
static fp__stats_t *
save_stats(void)
{
	fp__stats_t *saved = malloc((acct.tree.count + 1) * sizeof *saved);
	uint32_t i;

	ck_assert_ptr_nonnull(saved);
	for (i = 0; i < acct.tree.count; i++)
		saved[i] = acct.tree.nodes[i]->stats;
	return saved;
}

/* Asserts that no node's figures changed since save_stats, and frees the
 * copy. */
static void
assert_stats_unchanged(fp__stats_t *saved)
{
	uint32_t i;

	for (i = 0; i < acct.tree.count; i++)
		ck_assert_msg(memcmp(&saved[i], &acct.tree.nodes[i]->stats,
		    sizeof saved[i]) == 0, "node %u changed", i);
	free(saved);
}

START_TEST(test_fp__snapshot_build_paths_and_threads)
{
	fp__thread_t *t1, *t2;
	fp_snapshot_t *s;

	setup("paths", 1);
	t1 = thread(1);
	t2 = thread(2);
	/* Thread 1: main -> leaf, main -> helper -> leaf. */
	call(t1, fn("main"), 0);
	call(t1, fn("leaf"), 10);
	ret(t1, 30);
	call(t1, fn("helper"), 40);
	call(t1, fn("leaf"), 50);
	ret(t1, 60);
	ret(t1, 70);
	ret(t1, 100);
	/* Thread 2: leaf, helper -> leaf. */
	call(t2, fn("leaf"), 0);
	ret(t2, 5);
	call(t2, fn("helper"), 10);
	call(t2, fn("leaf"), 12);
	ret(t2, 20);
	ret(t2, 25);
	/* Two roots and seven call paths, three functions. */
	ck_assert_uint_eq(acct.tree.count, 9);
	fn("never_called");

	s = snap(0, 1000);
	ck_assert_uint_eq(s->count, 3);
	/* leaf: 20 + 10 + 5 + 8 on four paths in two threads. */
	assert_row(row(s, "leaf"), 4, 4, 43, 43, 0, 5, 10, 20);
	/* helper: 30 (own 20) and 15 (own 7). */
	assert_row(row(s, "helper"), 2, 2, 27, 45, 0, 15, 22, 30);
	assert_row(row(s, "main"), 1, 1, 50, 100, 0, 100, 100, 100);
	ck_assert_ptr_null(find(s, "never_called"));
	ck_assert_int_eq(row(s, "leaf")->line, 1);
	ck_assert_str_eq(row(s, "leaf")->file, "/t/snapshot/paths.py");
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

START_TEST(test_fp__snapshot_build_builtin)
{
	fp__thread_t *t;
	fp__func_t *len = fp__func_intern("~", 0,
	    "<built-in function snapshot_len>", FP__FUNC_BUILTIN);
	fp_snapshot_t *s;
	const fp_row_t *r;

	setup("builtin", 1);
	t = thread(1);
	call(t, fn("main"), 0);
	ck_assert_int_eq(fp__acct_push(&acct, t, len, NULL, 3), 0);
	ret(t, 4);
	ret(t, 10);
	s = snap(0, 10);
	r = row(s, "<built-in function snapshot_len>");
	ck_assert_str_eq(r->file, "~");
	ck_assert_int_eq(r->line, 0);
	assert_row(r, 1, 1, 1, 1, 0, 1, 1, 1);
	assert_row(row(s, "main"), 1, 1, 9, 10, 0, 10, 10, 10);
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

START_TEST(test_fp__snapshot_build_recursion_direct)
{
	fp__thread_t *t;
	fp_snapshot_t *s;

	setup("direct", 1);
	t = thread(1);
	call(t, fn("f"), 0);
	call(t, fn("f"), 10);
	call(t, fn("f"), 20);
	ret(t, 30);
	ret(t, 40);
	ret(t, 100);
	s = snap(0, 100);
	ck_assert_uint_eq(s->count, 1);
	/* Three calls, one primitive; total counts the outermost only; own
	 * is 10 + 20 + 70. */
	assert_row(row(s, "f"), 3, 1, 100, 100, 0, 10, 46, 100);
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

START_TEST(test_fp__snapshot_build_recursion_mutual)
{
	fp__thread_t *t;
	fp_snapshot_t *s;

	setup("mutual", 1);
	t = thread(1);
	/* a -> b -> a -> b */
	call(t, fn("a"), 0);
	call(t, fn("b"), 10);
	call(t, fn("a"), 20);
	call(t, fn("b"), 30);
	ret(t, 35);
	ret(t, 45);
	ret(t, 60);
	ret(t, 100);
	s = snap(0, 100);
	ck_assert_uint_eq(s->count, 2);
	assert_row(row(s, "a"), 2, 1, 70, 100, 0, 25, 62, 100);
	assert_row(row(s, "b"), 2, 1, 30, 50, 0, 5, 27, 50);
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

START_TEST(test_fp__snapshot_build_recursion_other_path)
{
	fp__thread_t *t;
	fp_snapshot_t *s;

	/* f calls itself on one path and is called plainly on another:
	 * primitive_calls counts only the non-recursive activations. */
	setup("otherpath", 1);
	t = thread(1);
	call(t, fn("main"), 0);
	call(t, fn("f"), 0);
	call(t, fn("f"), 2);
	ret(t, 3);
	ret(t, 4);
	call(t, fn("g"), 10);
	call(t, fn("f"), 11);
	ret(t, 12);
	ret(t, 20);
	ret(t, 20);
	s = snap(0, 20);
	assert_row(row(s, "f"), 3, 2, 5, 5, 0, 1, 2, 4);
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

START_TEST(test_fp__snapshot_build_live)
{
	fp__thread_t *t;
	fp_snapshot_t *s;
	fp__stats_t *saved;
	fp_time_t enter0, enter1;

	setup("live", 1);
	t = thread(1);
	call(t, fn("main"), 0);
	call(t, fn("leaf"), 10);
	ret(t, 20);
	call(t, fn("child"), 30);
	enter0 = t->stack[0].enter;
	enter1 = t->stack[1].enter;

	/* Not live: the open calls have no figures yet. */
	s = snap(0, 50);
	ck_assert_uint_eq(s->count, 1);
	assert_row(row(s, "leaf"), 1, 1, 10, 10, 0, 10, 10, 10);
	fp_snapshot_free(s);

	/* Live at 50: main and child closed as of then, in the copy only. */
	saved = save_stats();
	s = snap(1, 50);
	ck_assert_uint_eq(s->count, 3);
	assert_row(row(s, "leaf"), 1, 1, 10, 10, 0, 10, 10, 10);
	assert_row(row(s, "child"), 1, 1, 20, 20, 0, 20, 20, 20);
	assert_row(row(s, "main"), 1, 1, 20, 50, 0, 50, 50, 50);
	fp_snapshot_free(s);
	assert_stats_unchanged(saved);
	ck_assert_uint_eq(t->depth, 2);
	ck_assert_int_eq(t->stack[0].enter, enter0);
	ck_assert_int_eq(t->stack[1].enter, enter1);
	ck_assert_int_eq(t->stack[0].children, 10);
	ck_assert_int_eq(t->stack[1].children, 0);

	/* The calls end later; a second snapshot counts each once. */
	ret(t, 60);
	ret(t, 80);
	s = snap(1, 200);
	ck_assert_uint_eq(s->count, 3);
	assert_row(row(s, "leaf"), 1, 1, 10, 10, 0, 10, 10, 10);
	assert_row(row(s, "child"), 1, 1, 30, 30, 0, 30, 30, 30);
	assert_row(row(s, "main"), 1, 1, 40, 80, 0, 80, 80, 80);
	fp_snapshot_free(s);
	/* With nothing open, live and not live agree. */
	s = snap(0, 200);
	assert_row(row(s, "child"), 1, 1, 30, 30, 0, 30, 30, 30);
	assert_row(row(s, "main"), 1, 1, 40, 80, 0, 80, 80, 80);
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

START_TEST(test_fp__snapshot_build_live_repeated)
{
	fp__thread_t *t;
	fp_snapshot_t *s;
	int i;

	/* Many live snapshots of an open call never add up. */
	setup("repeated", 1);
	t = thread(1);
	call(t, fn("main"), 100);
	for (i = 1; i <= 5; i++) {
		s = snap(1, 100 + i * 10);
		assert_row(row(s, "main"), 1, 1, i * 10, i * 10, 0, i * 10,
		    i * 10, i * 10);
		fp_snapshot_free(s);
	}
	/* A clock read before the call began counts as no time. */
	s = snap(1, 50);
	assert_row(row(s, "main"), 1, 1, 0, 0, 0, 0, 0, 0);
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

START_TEST(test_fp__snapshot_build_live_two_threads)
{
	fp__thread_t *t1, *t2;
	fp_snapshot_t *s;

	setup("livethreads", 1);
	t1 = thread(1);
	t2 = thread(2);
	call(t1, fn("work"), 0);
	call(t2, fn("work"), 20);
	call(t2, fn("inner"), 25);
	s = snap(1, 40);
	/* work: 40 in thread 1, 20 (15 in inner) in thread 2. */
	assert_row(row(s, "work"), 2, 2, 45, 60, 0, 20, 30, 40);
	assert_row(row(s, "inner"), 1, 1, 15, 15, 0, 15, 15, 15);
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

START_TEST(test_fp__snapshot_build_live_generator)
{
	fp__thread_t *t;
	fp_snapshot_t *s;
	fp__stats_t *saved;
	int frame;

	setup("livegen", 1);
	t = thread(1);
	call(t, fn("main"), 0);
	ck_assert_int_eq(fp__acct_gen_start(&acct, t, fn("gen"), &frame, 10),
	    0);
	fp__acct_gen_suspend(&acct, t, 20);

	/* Suspended: not live, it has own time but no finished call. */
	s = snap(0, 40);
	ck_assert_uint_eq(s->count, 1);
	assert_row(row(s, "gen"), 0, 0, 10, 0, 0, 0, 0, 0);
	fp_snapshot_free(s);

	/* Live while suspended: it ends at its last suspension. */
	saved = save_stats();
	s = snap(1, 40);
	assert_row(row(s, "gen"), 1, 1, 10, 10, 0, 10, 10, 10);
	assert_row(row(s, "main"), 1, 1, 30, 40, 0, 40, 40, 40);
	fp_snapshot_free(s);
	assert_stats_unchanged(saved);
	ck_assert_uint_eq(acct.nwaiting, 1);

	/* Live while running again: 10 + 5 running, 30 suspended. */
	ck_assert_int_eq(fp__acct_gen_resume(&acct, t, fn("gen"), &frame, 50),
	    0);
	saved = save_stats();
	s = snap(1, 55);
	assert_row(row(s, "gen"), 1, 1, 15, 45, 30, 45, 45, 45);
	assert_row(row(s, "main"), 1, 1, 40, 55, 0, 55, 55, 55);
	fp_snapshot_free(s);
	assert_stats_unchanged(saved);
	ck_assert_uint_eq(t->depth, 2);

	/* Finished: the same figures as the live view predicted, at 60. */
	fp__acct_gen_finish(&acct, t, 60);
	ret(t, 100);
	s = snap(0, 100);
	assert_row(row(s, "gen"), 1, 1, 20, 50, 30, 50, 50, 50);
	assert_row(row(s, "main"), 1, 1, 80, 100, 0, 100, 100, 100);
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

START_TEST(test_fp__snapshot_build_generator_cpu)
{
	fp__thread_t *t;
	fp_snapshot_t *s;
	int frame;

	/* On a CPU clock suspension is not time. */
	setup("gencpu", 0);
	t = thread(1);
	call(t, fn("main"), 0);
	ck_assert_int_eq(fp__acct_gen_start(&acct, t, fn("gen"), &frame, 10),
	    0);
	fp__acct_gen_suspend(&acct, t, 20);
	ck_assert_int_eq(fp__acct_gen_resume(&acct, t, fn("gen"), &frame, 50),
	    0);
	s = snap(1, 55);
	assert_row(row(s, "gen"), 1, 1, 15, 15, 0, 15, 15, 15);
	fp_snapshot_free(s);
	fp__acct_gen_finish(&acct, t, 60);
	ret(t, 100);
	s = snap(0, 100);
	assert_row(row(s, "gen"), 1, 1, 20, 20, 0, 20, 20, 20);
	assert_row(row(s, "main"), 1, 1, 80, 100, 0, 100, 100, 100);
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

/* Returns CLOCK_MONOTONIC in nanoseconds. */
static fp_time_t
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (fp_time_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

START_TEST(test_fp__snapshot_build_tsc_scaled)
{
	fp__thread_t *t;
	fp_snapshot_t *s;
	fp_options_t o;
	uint64_t tsc0, x;

	/* On the TSC the figures are ticks, turned into nanoseconds by the
	 * snapshot. Whatever the machine, make the clock a TSC one whose
	 * reference point lies so far back that the rate measured now is 2ns
	 * a tick to within parts per billion, then feed ticks by hand. */
	memset(&o, 0, sizeof o);
	o.timer = FP_TIMER_WALL;
	ck_assert_int_eq(fp__acct_init(&acct, &o), FP_OK);
	test_name = "tsc";
	tsc0 = __builtin_ia32_rdtsc();
	x = tsc0 / 2;
	ck_assert_uint_gt(x, 1000000000);
	acct.clock.source = FP__CLOCK_TSC;
	acct.clock.base_tsc = tsc0 - x;
	acct.clock.base_ns = mono() - 2 * (fp_time_t)x;

	t = thread(1);
	call(t, fn("main"), 0);
	call(t, fn("leaf"), 100);
	ret(t, 350);
	call(t, fn("leaf"), 400);
	ret(t, 401);
	ret(t, 1000);
	s = snap(0, 1000);
	/* leaf: 250 and 1 ticks, 500 and 2ns: its mean is 251ns. */
	assert_row(row(s, "leaf"), 2, 2, 502, 502, 0, 2, 251, 500);
	assert_row(row(s, "main"), 1, 1, 1498, 2000, 0, 2000, 2000, 2000);
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

START_TEST(test_fp__snapshot_build_meta)
{
	char python[] = "3.11.2", arg0[] = "app.py", arg1[] = "--fast";
	char *argv[] = { arg0, arg1, NULL };
	fp__meta_t meta;
	fp_snapshot_t *s;

	setup("meta", 1);
	memset(&meta, 0, sizeof meta);
	meta.mode = "trace";
	meta.timer = "wall";
	meta.python = python;
	meta.pid = 4242;
	meta.argc = 2;
	meta.argv = argv;
	meta.duration = 123456789;
	meta.started_unix_ns = 1700000000000000000LL;
	meta.lost = 99;
	acct.lost = 5;
	s = fp__snapshot_build(&acct, 1, 0, &meta, NULL);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->count, 0);
	ck_assert_str_eq(s->meta.mode, "trace");
	ck_assert_str_eq(s->meta.timer, "wall");
	ck_assert_int_eq(s->meta.pid, 4242);
	ck_assert_int_eq(s->meta.duration, 123456789);
	ck_assert_int_eq(s->meta.started_unix_ns, 1700000000000000000LL);
	/* Lost events come from the accounting, not the caller. */
	ck_assert_uint_eq(s->meta.lost, 5);
	/* Strings are copies: changing the originals changes nothing. */
	ck_assert_int_eq(s->meta.argc, 2);
	ck_assert_ptr_ne(s->meta.python, python);
	ck_assert_ptr_ne(s->meta.argv, argv);
	ck_assert_ptr_ne(s->meta.argv[0], arg0);
	python[0] = 'X';
	arg0[0] = 'X';
	arg1[0] = 'X';
	ck_assert_str_eq(s->meta.python, "3.11.2");
	ck_assert_str_eq(s->meta.argv[0], "app.py");
	ck_assert_str_eq(s->meta.argv[1], "--fast");
	ck_assert_ptr_null(s->meta.argv[2]);
	ck_assert_int_eq(fp_snapshot_duration(s), 123456789);
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

START_TEST(test_fp__meta_copy_free)
{
	fp__meta_t src, dst;
	char *argv[] = { "one", NULL };

	memset(&src, 0, sizeof src);
	src.timer = "cpu";
	src.pid = 3;
	ck_assert_int_eq(fp__meta_copy(&dst, &src), 0);
	ck_assert_ptr_null(dst.python);
	ck_assert_ptr_null(dst.argv);
	ck_assert_int_eq(dst.argc, 0);
	ck_assert_str_eq(dst.timer, "cpu");
	ck_assert_int_eq(dst.pid, 3);
	fp__meta_free(&dst);

	src.python = "3.12.0";
	src.argc = 1;
	src.argv = argv;
	ck_assert_int_eq(fp__meta_copy(&dst, &src), 0);
	ck_assert_str_eq(dst.python, "3.12.0");
	ck_assert_str_eq(dst.argv[0], "one");
	fp__meta_free(&dst);
	ck_assert_ptr_null(dst.python);
	ck_assert_ptr_null(dst.argv);
	ck_assert_int_eq(dst.argc, 0);
	/* Freeing twice is harmless. */
	fp__meta_free(&dst);
}
END_TEST

static fp_row_t sort_rows[5];

/* Fills *s with five hand-made rows that each key orders differently. */
static void
make_sort_snap(fp_snapshot_t *s)
{
	static const struct {
		const char *name;
		fp_time_t total, own, mean, max;
		uint64_t calls;
	} r[5] = {
		{ "mike", 400, 100, 400, 400, 1 },
		{ "alpha", 300, 300, 100, 150, 3 },
		{ "zulu", 200, 50, 20, 500, 10 },
		{ "kilo", 100, 200, 50, 60, 2 },
		{ "echo", 50, 10, 5, 10, 5 },
	};
	size_t i;

	memset(s, 0, sizeof *s);
	memset(sort_rows, 0, sizeof sort_rows);
	for (i = 0; i < 5; i++) {
		sort_rows[i].file = "/f.py";
		sort_rows[i].line = (int)i + 1;
		sort_rows[i].name = r[i].name;
		sort_rows[i].total = r[i].total;
		sort_rows[i].own = r[i].own;
		sort_rows[i].mean = r[i].mean;
		sort_rows[i].max = r[i].max;
		sort_rows[i].calls = sort_rows[i].primitive_calls = r[i].calls;
	}
	s->rows = sort_rows;
	s->count = 5;
}

/* Asserts the names of s's rows, in order. */
static void
assert_names(const fp_snapshot_t *s, const char *const names[5])
{
	size_t i;

	for (i = 0; i < 5; i++)
		ck_assert_msg(strcmp(s->rows[i].name, names[i]) == 0,
		    "row %zu is %s, expected %s", i, s->rows[i].name, names[i]);
}

START_TEST(test_fp__snapshot_sort_keys)
{
	static const struct {
		fp__sort_key_t key;
		const char *names[5];
	} cases[] = {
		{ FP__SORT_TOTAL, { "mike", "alpha", "zulu", "kilo", "echo" } },
		{ FP__SORT_OWN, { "alpha", "kilo", "mike", "zulu", "echo" } },
		{ FP__SORT_CALLS, { "zulu", "echo", "alpha", "kilo", "mike" } },
		{ FP__SORT_MEAN, { "mike", "alpha", "kilo", "zulu", "echo" } },
		{ FP__SORT_MAX, { "zulu", "mike", "alpha", "kilo", "echo" } },
		{ FP__SORT_NAME, { "alpha", "echo", "kilo", "mike", "zulu" } },
	};
	fp_snapshot_t s;
	size_t i;

	make_sort_snap(&s);
	/* Each key from a fresh order and from the previous key's order. */
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fp__snapshot_sort(&s, cases[i].key);
		assert_names(&s, cases[i].names);
		make_sort_snap(&s);
		fp__snapshot_sort(&s, FP__SORT_NAME);
		fp__snapshot_sort(&s, cases[i].key);
		assert_names(&s, cases[i].names);
	}
}
END_TEST

START_TEST(test_fp__snapshot_sort_ties)
{
	fp_row_t rows[4];
	fp_snapshot_t s;

	/* Equal totals: larger own first, then name, file and line. */
	memset(rows, 0, sizeof rows);
	rows[0].name = "b"; rows[0].file = "/x.py"; rows[0].line = 9;
	rows[1].name = "b"; rows[1].file = "/x.py"; rows[1].line = 2;
	rows[2].name = "b"; rows[2].file = "/a.py"; rows[2].line = 5;
	rows[3].name = "a"; rows[3].file = "/z.py"; rows[3].line = 1;
	rows[0].total = rows[1].total = rows[2].total = rows[3].total = 10;
	rows[0].own = 1;
	memset(&s, 0, sizeof s);
	s.rows = rows;
	s.count = 4;
	fp__snapshot_sort(&s, FP__SORT_TOTAL);
	ck_assert_int_eq(rows[0].line, 9);
	ck_assert_str_eq(rows[1].name, "a");
	ck_assert_str_eq(rows[2].file, "/a.py");
	ck_assert_int_eq(rows[3].line, 2);
	/* By name, own does not matter. */
	fp__snapshot_sort(&s, FP__SORT_NAME);
	ck_assert_str_eq(rows[0].name, "a");
	ck_assert_str_eq(rows[1].file, "/a.py");
	ck_assert_int_eq(rows[2].line, 2);
	ck_assert_int_eq(rows[3].line, 9);
}
END_TEST

START_TEST(test_fp__snapshot_sort_built)
{
	fp__thread_t *t;
	fp_snapshot_t *s;

	/* Sorting a real snapshot (rows come out in registry order). */
	setup("sortbuilt", 1);
	t = thread(1);
	call(t, fn("alpha"), 0);
	ret(t, 1);
	call(t, fn("beta"), 10);
	ret(t, 110);
	call(t, fn("gamma"), 200);
	ret(t, 250);
	s = snap(0, 300);
	ck_assert_uint_eq(s->count, 3);
	fp__snapshot_sort(s, FP__SORT_TOTAL);
	ck_assert_str_eq(s->rows[0].name, "beta");
	ck_assert_str_eq(s->rows[1].name, "gamma");
	ck_assert_str_eq(s->rows[2].name, "alpha");
	fp__snapshot_sort(s, FP__SORT_NAME);
	ck_assert_str_eq(s->rows[0].name, "alpha");
	ck_assert_str_eq(s->rows[1].name, "beta");
	ck_assert_str_eq(s->rows[2].name, "gamma");
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

START_TEST(test_fp__sort_key_parse_names)
{
	static const struct {
		const char *name;
		fp__sort_key_t key;
	} good[] = {
		{ "total", FP__SORT_TOTAL }, { "own", FP__SORT_OWN },
		{ "calls", FP__SORT_CALLS }, { "mean", FP__SORT_MEAN },
		{ "max", FP__SORT_MAX }, { "name", FP__SORT_NAME },
	};
	static const char *const bad[] = { "", "Total", "TOTAL", "totals",
	    "tot", "cumulative", "tottime", "min", "own ", " own", "file" };
	fp__sort_key_t key;
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		key = (fp__sort_key_t)-1;
		ck_assert_int_eq(fp__sort_key_parse(good[i].name, &key), 0);
		ck_assert_int_eq(key, good[i].key);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		key = FP__SORT_MAX;
		ck_assert_msg(fp__sort_key_parse(bad[i], &key) == -1,
		    "\"%s\" accepted", bad[i]);
		/* A rejected name leaves the key alone. */
		ck_assert_int_eq(key, FP__SORT_MAX);
	}
}
END_TEST

START_TEST(test_fp_snapshot_accessors)
{
	fp__thread_t *t;
	fp_snapshot_t *s;

	setup("accessors", 1);
	t = thread(1);
	call(t, fn("one"), 0);
	ret(t, 7);
	s = snap(0, 7);
	ck_assert_uint_eq(fp_snapshot_count(s), 1);
	ck_assert_ptr_eq(fp_snapshot_row(s, 0), &s->rows[0]);
	ck_assert_str_eq(fp_snapshot_row(s, 0)->name, "one");
	ck_assert_ptr_null(fp_snapshot_row(s, 1));
	ck_assert_ptr_null(fp_snapshot_row(s, (size_t)-1));
	ck_assert_int_eq(fp_snapshot_duration(s), 0);
	fp_snapshot_free(s);
	/* NULL is accepted everywhere. */
	ck_assert_uint_eq(fp_snapshot_count(NULL), 0);
	ck_assert_ptr_null(fp_snapshot_row(NULL, 0));
	ck_assert_int_eq(fp_snapshot_duration(NULL), 0);
	fp_snapshot_free(NULL);
	fp__acct_free(&acct);
}
END_TEST

/* Returns the suite of runtime/core/snapshot.c. */
Suite *
suite_snapshot(void)
{
	Suite *s = suite_create("snapshot");
	TCase *tc;

	tc = tcase_create("fp__snapshot_build");
	tcase_add_test(tc, test_fp__snapshot_build_paths_and_threads);
	tcase_add_test(tc, test_fp__snapshot_build_builtin);
	tcase_add_test(tc, test_fp__snapshot_build_recursion_direct);
	tcase_add_test(tc, test_fp__snapshot_build_recursion_mutual);
	tcase_add_test(tc, test_fp__snapshot_build_recursion_other_path);
	tcase_add_test(tc, test_fp__snapshot_build_live);
	tcase_add_test(tc, test_fp__snapshot_build_live_repeated);
	tcase_add_test(tc, test_fp__snapshot_build_live_two_threads);
	tcase_add_test(tc, test_fp__snapshot_build_live_generator);
	tcase_add_test(tc, test_fp__snapshot_build_generator_cpu);
	tcase_add_test(tc, test_fp__snapshot_build_tsc_scaled);
	tcase_add_test(tc, test_fp__snapshot_build_meta);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__meta_copy");
	tcase_add_test(tc, test_fp__meta_copy_free);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__snapshot_sort");
	tcase_add_test(tc, test_fp__snapshot_sort_keys);
	tcase_add_test(tc, test_fp__snapshot_sort_ties);
	tcase_add_test(tc, test_fp__snapshot_sort_built);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__sort_key_parse");
	tcase_add_test(tc, test_fp__sort_key_parse_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp_snapshot");
	tcase_add_test(tc, test_fp_snapshot_accessors);
	suite_add_tcase(s, tc);
	return s;
}
