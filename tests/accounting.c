/*
 * accounting.c: exact accounting checks for runtime/trace/accounting.c, driven
 * with synthetic events and explicit times (the fake clock), summed into
 * per-function rows through a snapshot.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "trace/accounting.h"
#include "core/snapshot.h"

static fp__acct_t acct;
static fp__thread_t *thr;
static fp_time_t fake_now;
static int unique;

/* Sets up accounting on the fake clock; wall decides whether suspension
 * counts as time. */
static void
setup_clock(int wall)
{
	fp_options_t o;

	fp_options_init(&o);
	o.timer = FP_TIMER_CUSTOM;
	o.timer_fn = fp__fake_clock_fn;
	o.timer_ctx = &fake_now;
	o.timer_is_wall = wall;
	ck_assert_int_eq(fp__acct_init(&acct, &o), FP_OK);
	thr = fp__acct_new_thread(&acct, 1, 1);
	ck_assert_ptr_nonnull(thr);
	unique++;
}

/* Returns a function record whose name is unique to this test run. */
static fp__func_t *
func(const char *name)
{
	char file[64];

	snprintf(file, sizeof file, "/t/test%d.py", unique);
	return fp__func_intern(file, 1, name, 0);
}

/* Returns a snapshot's row for the named function (fails the test when it
 * is missing). */
static const fp_row_t *
row(fp_snapshot_t *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->count; i++) {
		if (strcmp(s->rows[i].name, name) == 0)
			return &s->rows[i];
	}
	ck_abort_msg("no row for %s", name);
	return NULL;
}

/* Takes a snapshot of the accounting as it is (nothing open). */
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

/* Calls func at time t (a plain call). */
static void
call(fp__func_t *f, fp_time_t t)
{
	ck_assert_int_eq(fp__acct_push(&acct, thr, f, NULL, t), 0);
}

START_TEST(test_fp__acct_return_chain)
{
	fp__func_t *a, *b, *c;
	fp_snapshot_t *s;

	setup_clock(1);
	a = func("a"), b = func("b"), c = func("c");
	call(a, 0);
	call(b, 10);
	call(c, 20);
	fp__acct_return(thr, 50);
	fp__acct_return(thr, 70);
	fp__acct_return(thr, 100);
	s = snap(0, 100);
	ck_assert_int_eq(row(s, "c")->own, 30);
	ck_assert_int_eq(row(s, "c")->total, 30);
	ck_assert_int_eq(row(s, "b")->own, 30);
	ck_assert_int_eq(row(s, "b")->total, 60);
	ck_assert_int_eq(row(s, "a")->own, 40);
	ck_assert_int_eq(row(s, "a")->total, 100);
	ck_assert_int_eq(row(s, "a")->calls, 1);
	ck_assert_int_eq(row(s, "a")->min, 100);
	ck_assert_int_eq(row(s, "a")->max, 100);
	ck_assert_int_eq(row(s, "a")->mean, 100);
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

START_TEST(test_fp__acct_return_repeated_calls)
{
	fp__func_t *m, *x;
	fp_snapshot_t *s;

	setup_clock(1);
	m = func("main"), x = func("x");
	call(m, 0);
	call(x, 10);
	fp__acct_return(thr, 13);	/* 3 */
	call(x, 20);
	fp__acct_return(thr, 29);	/* 9 */
	call(x, 30);
	fp__acct_return(thr, 36);	/* 6 */
	fp__acct_return(thr, 40);
	s = snap(0, 40);
	ck_assert_int_eq(row(s, "x")->calls, 3);
	ck_assert_int_eq(row(s, "x")->total, 18);
	ck_assert_int_eq(row(s, "x")->min, 3);
	ck_assert_int_eq(row(s, "x")->max, 9);
	ck_assert_int_eq(row(s, "x")->mean, 6);
	ck_assert_int_eq(row(s, "main")->own, 22);
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

START_TEST(test_fp__acct_return_recursion)
{
	fp__func_t *f;
	fp_snapshot_t *s;
	const fp_row_t *r;

	setup_clock(1);
	f = func("f");
	call(f, 0);
	call(f, 10);
	call(f, 20);
	fp__acct_return(thr, 30);	/* inner: 10 */
	fp__acct_return(thr, 40);	/* middle: 30 */
	fp__acct_return(thr, 50);	/* outer: 50 */
	s = snap(0, 50);
	r = row(s, "f");
	ck_assert_int_eq(r->calls, 3);
	ck_assert_int_eq(r->primitive_calls, 1);
	ck_assert_int_eq(r->total, 50);	/* once, for the outermost */
	ck_assert_int_eq(r->own, 50);
	ck_assert_int_eq(r->min, 10);
	ck_assert_int_eq(r->max, 50);
	ck_assert_int_eq(r->mean, 30);
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

START_TEST(test_fp__acct_return_mutual_recursion)
{
	fp__func_t *a, *b;
	fp_snapshot_t *s;

	setup_clock(1);
	a = func("a"), b = func("b");
	call(a, 0);
	call(b, 10);
	call(a, 20);
	fp__acct_return(thr, 25);
	fp__acct_return(thr, 30);
	fp__acct_return(thr, 40);
	s = snap(0, 40);
	ck_assert_int_eq(row(s, "a")->calls, 2);
	ck_assert_int_eq(row(s, "a")->primitive_calls, 1);
	ck_assert_int_eq(row(s, "a")->total, 40);
	ck_assert_int_eq(row(s, "b")->calls, 1);
	ck_assert_int_eq(row(s, "b")->total, 20);
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

/* A coroutine that runs 0..10, waits 10..40 while the loop runs x, and
 * finishes 40..50. */
static fp_snapshot_t *
coroutine_with_wait(void)
{
	fp__func_t *co = func("co"), *loop = func("loop");
	static int key;

	ck_assert_int_eq(fp__acct_gen_start(&acct, thr, co, &key, 0), 0);
	fp__acct_gen_suspend(&acct, thr, 10);
	call(loop, 10);
	fp__acct_return(thr, 40);
	ck_assert_int_eq(fp__acct_gen_resume(&acct, thr, co, &key, 40), 0);
	fp__acct_gen_finish(&acct, thr, 50);
	return snap(0, 50);
}

START_TEST(test_fp__acct_gen_suspend_wall)
{
	fp_snapshot_t *s;

	setup_clock(1);
	s = coroutine_with_wait();
	ck_assert_int_eq(row(s, "co")->calls, 1);
	ck_assert_int_eq(row(s, "co")->total, 50);
	ck_assert_int_eq(row(s, "co")->suspended, 30);
	ck_assert_int_eq(row(s, "co")->own, 20);
	ck_assert_int_eq(row(s, "loop")->own, 30);
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

START_TEST(test_fp__acct_gen_suspend_cpu)
{
	fp_snapshot_t *s;

	setup_clock(0);
	s = coroutine_with_wait();
	ck_assert_int_eq(row(s, "co")->calls, 1);
	ck_assert_int_eq(row(s, "co")->total, 20);	/* running only */
	ck_assert_int_eq(row(s, "co")->suspended, 0);
	ck_assert_int_eq(row(s, "co")->own, 20);
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

START_TEST(test_fp__acct_gen_resume_under_starter)
{
	fp__func_t *p = func("parent"), *q = func("resumer"), *co = func("co");
	fp_snapshot_t *s;
	fp__node_t *node;
	static int key;

	setup_clock(1);
	call(p, 0);
	ck_assert_int_eq(fp__acct_gen_start(&acct, thr, co, &key, 5), 0);
	node = thr->stack[thr->depth - 1].node;
	fp__acct_gen_suspend(&acct, thr, 10);
	fp__acct_return(thr, 20);		/* parent ends */
	call(q, 30);
	ck_assert_int_eq(fp__acct_gen_resume(&acct, thr, co, &key, 35), 0);
	/* Resumed by q, still accounted on the path of p. */
	ck_assert_ptr_eq(thr->stack[thr->depth - 1].node, node);
	ck_assert_ptr_eq(node->parent->func, p);
	fp__acct_gen_finish(&acct, thr, 45);
	fp__acct_return(thr, 50);
	s = snap(0, 50);
	ck_assert_int_eq(row(s, "co")->total, 40);
	ck_assert_int_eq(row(s, "co")->suspended, 25);
	ck_assert_int_eq(row(s, "co")->own, 15);
	ck_assert_int_eq(row(s, "resumer")->own, 10);	/* 20 less co's 10 */
	ck_assert_int_eq(row(s, "resumer")->total, 20);
	ck_assert_int_eq(row(s, "parent")->own, 15);
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

START_TEST(test_fp__acct_gen_finish_await_chain)
{
	fp__func_t *o = func("outer"), *in = func("inner"), *l = func("loop");
	fp_snapshot_t *s;
	static int ko, ki;

	setup_clock(1);
	ck_assert_int_eq(fp__acct_gen_start(&acct, thr, o, &ko, 0), 0);
	ck_assert_int_eq(fp__acct_gen_start(&acct, thr, in, &ki, 5), 0);
	fp__acct_gen_suspend(&acct, thr, 10);	/* inner awaits */
	fp__acct_gen_suspend(&acct, thr, 10);	/* so does outer */
	call(l, 10);
	fp__acct_return(thr, 30);
	ck_assert_int_eq(fp__acct_gen_resume(&acct, thr, o, &ko, 30), 0);
	ck_assert_int_eq(fp__acct_gen_resume(&acct, thr, in, &ki, 30), 0);
	fp__acct_gen_finish(&acct, thr, 35);
	fp__acct_gen_finish(&acct, thr, 40);
	s = snap(0, 40);
	ck_assert_int_eq(row(s, "outer")->calls, 1);
	ck_assert_int_eq(row(s, "outer")->total, 40);
	ck_assert_int_eq(row(s, "outer")->suspended, 20);
	ck_assert_int_eq(row(s, "outer")->own, 10);
	ck_assert_int_eq(row(s, "inner")->calls, 1);
	ck_assert_int_eq(row(s, "inner")->total, 30);
	ck_assert_int_eq(row(s, "inner")->suspended, 20);
	ck_assert_int_eq(row(s, "inner")->own, 10);
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

START_TEST(test_fp__acct_gen_start_stale_key)
{
	fp__func_t *g = func("g");
	fp_snapshot_t *s;
	static int key;

	setup_clock(1);
	/* Abandoned while suspended at 10 (closed without running), and the
	 * same memory then holds a new generator. */
	ck_assert_int_eq(fp__acct_gen_start(&acct, thr, g, &key, 0), 0);
	fp__acct_gen_suspend(&acct, thr, 10);
	ck_assert_int_eq(fp__acct_gen_start(&acct, thr, g, &key, 100), 0);
	fp__acct_gen_finish(&acct, thr, 104);
	s = snap(0, 104);
	ck_assert_int_eq(row(s, "g")->calls, 2);
	ck_assert_int_eq(row(s, "g")->min, 4);
	ck_assert_int_eq(row(s, "g")->max, 10);
	ck_assert_int_eq(row(s, "g")->total, 14);
	ck_assert_int_eq(row(s, "g")->suspended, 0);
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

START_TEST(test_fp__acct_gen_resume_unknown)
{
	fp__func_t *g = func("g");
	fp_snapshot_t *s;
	static int key;

	setup_clock(1);
	/* Started before profiling did: counted from its first resume. */
	ck_assert_int_eq(fp__acct_gen_resume(&acct, thr, g, &key, 20), 0);
	fp__acct_gen_finish(&acct, thr, 27);
	s = snap(0, 27);
	ck_assert_int_eq(row(s, "g")->calls, 1);
	ck_assert_int_eq(row(s, "g")->total, 7);
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

/* The sink used by a stop: straight into the nodes. */
static fp__stats_t *
node_sink(void *ctx, const fp__node_t *node)
{
	(void)ctx;
	return &((fp__node_t *)node)->stats;
}

START_TEST(test_fp__acct_close_all_discard)
{
	fp__func_t *m = func("main"), *g = func("g"), *h = func("h");
	fp_snapshot_t *s;
	static int key;

	setup_clock(1);
	call(m, 0);
	ck_assert_int_eq(fp__acct_gen_start(&acct, thr, g, &key, 10), 0);
	fp__acct_gen_suspend(&acct, thr, 15);
	call(h, 20);
	fp__acct_close_all(&acct, 100, 1, node_sink, NULL);
	ck_assert_int_eq(thr->depth, 0);
	ck_assert_uint_eq(acct.nwaiting, 0);
	s = snap(0, 100);
	ck_assert_int_eq(row(s, "main")->calls, 1);
	ck_assert_int_eq(row(s, "main")->total, 100);
	ck_assert_int_eq(row(s, "main")->own, 15);
	ck_assert_int_eq(row(s, "h")->total, 80);
	ck_assert_int_eq(row(s, "h")->own, 80);
	/* Waiting at the stop: ended when it last ran. */
	ck_assert_int_eq(row(s, "g")->calls, 1);
	ck_assert_int_eq(row(s, "g")->total, 5);
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

START_TEST(test_fp__acct_close_all_live)
{
	fp__func_t *m = func("main"), *x = func("x");
	fp_snapshot_t *s;

	setup_clock(1);
	call(m, 0);
	call(x, 10);
	/* A live snapshot closes the open calls in its copy only. */
	s = snap(1, 30);
	ck_assert_int_eq(row(s, "main")->total, 30);
	ck_assert_int_eq(row(s, "main")->own, 10);
	ck_assert_int_eq(row(s, "x")->total, 20);
	fp_snapshot_free(s);
	ck_assert_int_eq(thr->depth, 2);
	fp__acct_return(thr, 50);
	fp__acct_return(thr, 60);
	s = snap(0, 60);
	ck_assert_int_eq(row(s, "main")->calls, 1);
	ck_assert_int_eq(row(s, "main")->total, 60);
	ck_assert_int_eq(row(s, "x")->total, 40);
	ck_assert_int_eq(row(s, "x")->calls, 1);
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

START_TEST(test_fp__acct_new_thread_two_threads)
{
	fp__func_t *w = func("work");
	fp__thread_t *t2;
	fp_snapshot_t *s;

	setup_clock(1);
	t2 = fp__acct_new_thread(&acct, 2, 2);
	ck_assert_ptr_nonnull(t2);
	call(w, 0);
	ck_assert_int_eq(fp__acct_push(&acct, t2, w, NULL, 5), 0);
	fp__acct_return(thr, 10);
	fp__acct_return(t2, 25);
	s = snap(0, 25);
	ck_assert_int_eq(row(s, "work")->calls, 2);
	ck_assert_int_eq(row(s, "work")->total, 30);
	ck_assert_int_eq(row(s, "work")->primitive_calls, 2);
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

START_TEST(test_fp__acct_grow_stack_deep)
{
	fp__func_t *f = func("deep");
	fp_snapshot_t *s;
	int i, n = 50000;

	setup_clock(1);
	for (i = 0; i < n; i++)
		call(f, i);
	for (i = 0; i < n; i++)
		fp__acct_return(thr, n + i);
	s = snap(0, 2 * n);
	ck_assert_int_eq(row(s, "deep")->calls, n);
	ck_assert_int_eq(row(s, "deep")->primitive_calls, 1);
	ck_assert_int_eq(row(s, "deep")->total, 2 * n - 1);
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

START_TEST(test_fp__acct_clear)
{
	fp__func_t *f = func("f");
	uint64_t epoch;

	setup_clock(1);
	call(f, 0);
	fp__acct_return(thr, 5);
	epoch = acct.epoch;
	fp__acct_clear(&acct);
	ck_assert_uint_eq(acct.tree.count, 0);
	ck_assert_ptr_null(acct.threads);
	ck_assert_uint_ne(acct.epoch, epoch);
	fp__acct_free(&acct);
}
END_TEST

/* Two greenlets on one thread: main runs main() from 0; at 10 it switches
 * to G, whose g() runs until 30 and switches back; main() calls x() from
 * 40 to 50; at 60 G resumes, g() returns at 70 and G ends (back to main);
 * main() returns at 100. */
static fp_snapshot_t *
two_greenlets(fp__node_t **g_parent)
{
	fp__func_t *m = func("main"), *g = func("g"), *x = func("x");
	static int main_glet, other;

	call(m, 0);
	ck_assert_int_eq(fp__acct_switch(&acct, thr, &main_glet, &other, 10),
	    0);
	ck_assert_int_eq(thr->depth, 0);
	call(g, 10);
	*g_parent = thr->stack[0].node->parent;
	ck_assert_int_eq(fp__acct_switch(&acct, thr, &other, &main_glet, 30),
	    0);
	ck_assert_int_eq(thr->depth, 1);
	ck_assert_uint_eq(acct.nparked, 1);
	ck_assert(!fp__acct_idle(&acct));
	call(x, 40);
	fp__acct_return(thr, 50);
	ck_assert_int_eq(fp__acct_switch(&acct, thr, &main_glet, &other, 60),
	    0);
	fp__acct_return(thr, 70);
	ck_assert_int_eq(fp__acct_switch(&acct, thr, &other, &main_glet, 70),
	    0);
	ck_assert_uint_eq(acct.nparked, 0);
	fp__acct_return(thr, 100);
	ck_assert(fp__acct_idle(&acct));
	return snap(0, 100);
}

START_TEST(test_fp__acct_switch_wall)
{
	fp__node_t *gp;
	fp_snapshot_t *s;

	setup_clock(1);
	s = two_greenlets(&gp);
	/* g starts its greenlet's stack: under the thread's root. */
	ck_assert_ptr_eq(gp, thr->root);
	ck_assert_int_eq(row(s, "g")->calls, 1);
	ck_assert_int_eq(row(s, "g")->primitive_calls, 1);
	ck_assert_int_eq(row(s, "g")->total, 60);
	ck_assert_int_eq(row(s, "g")->suspended, 30);
	ck_assert_int_eq(row(s, "g")->own, 30);
	ck_assert_int_eq(row(s, "main")->total, 100);
	ck_assert_int_eq(row(s, "main")->suspended, 30);
	ck_assert_int_eq(row(s, "main")->own, 60);
	ck_assert_int_eq(row(s, "x")->total, 10);
	ck_assert_int_eq(row(s, "x")->own, 10);
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

START_TEST(test_fp__acct_switch_cpu)
{
	fp__node_t *gp;
	fp_snapshot_t *s;

	setup_clock(0);
	s = two_greenlets(&gp);
	ck_assert_int_eq(row(s, "g")->total, 30);	/* running only */
	ck_assert_int_eq(row(s, "g")->suspended, 0);
	ck_assert_int_eq(row(s, "g")->own, 30);
	ck_assert_int_eq(row(s, "main")->total, 70);
	ck_assert_int_eq(row(s, "main")->own, 60);
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

START_TEST(test_fp__acct_switch_generator_and_close_all)
{
	fp__func_t *m = func("main"), *co = func("co"), *h = func("h");
	fp_snapshot_t *s;
	static int main_glet, other, key;

	setup_clock(1);
	call(m, 0);
	ck_assert_int_eq(fp__acct_gen_start(&acct, thr, co, &key, 10), 0);
	/* The coroutine's greenlet is switched out for 20 inside a segment:
	 * suspended, not running. */
	ck_assert_int_eq(fp__acct_switch(&acct, thr, &main_glet, &other, 20),
	    0);
	call(h, 20);
	ck_assert_int_eq(fp__acct_switch(&acct, thr, &other, &main_glet, 40),
	    0);
	fp__acct_gen_suspend(&acct, thr, 50);
	ck_assert_int_eq(fp__acct_gen_resume(&acct, thr, co, &key, 60), 0);
	fp__acct_gen_finish(&acct, thr, 70);
	/* h() is still open in the parked greenlet at the stop. */
	fp__acct_close_all(&acct, 100, 1, node_sink, NULL);
	ck_assert_uint_eq(acct.nparked, 0);
	ck_assert(fp__acct_idle(&acct));
	s = snap(0, 100);
	ck_assert_int_eq(row(s, "co")->calls, 1);
	ck_assert_int_eq(row(s, "co")->total, 60);
	ck_assert_int_eq(row(s, "co")->suspended, 30);
	ck_assert_int_eq(row(s, "co")->own, 30);
	ck_assert_int_eq(row(s, "h")->calls, 1);
	ck_assert_int_eq(row(s, "h")->total, 80);
	ck_assert_int_eq(row(s, "h")->suspended, 60);
	ck_assert_int_eq(row(s, "h")->own, 20);
	ck_assert_int_eq(row(s, "main")->total, 100);
	ck_assert_int_eq(row(s, "main")->own, 50);
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

START_TEST(test_fp__acct_switch_stale_parked)
{
	fp__func_t *f = func("f"), *g = func("g");
	fp_snapshot_t *s;
	static int gone, main_glet;

	setup_clock(1);
	/* A greenlet parked with f() open at 10 never runs again (its
	 * switch back was not seen); a switch from the same address with
	 * g() open parks g() and ends f() as of its parking. */
	ck_assert_int_eq(fp__acct_switch(&acct, thr, &main_glet, &gone, 0), 0);
	call(f, 0);
	ck_assert_int_eq(fp__acct_switch(&acct, thr, &gone, &main_glet, 10),
	    0);
	ck_assert_int_eq(thr->depth, 0);
	call(g, 30);
	ck_assert_int_eq(fp__acct_switch(&acct, thr, &gone, &main_glet, 40),
	    0);
	ck_assert_uint_eq(acct.nparked, 1);
	s = snap(0, 40);
	ck_assert_int_eq(row(s, "f")->calls, 1);
	ck_assert_int_eq(row(s, "f")->total, 10);
	fp_snapshot_free(s);
	fp__acct_close_all(&acct, 50, 1, node_sink, NULL);
	s = snap(0, 50);
	ck_assert_int_eq(row(s, "g")->calls, 1);
	ck_assert_int_eq(row(s, "g")->total, 20);
	ck_assert_int_eq(row(s, "g")->suspended, 10);
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

/* Ends n threads that each called w once, each with a root of its own. */
static void
end_threads(fp__func_t *w, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		fp__thread_t *t = fp__acct_new_thread(&acct, 100 + i, 100 + i);

		ck_assert_ptr_nonnull(t);
		ck_assert_ptr_nonnull(t->root);
		ck_assert_int_eq(fp__acct_push(&acct, t, w, NULL, 0), 0);
		fp__acct_return(t, 1);
		ck_assert_int_eq(fp__acct_thread_ended(&acct, t), 0);
	}
}

START_TEST(test_fp__acct_thread_ended_groups)
{
	fp__func_t *w = func("work");
	fp__thread_t *t1, *t2, *g;
	fp_snapshot_t *s;
	int nlisted = 0;

	setup_clock(1);
	end_threads(w, FP__KEPT_THREADS);
	ck_assert_uint_eq(acct.nended, FP__KEPT_THREADS);
	/* From now on new threads join the group of their name pattern at
	 * their first call, and are freed when they end. */
	t1 = fp__acct_new_thread(&acct, 1000, 1000);
	t2 = fp__acct_new_thread(&acct, 1001, 1001);
	ck_assert_ptr_null(t1->root);
	t1->name = strdup("Thread-300 (work)");
	t2->name = strdup("Thread-301 (work)");
	ck_assert_int_eq(fp__acct_push(&acct, t1, w, NULL, 0), 0);
	ck_assert_int_eq(fp__acct_push(&acct, t2, w, NULL, 0), 0);
	ck_assert_ptr_eq(t1->root, t2->root);
	g = t1->group;
	ck_assert_ptr_nonnull(g);
	ck_assert_str_eq(g->name, "Thread-* (work)");
	fp__acct_return(t1, 5);
	fp__acct_return(t2, 7);
	ck_assert_int_eq(fp__acct_thread_ended(&acct, t1), 1);
	ck_assert_int_eq(fp__acct_thread_ended(&acct, t2), 1);
	ck_assert_ptr_null(acct.grouped);
	for (g = acct.threads; g != NULL; g = g->next)
		nlisted++;
	ck_assert_int_eq(nlisted, 1 + FP__KEPT_THREADS + 1);
	s = snap(0, 10);
	ck_assert_int_eq(row(s, "work")->calls, FP__KEPT_THREADS + 2);
	ck_assert_int_eq(row(s, "work")->total, FP__KEPT_THREADS + 12);
	fp_snapshot_free(s);
	fp__acct_free(&acct);
}
END_TEST

/* Returns the suite for runtime/trace/accounting.c. */
Suite *
suite_accounting(void)
{
	Suite *s = suite_create("accounting");
	TCase *tc = tcase_create("fp__acct");

	tcase_add_test(tc, test_fp__acct_return_chain);
	tcase_add_test(tc, test_fp__acct_return_repeated_calls);
	tcase_add_test(tc, test_fp__acct_return_recursion);
	tcase_add_test(tc, test_fp__acct_return_mutual_recursion);
	tcase_add_test(tc, test_fp__acct_gen_suspend_wall);
	tcase_add_test(tc, test_fp__acct_gen_suspend_cpu);
	tcase_add_test(tc, test_fp__acct_gen_resume_under_starter);
	tcase_add_test(tc, test_fp__acct_gen_finish_await_chain);
	tcase_add_test(tc, test_fp__acct_gen_start_stale_key);
	tcase_add_test(tc, test_fp__acct_gen_resume_unknown);
	tcase_add_test(tc, test_fp__acct_close_all_discard);
	tcase_add_test(tc, test_fp__acct_close_all_live);
	tcase_add_test(tc, test_fp__acct_new_thread_two_threads);
	tcase_add_test(tc, test_fp__acct_grow_stack_deep);
	tcase_add_test(tc, test_fp__acct_clear);
	tcase_add_test(tc, test_fp__acct_switch_wall);
	tcase_add_test(tc, test_fp__acct_switch_cpu);
	tcase_add_test(tc, test_fp__acct_switch_generator_and_close_all);
	tcase_add_test(tc, test_fp__acct_switch_stale_parked);
	tcase_add_test(tc, test_fp__acct_thread_ended_groups);
	suite_add_tcase(s, tc);
	return s;
}
