/*
 * report-collapsed.c: checks for runtime/report/collapsed.c: the exact
 * lines for a small call tree, microseconds rounded along the running sum,
 * thread frames only when several threads have time, ';' and line breaks
 * kept out of frames, and stacks deeper than 256 frames elided and added
 * up; for a statistical profile, the samples at the top of each path.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "fixture-pdata.h"
#include "report/formats.h"
#include "core/pdata.h"

/* Renders d as collapsed stacks into b (initialised here), frees d. */
static void
render(fp__buf_t *b, fp__pdata_t *d)
{
	fixture_render(b, d, fp__render_collapsed);
}

START_TEST(test_fp__render_collapsed_exact)
{
	fp__buf_t b;

	render(&b, fixture_small_tree());
	ck_assert_str_eq(b.data,
	    "main (/a.py:1) 500000\n"
	    "main (/a.py:1);<built-in method time.sleep> 1000000\n"
	    "main (/a.py:1);rec (/a.py:5) 250000\n"
	    "main (/a.py:1);rec (/a.py:5);rec (/a.py:5) 250000\n"
	    "main (/a.py:1);rec (/a.py:5);rec (/a.py:5);"
	    "<built-in method time.sleep> 2000000\n");
	fp__buf_free(&b);
}
END_TEST

/* A statistical profile counts samples, as flamegraph.pl expects of a
 * sampler: each path's own samples, whatever its estimated time. */
START_TEST(test_fp__render_collapsed_sampled)
{
	fp__pdata_t *d = fixture_sampled_tree();
	fp__buf_t b;

	/* Weights that do not follow the counts: only the counts show. */
	d->nodes[1].stats.own = 7;
	render(&b, d);
	ck_assert_str_eq(b.data,
	    "main (/a.py:1) 500\n"
	    "main (/a.py:1);<built-in method time.sleep> 1000\n"
	    "main (/a.py:1);rec (/a.py:5) 250\n"
	    "main (/a.py:1);rec (/a.py:5);rec (/a.py:5) 250\n"
	    "main (/a.py:1);rec (/a.py:5);rec (/a.py:5);"
	    "<built-in method time.sleep> 2000\n");
	fp__buf_free(&b);
}
END_TEST

START_TEST(test_fp__render_collapsed_empty)
{
	fp__buf_t b;

	render(&b, fixture_new_data());
	ck_assert_uint_eq(b.len, 0);
	fp__buf_free(&b);
}
END_TEST

/* 400ns, 400ns, 400ns and 1499ns: the running sum 0.4, 0.8, 1.2 and
 * 2.699µs rounds to 0, 1, 1 and 3, so the lines say 1 and 2 and add up to
 * the total, rounded. */
START_TEST(test_fp__render_collapsed_rounding)
{
	fp__pdata_t *d = fixture_new_data();
	uint32_t f[4], i;
	fp__buf_t b;
	static const fp_time_t own[4] = { 400, 400, 400, 1499 };

	for (i = 0; i < 4; i++) {
		char name[8];

		snprintf(name, sizeof name, "f%u", i);
		f[i] = fp__pdata_add_func(d, "/r.py", (int)i + 1, name, NULL);
		fixture_node(d, d->threads[0].root, f[i], 1, own[i], own[i]);
	}
	render(&b, d);
	ck_assert_str_eq(b.data, "f1 (/r.py:2) 1\nf3 (/r.py:4) 2\n");
	fp__buf_free(&b);
}
END_TEST

/* Each line starts with its thread once two threads have time (a thread
 * with no name by its OS thread id); a thread with no time does not
 * count. */
START_TEST(test_fp__render_collapsed_threads)
{
	fp__pdata_t *d = fixture_new_data();
	uint32_t f, t;
	fp__buf_t b;

	f = fp__pdata_add_func(d, "/t.py", 1, "work", NULL);
	t = fp__pdata_add_thread(d, 2, 2, "Thread-1 (work)", 4242);
	fixture_node(d, d->threads[t].root, f, 1, MS, MS);
	t = fp__pdata_add_thread(d, 3, 3, "idle", 4242);
	fixture_node(d, d->threads[t].root, f, 1, 0, 0);
	render(&b, d);
	ck_assert_str_eq(b.data, "work (/t.py:1) 1000\n");
	fp__buf_free(&b);

	d = fixture_new_data();
	f = fp__pdata_add_func(d, "/t.py", 1, "work", NULL);
	fixture_node(d, d->threads[0].root, f, 1, 2 * MS, 2 * MS);
	t = fp__pdata_add_thread(d, 2, 2, "Thread-1 (work)", 4242);
	fixture_node(d, d->threads[t].root, f, 1, MS, MS);
	t = fp__pdata_add_thread(d, 3, 3, "x;y", 99);
	fixture_node(d, d->threads[t].root, f, 1, MS, MS);
	t = fp__pdata_add_thread(d, 4, 777, "", 4242);
	fixture_node(d, d->threads[t].root, f, 1, MS, MS);
	render(&b, d);
	ck_assert_str_eq(b.data,
	    "<thread MainThread pid 4242>;work (/t.py:1) 2000\n"
	    "<thread Thread-1 (work) pid 4242>;work (/t.py:1) 1000\n"
	    "<thread x,y pid 99>;work (/t.py:1) 1000\n"
	    "<thread 777 pid 4242>;work (/t.py:1) 1000\n");
	fp__buf_free(&b);
}
END_TEST

START_TEST(test_fp__render_collapsed_separators)
{
	fp__pdata_t *d = fixture_new_data();
	uint32_t f;
	fp__buf_t b;

	f = fp__pdata_add_func(d, "/x;y\n.py", 4, "a;b\rc", NULL);
	fixture_node(d, d->threads[0].root, f, 1, MS, MS);
	f = fp__pdata_add_func(d, "~", 0, "<built-in method x;y>", NULL);
	fixture_node(d, d->threads[0].root, f, 1, MS, MS);
	render(&b, d);
	ck_assert_str_eq(b.data, "a,b?c (/x,y?.py:4) 1000\n"
	    "<built-in method x,y> 1000\n");
	fp__buf_free(&b);
}
END_TEST

/* A recursion 300 deep, 1ms own at each level: the first 256 levels have
 * a line each, the 44 deeper ones share one line of 128 + 1 + 128 frames;
 * a different function at the bottom has its own line. */
START_TEST(test_fp__render_collapsed_deep)
{
	fp__pdata_t *d = fixture_new_data();
	uint32_t f, g, n, i;
	fp__buf_t b;
	const char *p, *last;
	size_t lines = 0, frames = 1;

	f = fp__pdata_add_func(d, "/d.py", 1, "down", NULL);
	g = fp__pdata_add_func(d, "/d.py", 9, "leaf", NULL);
	n = d->threads[0].root;
	for (i = 0; i < 300; i++)
		n = fixture_node(d, n, f, 1, MS, i ? 0 : 300 * MS);
	fixture_node(d, n, g, 1, 5 * MS, 5 * MS);
	render(&b, d);
	for (p = b.data; *p != '\0'; p++)
		lines += *p == '\n';
	ck_assert_uint_eq(lines, 258);
	last = b.data + b.len - 1;
	while (last > b.data && last[-1] != '\n')
		last--;
	ck_assert_str_eq(strrchr(last, ' '), " 5000\n");
	for (p = last; *p != '\0'; p++)
		frames += *p == ';';
	ck_assert_uint_eq(frames, 257);
	ck_assert_ptr_nonnull(strstr(last, "down (/d.py:1);[...];down (/d.py:1)"));
	ck_assert_ptr_nonnull(strstr(last, ";leaf (/d.py:9) 5000\n"));
	/* The line before: the 44 deeper levels of down. */
	p = last - 1;
	while (p > b.data && p[-1] != '\n')
		p--;
	ck_assert(strncmp(p, "down (/d.py:1);", 15) == 0);
	ck_assert(strncmp(last - 22, ";down (/d.py:1) 44000\n", 22) == 0);
	ck_assert(memmem(p, (size_t)(last - p), ";[...];", 7) != NULL);
	fp__buf_free(&b);
}
END_TEST

Suite *
suite_report_collapsed(void)
{
	Suite *s = suite_create("report_collapsed");
	TCase *tc;

	tc = tcase_create("fp__render_collapsed");
	tcase_add_test(tc, test_fp__render_collapsed_exact);
	tcase_add_test(tc, test_fp__render_collapsed_sampled);
	tcase_add_test(tc, test_fp__render_collapsed_empty);
	tcase_add_test(tc, test_fp__render_collapsed_rounding);
	tcase_add_test(tc, test_fp__render_collapsed_threads);
	tcase_add_test(tc, test_fp__render_collapsed_separators);
	tcase_add_test(tc, test_fp__render_collapsed_deep);
	suite_add_tcase(s, tc);
	return s;
}
