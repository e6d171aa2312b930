/*
 * report-speedscope.c: checks for runtime/report/speedscope.c: the exact
 * document for a small profile, events that open and close in balance at
 * the right times (running time, suspension left out), one profile per
 * thread with time, and names that are no valid UTF-8. Python's json
 * module reads the documents back. (Validation against speedscope's own
 * schema is in tests/e2e/test_svg.py, and here for a statistical profile,
 * whose "sampled" profiles no run checks yet.)
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "suites.h"
#include "fixture-pdata.h"
#include "report/formats.h"
#include "core/pdata.h"

/* Python that reads the document on stdin as d and offers balanced(p): the
 * events of profile p open and close in balance, never going back in
 * time, and end by its endValue; and stacks(p): the stack of frame names
 * at each opening. */
#define PY_PRELUDE \
	"import json, sys\n" \
	"d = json.load(sys.stdin)\n" \
	"F = d[\"shared\"][\"frames\"]\n" \
	"def balanced(p):\n" \
	"    st, at = [], p[\"startValue\"]\n" \
	"    for e in p[\"events\"]:\n" \
	"        if e[\"at\"] < at:\n" \
	"            return False\n" \
	"        at = e[\"at\"]\n" \
	"        if e[\"type\"] == \"O\":\n" \
	"            st.append(e[\"frame\"])\n" \
	"        elif not st or st.pop() != e[\"frame\"]:\n" \
	"            return False\n" \
	"    return not st and at <= p[\"endValue\"]\n" \
	"def stacks(p):\n" \
	"    st, out = [], []\n" \
	"    for e in p[\"events\"]:\n" \
	"        if e[\"type\"] == \"O\":\n" \
	"            st.append(F[e[\"frame\"]][\"name\"])\n" \
	"            out.append((\";\".join(st), e[\"at\"]))\n" \
	"        else:\n" \
	"            st.pop()\n" \
	"    return out\n"

/* Feeds doc to Python, which parses it and evaluates expr (see
 * PY_PRELUDE); returns its exit status: 0 parsed and expr true, 3 expr
 * false, anything else did not parse. expr must not hold a ' . */
static int
python_check(const char *doc, const char *expr)
{
	char cmd[8192];
	FILE *p;
	int status;

	signal(SIGPIPE, SIG_IGN);
	snprintf(cmd, sizeof cmd, "%s -c '" PY_PRELUDE
	    "sys.exit(0 if (%s) else 3)' 2>/dev/null", FP_PYTHON_EXECUTABLE, expr);
	p = popen(cmd, "w");
	ck_assert_ptr_nonnull(p);
	fputs(doc, p);
	status = pclose(p);
	ck_assert_msg(WIFEXITED(status), "python did not exit normally");
	return WEXITSTATUS(status);
}

static char *app_argv[] = { "app.py", "-v", NULL };

/* Returns empty profile data with plain metadata and the command line
 * argv (argc arguments; NULL: app_argv). */
static fp__pdata_t *
new_data_argv(int argc, char **argv)
{
	fp__meta_t meta;
	fp__pdata_t *d;

	memset(&meta, 0, sizeof meta);
	meta.mode = "trace";
	meta.timer = "wall";
	meta.python = "3.11.2";
	meta.pid = 4242;
	meta.argc = argv ? argc : 2;
	meta.argv = argv ? argv : app_argv;
	d = fp__pdata_new(&meta);
	ck_assert_ptr_nonnull(d);
	return d;
}

/* Returns empty profile data with plain metadata. */
static fp__pdata_t *
new_data(void)
{
	return new_data_argv(0, NULL);
}

/* Adds a node for function name in file under parent with own time own,
 * total time total and suspended time suspended; returns its index. */
static uint32_t
node(fp__pdata_t *d, uint32_t parent, const char *file, const char *name,
    fp_time_t own, fp_time_t total, fp_time_t suspended)
{
	fp__stats_t s;
	uint32_t f, n;

	f = fp__pdata_add_func(d, file, strcmp(file, "~") ? 7 : 0, name, NULL);
	ck_assert_uint_ne(f, FP__NONE);
	fp__stats_init(&s);
	s.calls = 1;
	s.own = own;
	s.total = total;
	s.suspended = suspended;
	s.sum = s.min = s.max = total;
	n = fp__pdata_add_node(d, parent, f, &s);
	ck_assert_uint_ne(n, FP__NONE);
	return n;
}

/* Returns the root of a new thread of d. */
static uint32_t
thread(fp__pdata_t *d, uint64_t ident, const char *name, uint64_t pid)
{
	uint32_t t = fp__pdata_add_thread(d, ident, 9, name, pid);

	ck_assert_uint_ne(t, FP__NONE);
	return d->threads[t].root;
}

/* Renders d in speedscope's format into b (initialised here). */
static void
render(fp__buf_t *b, const fp__pdata_t *d)
{
	fp__render_opts_t o;

	memset(&o, 0, sizeof o);
	fp__buf_init(b);
	ck_assert_int_eq(fp__format_find("speedscope")->render(b, d, &o),
	    FP_OK);
	ck_assert_int_eq(b->nomem, 0);
	ck_assert_ptr_nonnull(b->data);
}

START_TEST(test_fp__render_speedscope_exact)
{
	fp__pdata_t *d = new_data();
	uint32_t r = thread(d, 1, "MainThread", 4242), m;
	fp__buf_t b;

	m = node(d, r, "/src/app.py", "main", 5, 100, 0);
	node(d, m, "/src/app.py", "work", 20, 20, 0);
	node(d, m, "~", "<built-in function len>", 3, 3, 0);
	render(&b, d);
	ck_assert_str_eq(b.data,
	    "{\"$schema\": \"https://www.speedscope.app/file-format-schema.json\""
	    ",\n \"exporter\": \"fullprof " FP_VERSION "\", "
	    "\"name\": \"fullprof: app.py -v\", \"activeProfileIndex\": 0,\n"
	    " \"shared\": {\"frames\": [\n"
	    "  {\"name\": \"main\", \"file\": \"/src/app.py\", \"line\": 7},\n"
	    "  {\"name\": \"work\", \"file\": \"/src/app.py\", \"line\": 7},\n"
	    "  {\"name\": \"<built-in function len>\"}]},\n"
	    " \"profiles\": [\n"
	    "  {\"type\": \"evented\", \"name\": \"MainThread\", "
	    "\"unit\": \"nanoseconds\", \"startValue\": 0, \"endValue\": 28,\n"
	    "   \"events\": [\n"
	    "    {\"type\": \"O\", \"frame\": 0, \"at\": 0},\n"
	    "    {\"type\": \"O\", \"frame\": 1, \"at\": 0},\n"
	    "    {\"type\": \"C\", \"frame\": 1, \"at\": 20},\n"
	    "    {\"type\": \"O\", \"frame\": 2, \"at\": 20},\n"
	    "    {\"type\": \"C\", \"frame\": 2, \"at\": 23},\n"
	    "    {\"type\": \"C\", \"frame\": 0, \"at\": 28}]}]}\n");
	fp__buf_free(&b);
	fp__pdata_free(d);
}
END_TEST

START_TEST(test_fp__render_speedscope_running_time)
{
	fp__pdata_t *d = new_data();
	uint32_t r = thread(d, 1, "MainThread", 4242), c, s;
	fp__buf_t b;

	/* A coroutine suspended 900ns spans the 100ns it ran and its
	 * children's time; a recursive path nests the same frame. */
	c = node(d, r, "/a.py", "coro", 100, 1400, 900);
	s = node(d, c, "/a.py", "step", 300, 400, 0);
	s = node(d, s, "/a.py", "step", 50, 100, 0);
	node(d, s, "/a.py", "leaf", 50, 50, 0);
	node(d, c, "/a.py", "zero", 0, 0, 0);
	render(&b, d);
	ck_assert_int_eq(python_check(b.data,
	    "balanced(d[\"profiles\"][0]) and "
	    "d[\"profiles\"][0][\"endValue\"] == 500 and "
	    "stacks(d[\"profiles\"][0]) == [(\"coro\", 0), (\"coro;step\", 0), "
	    "(\"coro;step;step\", 0), (\"coro;step;step;leaf\", 0)] and "
	    "d[\"profiles\"][0][\"events\"][-1] == "
	    "{\"type\": \"C\", \"frame\": 0, \"at\": 500} and "
	    "d[\"profiles\"][0][\"events\"][-2][\"at\"] == 400"), 0);
	fp__buf_free(&b);
	fp__pdata_free(d);
}
END_TEST

START_TEST(test_fp__render_speedscope_threads)
{
	fp__pdata_t *d = new_data();
	uint32_t r1 = thread(d, 1, "MainThread", 4242);
	uint32_t r2 = thread(d, 77, "", 4242);
	fp__buf_t b;

	/* The idle thread is left out; the busiest one opens first; an
	 * unnamed thread gets its ident; the children come in the order of
	 * their first calls. */
	thread(d, 3, "idle", 4242);
	node(d, r1, "/a.py", "main", 10, 10, 0);
	node(d, r2, "/a.py", "z_first", 30, 30, 0);
	node(d, r2, "/a.py", "a_second", 20, 20, 0);
	render(&b, d);
	ck_assert_int_eq(python_check(b.data,
	    "[p[\"name\"] for p in d[\"profiles\"]] == [\"MainThread\", "
	    "\"Thread 77\"] and d[\"activeProfileIndex\"] == 1 and "
	    "all(balanced(p) for p in d[\"profiles\"]) and "
	    "stacks(d[\"profiles\"][1]) == [(\"z_first\", 0), "
	    "(\"a_second\", 30)] and d[\"profiles\"][1][\"endValue\"] == 50"), 0);
	fp__buf_free(&b);

	/* Threads of two processes are named with their pids. */
	node(d, thread(d, 1, "MainThread", 5555), "/a.py", "other", 5, 5, 0);
	render(&b, d);
	ck_assert_int_eq(python_check(b.data,
	    "[p[\"name\"] for p in d[\"profiles\"]] == [\"MainThread (pid 4242)\","
	    " \"Thread 77 (pid 4242)\", \"MainThread (pid 5555)\"]"), 0);
	fp__buf_free(&b);
	fp__pdata_free(d);
}
END_TEST

START_TEST(test_fp__render_speedscope_names)
{
	static char *argv[] = { "x\xff.py", NULL };
	fp__pdata_t *d = new_data_argv(1, argv);
	uint32_t r = thread(d, 1, "T\"\x01\xfe", 4242);
	fp__buf_t b;

	node(d, r, "/p\"\\q\xc3\xa9.py", "f\xff<\n>\"", 5, 5, 0);
	render(&b, d);
	ck_assert_int_eq(python_check(b.data,
	    "F == [{\"name\": \"f\\ufffd<\\n>\\\"\", "
	    "\"file\": \"/p\\\"\\\\q\\u00e9.py\", \"line\": 7}] and "
	    "d[\"profiles\"][0][\"name\"] == \"T\\\"\\x01\\ufffd\" and "
	    "d[\"name\"] == \"fullprof: x\\ufffd.py\""), 0);
	fp__buf_free(&b);
	fp__pdata_free(d);
}
END_TEST

START_TEST(test_fp__render_speedscope_empty)
{
	fp__pdata_t *d = new_data();
	fp__buf_t b;

	thread(d, 1, "MainThread", 4242);
	render(&b, d);
	ck_assert_int_eq(python_check(b.data,
	    "d[\"profiles\"] == [] and F == [] and "
	    "d[\"$schema\"] == \"https://www.speedscope.app/file-format-schema."
	    "json\""), 0);
	/* The check itself can fail. */
	ck_assert_int_eq(python_check(b.data, "F != []"), 3);
	ck_assert_int_ne(python_check("{\"a\": [1,}\n", "True"), 0);
	fp__buf_free(&b);
	fp__pdata_free(d);
}
END_TEST

/* A statistical profile: one "sampled" profile per thread with time, each
 * call path with estimated own time once, weighted by it, in node order;
 * the busiest thread is active. It validates against speedscope's schema
 * when python3-jsonschema is there. */
START_TEST(test_fp__render_speedscope_sampled)
{
	fp__pdata_t *d = fixture_sampled_tree();
	uint32_t r = thread(d, 7, "T2", 4242), f;
	const char *srcdir = getenv("FULLPROF_SRCDIR");
	char expr[1024];
	fp__stats_t s;
	fp__buf_t b;

	f = fp__pdata_add_func(d, "/a.py", 9, "side", NULL);
	fp__stats_init(&s);
	s.samples = s.own_samples = 100;
	s.own = s.total = 100 * MS;
	ck_assert_uint_ne(fp__pdata_add_node(d, r, f, &s), FP__NONE);
	/* A path with samples but no estimated time (a cpu timer's idle
	 * thread) weighs nothing and is left out. */
	s.own = s.total = 0;
	ck_assert_uint_ne(fp__pdata_add_node(d, d->threads[0].root, f, &s),
	    FP__NONE);
	render(&b, d);
	ck_assert_str_eq(b.data,
	    "{\"$schema\": \"https://www.speedscope.app/file-format-schema.json\""
	    ",\n \"exporter\": \"fullprof " FP_VERSION "\", "
	    "\"name\": \"fullprof (sampled): app.py --n 3\", "
	    "\"activeProfileIndex\": 0,\n"
	    " \"shared\": {\"frames\": [\n"
	    "  {\"name\": \"main\", \"file\": \"/a.py\", \"line\": 1},\n"
	    "  {\"name\": \"<built-in method time.sleep>\"},\n"
	    "  {\"name\": \"rec\", \"file\": \"/a.py\", \"line\": 5},\n"
	    "  {\"name\": \"side\", \"file\": \"/a.py\", \"line\": 9}]},\n"
	    " \"profiles\": [\n"
	    "  {\"type\": \"sampled\", \"name\": \"MainThread\", "
	    "\"unit\": \"nanoseconds\", \"startValue\": 0, "
	    "\"endValue\": 4000000000,\n"
	    "   \"samples\": [\n"
	    "    [0],\n"
	    "    [0, 1],\n"
	    "    [0, 2],\n"
	    "    [0, 2, 2],\n"
	    "    [0, 2, 2, 1]],\n"
	    "   \"weights\": [500000000, 1000000000, 250000000, 250000000, "
	    "2000000000]},\n"
	    "  {\"type\": \"sampled\", \"name\": \"T2\", "
	    "\"unit\": \"nanoseconds\", \"startValue\": 0, "
	    "\"endValue\": 100000000,\n"
	    "   \"samples\": [\n"
	    "    [3]],\n"
	    "   \"weights\": [100000000]}]}\n");
	ck_assert_int_eq(python_check(b.data, "sum(d[\"profiles\"][0]"
	    "[\"weights\"]) == d[\"profiles\"][0][\"endValue\"]"), 0);
	if (srcdir != NULL && system(FP_PYTHON_EXECUTABLE " -c 'import "
	    "jsonschema' 2>/dev/null") == 0) {
		snprintf(expr, sizeof expr, "__import__(\"jsonschema\").validate("
		    "d, json.load(open(\"%s/tests/data/speedscope-file-format-"
		    "schema.json\"))) is None", srcdir);
		ck_assert_int_eq(python_check(b.data, expr), 0);
	}
	fp__buf_free(&b);
	fp__pdata_free(d);
}
END_TEST

/* A statistical profile whose stacks would hold more than 2^24 frames in
 * all (a chain 6000 deep with time at every level: 18 million) is laid
 * out as events instead, with the same figures. */
START_TEST(test_fp__render_speedscope_sampled_deep)
{
	fp__pdata_t *d = fixture_new_data();
	uint32_t n = d->threads[0].root, f, i;
	fp__stats_t s;
	fp__buf_t b;

	d->meta.mode = "sample";
	f = fp__pdata_add_func(d, "/a.py", 1, "down", NULL);
	fp__stats_init(&s);
	s.own_samples = 1;
	s.own = 10;
	for (i = 0; i < 6000; i++) {
		n = fp__pdata_add_node(d, n, f, &s);
		ck_assert_uint_ne(n, FP__NONE);
	}
	render(&b, d);
	ck_assert_ptr_nonnull(strstr(b.data, "{\"type\": \"evented\", "
	    "\"name\": \"MainThread\", \"unit\": \"nanoseconds\", "
	    "\"startValue\": 0, \"endValue\": 60000,\n"));
	ck_assert_ptr_null(strstr(b.data, "\"sampled\""));
	ck_assert_int_eq(python_check(b.data, "balanced(d[\"profiles\"][0])"),
	    0);
	fp__buf_free(&b);
	fp__pdata_free(d);
}
END_TEST

/* Returns the suite of runtime/report/speedscope.c. */
Suite *
suite_report_speedscope(void)
{
	Suite *s = suite_create("report_speedscope");
	TCase *tc = tcase_create("fp__render_speedscope");

	tcase_add_test(tc, test_fp__render_speedscope_exact);
	tcase_add_test(tc, test_fp__render_speedscope_running_time);
	tcase_add_test(tc, test_fp__render_speedscope_threads);
	tcase_add_test(tc, test_fp__render_speedscope_names);
	tcase_add_test(tc, test_fp__render_speedscope_empty);
	tcase_add_test(tc, test_fp__render_speedscope_sampled);
	tcase_add_test(tc, test_fp__render_speedscope_sampled_deep);
	/* Each Python start-up takes a while on a loaded machine. */
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
