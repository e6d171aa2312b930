/*
 * report-callgrind.c: checks for runtime/report/callgrind.c: the exact
 * text for a small call tree (a function calling a builtin and a recursive
 * one), thread root functions, names told apart by line, line breaks kept
 * out of names, and, when valgrind's callgrind_annotate is installed, that
 * its inclusive figures are the functions' totals; a statistical profile's
 * two events, estimated time and samples, with samples as call counts.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "suites.h"
#include "fixture-pdata.h"
#include "report/formats.h"
#include "core/pdata.h"

/* Renders d in callgrind's format into b (initialised here), frees d. */
static void
render(fp__buf_t *b, fp__pdata_t *d)
{
	fixture_render(b, d, fp__render_callgrind);
	ck_assert_ptr_nonnull(b->data);
}

#define HEADER \
	"# callgrind format\n" \
	"version: 1\n" \
	"creator: fullprof " FP_VERSION "\n" \
	"pid: 4242\n" \
	"cmd: app.py --n 3\n" \
	"part: 1\n" \
	"desc: Timer: wall\n" \
	"desc: Mode: trace\n" \
	"positions: line\n" \
	"event: ns : Time (nanoseconds)\n" \
	"events: ns\n"

START_TEST(test_fp__render_callgrind_exact)
{
	fp__buf_t b;

	render(&b, fixture_small_tree());
	ck_assert_str_eq(b.data, HEADER
	    "summary: 4000000000\n"
	    "\n"
	    "fl=(2) ~\n"
	    "fn=(4) <thread MainThread>\n"
	    "0 0\n"
	    "cfl=(1) /a.py\n"
	    "cfn=(1) main\n"
	    "calls=1 1\n"
	    "0 4000000000\n"
	    "\n"
	    "fl=(1)\n"
	    "fn=(1)\n"
	    "1 500000000\n"
	    "cfl=(2)\n"
	    "cfn=(2) <built-in method time.sleep>\n"
	    "calls=2 0\n"
	    "1 1000000000\n"
	    "cfl=(1)\n"
	    "cfn=(3) rec\n"
	    "calls=1 5\n"
	    "1 2500000000\n"
	    "\n"
	    "fl=(2)\n"
	    "fn=(2)\n"
	    "0 3000000000\n"
	    "\n"
	    "fl=(1)\n"
	    "fn=(3)\n"
	    "5 500000000\n"
	    "cfl=(2)\n"
	    "cfn=(2)\n"
	    "calls=1 0\n"
	    "5 2000000000\n"
	    "cfl=(1)\n"
	    "cfn=(3)\n"
	    "calls=3 5\n"
	    "5 0\n");
	fp__buf_free(&b);
}
END_TEST

/* A statistical profile: two events (estimated ns, samples), self costs
 * at the top of the stack, calls= counting the samples through each edge;
 * the recursive edge has neither samples nor cost and is left out. */
START_TEST(test_fp__render_callgrind_sampled)
{
	fp__buf_t b;

	render(&b, fixture_sampled_tree());
	ck_assert_str_eq(b.data,
	    "# callgrind format\n"
	    "version: 1\n"
	    "creator: fullprof " FP_VERSION "\n"
	    "pid: 4242\n"
	    "cmd: app.py --n 3\n"
	    "part: 1\n"
	    "desc: Timer: wall\n"
	    "desc: Mode: sample\n"
	    "desc: Interval: 1000000 ns\n"
	    "desc: Samples: 4010 requested, 4000 taken, 10 dropped\n"
	    "positions: line\n"
	    "event: ns : Estimated time (nanoseconds)\n"
	    "event: samples : Samples\n"
	    "events: ns samples\n"
	    "summary: 4000000000 4000\n"
	    "\n"
	    "fl=(2) ~\n"
	    "fn=(4) <thread MainThread>\n"
	    "0 0 0\n"
	    "cfl=(1) /a.py\n"
	    "cfn=(1) main\n"
	    "calls=4000 1\n"
	    "0 4000000000 4000\n"
	    "\n"
	    "fl=(1)\n"
	    "fn=(1)\n"
	    "1 500000000 500\n"
	    "cfl=(2)\n"
	    "cfn=(2) <built-in method time.sleep>\n"
	    "calls=1000 0\n"
	    "1 1000000000 1000\n"
	    "cfl=(1)\n"
	    "cfn=(3) rec\n"
	    "calls=2500 5\n"
	    "1 2500000000 2500\n"
	    "\n"
	    "fl=(2)\n"
	    "fn=(2)\n"
	    "0 3000000000 3000\n"
	    "\n"
	    "fl=(1)\n"
	    "fn=(3)\n"
	    "5 500000000 500\n"
	    "cfl=(2)\n"
	    "cfn=(2)\n"
	    "calls=2000 0\n"
	    "5 2000000000 2000\n");
	fp__buf_free(&b);
}
END_TEST

START_TEST(test_fp__render_callgrind_empty)
{
	fp__buf_t b;

	render(&b, fixture_new_data());
	ck_assert_str_eq(b.data, HEADER "summary: 0\n");
	fp__buf_free(&b);
}
END_TEST

/* Threads of the same name share one root function; two functions of one
 * name in one file are told apart by their line; a line break in a name
 * becomes '?'. */
START_TEST(test_fp__render_callgrind_names)
{
	fp__pdata_t *d = fixture_new_data();
	uint32_t f1, f2, f3, t;
	fp__buf_t b;

	f1 = fp__pdata_add_func(d, "/b.py", 3, "<lambda>", NULL);
	f2 = fp__pdata_add_func(d, "/b.py", 9, "<lambda>", NULL);
	f3 = fp__pdata_add_func(d, "/b\n.py", 1, "x\ry", NULL);
	t = fp__pdata_add_thread(d, 2, 2, "worker", 4242);
	fixture_node(d, d->threads[0].root, f1, 1, MS, MS);
	fixture_node(d, d->threads[t].root, f2, 1, MS, MS);
	t = fp__pdata_add_thread(d, 3, 3, "worker", 4242);
	fixture_node(d, d->threads[t].root, f3, 1, MS, MS);
	render(&b, d);
	ck_assert_ptr_nonnull(strstr(b.data, "fn=(1) <lambda>:3\n"));
	ck_assert_ptr_nonnull(strstr(b.data, "cfn=(2) <lambda>:9\n"));
	ck_assert_ptr_nonnull(strstr(b.data, " /b?.py\n"));
	ck_assert_ptr_nonnull(strstr(b.data, "cfn=(3) x?y\n"));
	ck_assert_ptr_nonnull(strstr(b.data, "fn=(4) <thread MainThread>\n"));
	ck_assert_ptr_nonnull(strstr(b.data, "fn=(5) <thread worker>\n"
	    "0 0\ncfl=(2)\ncfn=(2) <lambda>:9\ncalls=1 9\n0 1000000\n"
	    "cfl=(1) /b?.py\ncfn=(3) x?y\ncalls=1 1\n0 1000000\n"));
	ck_assert_ptr_null(strstr(b.data, "fn=(6)"));
	fp__buf_free(&b);
}
END_TEST

/* Threads of several processes (merged profiles) have roots named with
 * their pid. */
START_TEST(test_fp__render_callgrind_pids)
{
	fp__pdata_t *d = fixture_new_data();
	uint32_t f, t;
	fp__buf_t b;

	f = fp__pdata_add_func(d, "/b.py", 3, "f", NULL);
	t = fp__pdata_add_thread(d, 1, 1, "MainThread", 77);
	fixture_node(d, d->threads[0].root, f, 1, MS, MS);
	fixture_node(d, d->threads[t].root, f, 1, MS, MS);
	render(&b, d);
	ck_assert_ptr_nonnull(strstr(b.data, "<thread MainThread pid 4242>\n"));
	ck_assert_ptr_nonnull(strstr(b.data, "<thread MainThread pid 77>\n"));
	fp__buf_free(&b);
}
END_TEST

/* A thread with no name has a root named by its OS thread id (or, with
 * none, by its Python ident). */
START_TEST(test_fp__render_callgrind_unnamed_thread)
{
	fp__pdata_t *d = fixture_new_data();
	uint32_t f, t;
	fp__buf_t b;

	f = fp__pdata_add_func(d, "/b.py", 3, "f", NULL);
	t = fp__pdata_add_thread(d, 5, 555, "", 4242);
	fixture_node(d, d->threads[t].root, f, 1, MS, MS);
	t = fp__pdata_add_thread(d, 6, 0, "", 4242);
	fixture_node(d, d->threads[t].root, f, 1, MS, MS);
	render(&b, d);
	ck_assert_ptr_nonnull(strstr(b.data, "fn=(2) <thread 555>\n"));
	ck_assert_ptr_nonnull(strstr(b.data, "fn=(3) <thread 6>\n"));
	fp__buf_free(&b);
}
END_TEST

/* Runs callgrind_annotate --inclusive=yes on the small tree and finds each
 * function's total (the recursive call adding nothing to rec's). */
START_TEST(test_fp__render_callgrind_annotate)
{
	char path[32], line[512];
	int fd, found = 0;
	fp__buf_t b;
	FILE *p;

	if (system("command -v callgrind_annotate >/dev/null 2>&1") != 0)
		return;	/* not installed: nothing to check against */
	render(&b, fixture_small_tree());
	strcpy(path, "/tmp/fp-cg-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, b.data, b.len), (ssize_t)b.len);
	close(fd);
	snprintf(line, sizeof line, "callgrind_annotate --inclusive=yes %s "
	    "2>&1", path);
	p = popen(line, "r");
	ck_assert_ptr_nonnull(p);
	while (fgets(line, sizeof line, p) != NULL) {
		if (strstr(line, "4,000,000,000 ") && strstr(line, "/a.py:main"))
			found |= 1;
		if (strstr(line, "3,000,000,000 ") &&
		    strstr(line, "~:<built-in method time.sleep>"))
			found |= 2;
		if (strstr(line, "2,500,000,000 ") && strstr(line, "/a.py:rec") &&
		    !strstr(line, "=>"))
			found |= 4;
		if (strstr(line, "4,000,000,000 ") &&
		    strstr(line, "~:<thread MainThread>"))
			found |= 8;
	}
	ck_assert_int_eq(WEXITSTATUS(pclose(p)), 0);
	unlink(path);
	ck_assert_int_eq(found, 15);
	fp__buf_free(&b);
}
END_TEST

/* callgrind_annotate reads both events of a statistical profile: each
 * function's inclusive estimate and samples are its total and samples. */
START_TEST(test_fp__render_callgrind_annotate_sampled)
{
	char path[32], line[512];
	int fd, found = 0;
	fp__buf_t b;
	FILE *p;

	if (system("command -v callgrind_annotate >/dev/null 2>&1") != 0)
		return;	/* not installed: nothing to check against */
	render(&b, fixture_sampled_tree());
	strcpy(path, "/tmp/fp-cg-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, b.data, b.len), (ssize_t)b.len);
	close(fd);
	snprintf(line, sizeof line, "callgrind_annotate --inclusive=yes %s "
	    "2>&1", path);
	p = popen(line, "r");
	ck_assert_ptr_nonnull(p);
	while (fgets(line, sizeof line, p) != NULL) {
		if (strstr(line, "4,000,000,000 ") && strstr(line, " 4,000 ") &&
		    strstr(line, "/a.py:main"))
			found |= 1;
		if (strstr(line, "3,000,000,000 ") && strstr(line, " 3,000 ") &&
		    strstr(line, "~:<built-in method time.sleep>"))
			found |= 2;
		if (strstr(line, "2,500,000,000 ") && strstr(line, " 2,500 ") &&
		    strstr(line, "/a.py:rec") && !strstr(line, "=>"))
			found |= 4;
	}
	ck_assert_int_eq(WEXITSTATUS(pclose(p)), 0);
	unlink(path);
	ck_assert_int_eq(found, 7);
	fp__buf_free(&b);
}
END_TEST

Suite *
suite_report_callgrind(void)
{
	Suite *s = suite_create("report_callgrind");
	TCase *tc;

	tc = tcase_create("fp__render_callgrind");
	tcase_add_test(tc, test_fp__render_callgrind_exact);
	tcase_add_test(tc, test_fp__render_callgrind_sampled);
	tcase_add_test(tc, test_fp__render_callgrind_empty);
	tcase_add_test(tc, test_fp__render_callgrind_names);
	tcase_add_test(tc, test_fp__render_callgrind_pids);
	tcase_add_test(tc, test_fp__render_callgrind_unnamed_thread);
	tcase_add_test(tc, test_fp__render_callgrind_annotate);
	tcase_add_test(tc, test_fp__render_callgrind_annotate_sampled);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}
