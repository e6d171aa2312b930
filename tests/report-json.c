/*
 * report-json.c: checks for runtime/report/json.c: the exact text of the
 * JSON document for small hand-built snapshots, the escaping of file,
 * function and argument strings, and that Python's json module reads the
 * document back with the values that went in; a statistical profile's
 * interval, sample counts, estimates and errors, with null for calls and
 * the figures sampling cannot measure. Also the format dispatch and the
 * format registry (formats.c) it is reached through, and the trace
 * format of a statistical profile.
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
#include "report/report.h"
#include "trace/timeline.h"

static char *app_argv[] = { "app.py", "--n", "3", NULL };

/* Fills *snap with the given rows and plain metadata. */
static void
make_snap(fp_snapshot_t *snap, fp_row_t *rows, size_t count)
{
	memset(snap, 0, sizeof *snap);
	snap->rows = rows;
	snap->count = count;
	snap->meta.mode = "trace";
	snap->meta.timer = "wall";
	snap->meta.python = "3.11.2";
	snap->meta.pid = 4242;
	snap->meta.argc = 3;
	snap->meta.argv = app_argv;
	snap->meta.duration = 2250000000LL;
}

/* Fills a row with one figure for every time. */
static fp_row_t
row(const char *file, int line, const char *name, uint64_t calls,
    uint64_t primitive, fp_time_t own, fp_time_t total)
{
	fp_row_t r;

	memset(&r, 0, sizeof r);
	r.file = file;
	r.line = line;
	r.name = name;
	r.calls = calls;
	r.primitive_calls = primitive;
	r.own = own;
	r.total = total;
	r.min = r.mean = r.max = calls ? total / (fp_time_t)calls : 0;
	return r;
}

/* Renders snap into b (initialised here). */
static void
render(fp__buf_t *b, const fp_snapshot_t *snap)
{
	fp__buf_init(b);
	fp__render_json(b, snap);
	ck_assert_int_eq(b->nomem, 0);
	ck_assert_ptr_nonnull(b->data);
}

/* Feeds doc to Python's json module and evaluates expr on the result d;
 * returns the interpreter's exit status (0: parsed and expr true, 3: expr
 * false, anything else: did not parse). expr must not hold a ' . */
static int
python_check(const char *doc, const char *expr)
{
	char cmd[4096];
	FILE *p;
	int status;

	signal(SIGPIPE, SIG_IGN);
	snprintf(cmd, sizeof cmd, "%s -c 'import json, sys\n"
	    "d = json.load(sys.stdin)\nsys.exit(0 if (%s) else 3)' 2>/dev/null",
	    FP_PYTHON_EXECUTABLE, expr);
	p = popen(cmd, "w");
	ck_assert_ptr_nonnull(p);
	fputs(doc, p);
	status = pclose(p);
	ck_assert_msg(WIFEXITED(status), "python did not exit normally");
	return WEXITSTATUS(status);
}

START_TEST(test_fp__render_json_exact)
{
	fp_row_t rows[2];
	fp_snapshot_t snap;
	fp__buf_t b;

	rows[0] = row("/src/app.py", 3, "main", 1, 1, 14000, 1500000000);
	rows[1] = row("~", 0, "<built-in function len>", 7, 5, 7, 70);
	rows[1].min = 1;
	rows[1].max = 40;
	rows[1].suspended = 250000000;
	make_snap(&snap, rows, 2);
	render(&b, &snap);
	ck_assert_str_eq(b.data,
	    "{\"fullprof\": \"" FP_VERSION "\", \"python\": \"3.11.2\", "
	    "\"pid\": 4242, \"argv\": [\"app.py\", \"--n\", \"3\"],\n"
	    " \"mode\": \"trace\", \"timer\": \"wall\", \"duration\": 2.25, "
	    "\"lost_calls\": 0,\n"
	    " \"functions\": [\n"
	    "  {\"file\": \"/src/app.py\", \"line\": 3, \"name\": \"main\", "
	    "\"calls\": 1, \"primitive_calls\": 1, \"own\": 0.000014, "
	    "\"total\": 1.5, \"suspended\": 0, \"min\": 1.5, \"mean\": 1.5, "
	    "\"max\": 1.5},\n"
	    "  {\"file\": \"~\", \"line\": 0, "
	    "\"name\": \"<built-in function len>\", "
	    "\"calls\": 7, \"primitive_calls\": 5, \"own\": 0.000000007, "
	    "\"total\": 0.00000007, \"suspended\": 0.25, "
	    "\"min\": 0.000000001, \"mean\": 0.00000001, "
	    "\"max\": 0.00000004}]}\n");
	fp__buf_free(&b);
}
END_TEST

START_TEST(test_fp__render_json_empty)
{
	fp_snapshot_t snap;
	fp__buf_t b;

	/* No rows, no arguments, and no strings in the metadata at all. */
	memset(&snap, 0, sizeof snap);
	render(&b, &snap);
	ck_assert_str_eq(b.data,
	    "{\"fullprof\": \"" FP_VERSION "\", \"python\": \"\", "
	    "\"pid\": 0, \"argv\": [],\n"
	    " \"mode\": \"trace\", \"timer\": \"\", \"duration\": 0, "
	    "\"lost_calls\": 0,\n"
	    " \"functions\": []}\n");
	ck_assert_int_eq(python_check(b.data,
	    "d[\"functions\"] == [] and d[\"argv\"] == [] and "
	    "d[\"mode\"] == \"trace\""), 0);
	fp__buf_free(&b);
}
END_TEST

START_TEST(test_fp__render_json_lost_calls)
{
	fp_snapshot_t snap;
	fp__buf_t b;

	make_snap(&snap, NULL, 0);
	snap.meta.lost = 18446744073709551615ull;
	render(&b, &snap);
	ck_assert_ptr_nonnull(strstr(b.data,
	    ", \"lost_calls\": 18446744073709551615,\n"));
	fp__buf_free(&b);
}
END_TEST

START_TEST(test_fp__render_json_escaping)
{
	fp_row_t rows[1];
	fp_snapshot_t snap;
	fp__buf_t b;

	/* A file name with UTF-8 and quotes, a function name with a quote,
	 * a backslash and a byte that is not UTF-8. */
	rows[0] = row("/tmp/caf\xc3\xa9 \"q\".py", 12, "f\"g\\h\xff", 1, 1, 5,
	    5);
	make_snap(&snap, rows, 1);
	render(&b, &snap);
	ck_assert_ptr_nonnull(strstr(b.data,
	    "{\"file\": \"/tmp/caf\xc3\xa9 \\\"q\\\".py\", \"line\": 12, "
	    "\"name\": \"f\\\"g\\\\h\\ufffd\", "));
	ck_assert_int_eq(python_check(b.data,
	    "d[\"functions\"][0][\"file\"] == \"/tmp/caf\\u00e9 \\\"q\\\".py\""
	    " and d[\"functions\"][0][\"name\"] == \"f\\\"g\\\\h\\ufffd\""), 0);
	fp__buf_free(&b);
}
END_TEST

START_TEST(test_fp__render_json_argv)
{
	char *argv[] = { "script.py", "say \"hi\"", "tab\there", "",
	    "\xe2\x82\xac" "5", NULL };
	fp_snapshot_t snap;
	fp__buf_t b;

	make_snap(&snap, NULL, 0);
	snap.meta.argc = 5;
	snap.meta.argv = argv;
	render(&b, &snap);
	ck_assert_ptr_nonnull(strstr(b.data,
	    "\"argv\": [\"script.py\", \"say \\\"hi\\\"\", \"tab\\there\", "
	    "\"\", \"\xe2\x82\xac" "5\"],\n"));
	ck_assert_int_eq(python_check(b.data,
	    "d[\"argv\"] == [\"script.py\", \"say \\\"hi\\\"\", \"tab\\there\","
	    " \"\", \"\\u20ac5\"]"), 0);
	fp__buf_free(&b);
}
END_TEST

START_TEST(test_fp__render_json_builtin_row)
{
	fp_row_t rows[1];
	fp_snapshot_t snap;
	fp__buf_t b;

	rows[0] = row("~", 0, "<method 'append' of 'list' objects>", 3, 3, 30,
	    30);
	make_snap(&snap, rows, 1);
	render(&b, &snap);
	ck_assert_ptr_nonnull(strstr(b.data,
	    "{\"file\": \"~\", \"line\": 0, "
	    "\"name\": \"<method 'append' of 'list' objects>\", "
	    "\"calls\": 3, "));
	fp__buf_free(&b);
}
END_TEST

START_TEST(test_fp__render_json_parses)
{
	fp_row_t rows[3];
	fp_snapshot_t snap;
	fp__buf_t b;

	rows[0] = row("/src/app.py", 3, "main", 1, 1, 14000, 1500000000);
	rows[1] = row("~", 0, "<built-in function len>", 7, 5, 7, 70);
	rows[2] = row("/src/x\x01y.py", 99, "ctl\n\x1f", 2, 2, 1000000001,
	    3000000000LL);
	make_snap(&snap, rows, 3);
	snap.meta.lost = 2;
	render(&b, &snap);
	ck_assert_int_eq(python_check(b.data,
	    "d[\"fullprof\"] == \"" FP_VERSION "\" and "
	    "d[\"python\"] == \"3.11.2\" and d[\"pid\"] == 4242 and "
	    "d[\"timer\"] == \"wall\" and d[\"duration\"] == 2.25 and "
	    "d[\"lost_calls\"] == 2 and len(d[\"functions\"]) == 3 and "
	    "d[\"functions\"][0][\"own\"] == 0.000014 and "
	    "d[\"functions\"][1][\"file\"] == \"~\" and "
	    "d[\"functions\"][1][\"line\"] == 0 and "
	    "d[\"functions\"][1][\"primitive_calls\"] == 5 and "
	    "d[\"functions\"][2][\"file\"] == \"/src/x\\x01y.py\" and "
	    "d[\"functions\"][2][\"name\"] == \"ctl\\n\\x1f\" and "
	    "d[\"functions\"][2][\"own\"] == 1.000000001 and "
	    "d[\"functions\"][2][\"mean\"] == 1.5"), 0);
	/* The check itself can fail. */
	ck_assert_int_eq(python_check(b.data, "d[\"pid\"] == 1"), 3);
	ck_assert_int_ne(python_check("{\"a\": [1,}\n", "True"), 0);
	fp__buf_free(&b);
}
END_TEST

START_TEST(test_fp__format_find_names)
{
	static const char *const names[] = { "table", "json", "fprof",
	    "pstats", "callgrind", "collapsed", "svg", "speedscope", "trace" };
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		ck_assert_ptr_nonnull(fp__format_find(names[i]));
		ck_assert_str_eq(fp__format_find(names[i])->name, names[i]);
		ck_assert_ptr_nonnull(strstr(fp__format_names(), names[i]));
	}
	ck_assert_ptr_null(fp__format_find("JSON"));
	ck_assert_ptr_null(fp__format_find(""));
	ck_assert_ptr_null(fp__format_find("jsonx"));
	ck_assert_ptr_null(fp__format_find(NULL));
	for (i = 0; fp__format_at(i) != NULL; i++)
		;
	ck_assert_uint_eq(i, sizeof names / sizeof names[0]);
}
END_TEST

START_TEST(test_fp__format_for_path_suffixes)
{
	ck_assert_str_eq(fp__format_for_path("/x/out.json")->name, "json");
	ck_assert_str_eq(fp__format_for_path("a.speedscope.json")->name,
	    "speedscope");
	ck_assert_str_eq(fp__format_for_path("run.fprof")->name, "fprof");
	ck_assert_str_eq(fp__format_for_path("x.prof")->name, "pstats");
	ck_assert_str_eq(fp__format_for_path("x.pstats")->name, "pstats");
	ck_assert_str_eq(fp__format_for_path("/t/callgrind.out.1234")->name,
	    "callgrind");
	ck_assert_str_eq(fp__format_for_path("stacks.folded")->name,
	    "collapsed");
	ck_assert_str_eq(fp__format_for_path("f.svg")->name, "svg");
	ck_assert_str_eq(fp__format_for_path("run.trace.json")->name, "trace");
	ck_assert_str_eq(fp__format_for_path("t.txt")->name, "table");
	ck_assert_ptr_null(fp__format_for_path("noext"));
	ck_assert_ptr_null(fp__format_for_path("/dir.json/file"));
	ck_assert_ptr_null(fp__format_for_path("mycallgrind.out.1"));
}
END_TEST

/* Returns profile data with three functions of known totals. */
static fp__pdata_t *
three_functions(void)
{
	fp__meta_t meta;
	fp__pdata_t *d;
	uint32_t t, f;
	fp__stats_t s;
	static const struct { const char *name; fp_time_t total; } fns[] = {
		{ "a_small", 10 }, { "z_big", 30 }, { "c_mid", 20 } };
	size_t i;

	memset(&meta, 0, sizeof meta);
	meta.timer = "wall";
	d = fp__pdata_new(&meta);
	ck_assert_ptr_nonnull(d);
	t = fp__pdata_add_thread(d, 1, 1, "MainThread", 1);
	ck_assert_uint_ne(t, FP__NONE);
	for (i = 0; i < 3; i++) {
		f = fp__pdata_add_func(d, "/f.py", (int)i + 1, fns[i].name, NULL);
		fp__stats_init(&s);
		fp__stats_add_activation(&s, 0, fns[i].total, 0);
		s.own = fns[i].total;
		ck_assert_uint_ne(fp__pdata_add_node(d, d->threads[t].root, f, &s),
		    FP__NONE);
	}
	return d;
}

START_TEST(test_fp__render_json_pdata_sorted)
{
	fp__pdata_t *d = three_functions();
	fp__render_opts_t o;
	fp__buf_t b;
	const char *a, *c, *z;

	memset(&o, 0, sizeof o);
	o.sort = FP__SORT_NAME;
	fp__buf_init(&b);
	ck_assert_int_eq(fp__format_find("json")->render(&b, d, &o), FP_OK);
	a = strstr(b.data, "\"a_small\"");
	c = strstr(b.data, "\"c_mid\"");
	z = strstr(b.data, "\"z_big\"");
	ck_assert(a != NULL && c != NULL && z != NULL);
	ck_assert(a < c && c < z);
	fp__buf_free(&b);

	o.sort = FP__SORT_TOTAL;
	fp__buf_init(&b);
	ck_assert_int_eq(fp__render_json_pdata(&b, d, &o), FP_OK);
	a = strstr(b.data, "\"a_small\"");
	c = strstr(b.data, "\"c_mid\"");
	z = strstr(b.data, "\"z_big\"");
	ck_assert(a != NULL && c != NULL && z != NULL);
	ck_assert(z < c && c < a);
	fp__buf_free(&b);
	fp__pdata_free(d);
}
END_TEST

/* The sampled fixture: mode, interval and sample counts in the metadata;
 * per row the samples, estimates and standard errors (own 0.5s from 500
 * samples: 0.5 / sqrt(500)), null for what sampling cannot measure; sorted
 * by samples for --sort=calls, by total for --sort=mean. */
START_TEST(test_fp__render_json_sampled)
{
	static const char want[] =
	    "{\"fullprof\": \"" FP_VERSION "\", \"python\": \"3.11.2\", "
	    "\"pid\": 4242, \"argv\": [\"app.py\", \"--n\", \"3\"],\n"
	    " \"mode\": \"sample\", \"timer\": \"wall\", \"duration\": 4.01, "
	    "\"lost_calls\": 0, \"interval\": 0.001,\n"
	    " \"samples\": {\"requested\": 4010, \"taken\": 4000, "
	    "\"dropped\": 10, \"uncovered\": 0},\n"
	    " \"functions\": [\n"
	    "  {\"file\": \"/a.py\", \"line\": 1, \"name\": \"main\", "
	    "\"calls\": null, \"primitive_calls\": null, \"samples\": 4000, "
	    "\"own_samples\": 500, \"own\": 0.5, \"own_error\": 0.020916501, "
	    "\"total\": 4, \"error\": 0, \"suspended\": null, "
	    "\"min\": null, \"mean\": null, \"max\": null},\n"
	    "  {\"file\": \"~\", \"line\": 0, "
	    "\"name\": \"<built-in method time.sleep>\", \"calls\": null, "
	    "\"primitive_calls\": null, \"samples\": 3000, "
	    "\"own_samples\": 3000, \"own\": 3, \"own_error\": 0.027386128, "
	    "\"total\": 3, \"error\": 0.027386128, \"suspended\": null, "
	    "\"min\": null, \"mean\": null, \"max\": null},\n"
	    "  {\"file\": \"/a.py\", \"line\": 5, \"name\": \"rec\", "
	    "\"calls\": null, \"primitive_calls\": null, \"samples\": 2500, "
	    "\"own_samples\": 500, \"own\": 0.5, \"own_error\": 0.020916501, "
	    "\"total\": 2.5, \"error\": 0.030618622, \"suspended\": null, "
	    "\"min\": null, \"mean\": null, \"max\": null},\n"
	    "  {\"file\": \"\", \"line\": 0, \"name\": \"never_called\", "
	    "\"calls\": null, \"primitive_calls\": null, \"samples\": 0, "
	    "\"own_samples\": 0, \"own\": 0, \"own_error\": 0, \"total\": 0, "
	    "\"error\": 0, \"suspended\": null, \"min\": null, "
	    "\"mean\": null, \"max\": null, \"no_data\": true}],\n"
	    " \"threads\": [\n"
	    "  {\"name\": \"MainThread\", \"ident\": 1, \"native_id\": 1, "
	    "\"pid\": 4242, \"total\": 4, \"samples\": 4000}]}\n";
	static const fp__sort_key_t keys[] = { FP__SORT_TOTAL, FP__SORT_CALLS,
	    FP__SORT_MEAN, FP__SORT_MAX };
	fp__pdata_t *d = fixture_sampled_tree();
	fp__render_opts_t o;
	fp__buf_t b;
	size_t i;

	memset(&o, 0, sizeof o);
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		o.sort = keys[i];
		fp__buf_init(&b);
		ck_assert_int_eq(fp__render_json_pdata(&b, d, &o), FP_OK);
		ck_assert_str_eq(b.data, want);
		if (i == 0)
			ck_assert_int_eq(python_check(b.data,
			    "d[\"mode\"] == \"sample\" and "
			    "d[\"interval\"] == 0.001 and "
			    "d[\"samples\"][\"dropped\"] == 10 and "
			    "d[\"functions\"][0][\"calls\"] is None and "
			    "sum(f[\"own_samples\"] for f in d[\"functions\"]) "
			    "== d[\"samples\"][\"taken\"]"), 0);
		fp__buf_free(&b);
	}
	/* Samples, not estimates, for --sort=calls: a path of few samples
	 * but a heavy weight (as a cpu timer gives) comes last. */
	d->nodes[2].stats.total = d->nodes[2].stats.own = 9000 * MS;
	o.sort = FP__SORT_CALLS;
	fp__buf_init(&b);
	ck_assert_int_eq(fp__render_json_pdata(&b, d, &o), FP_OK);
	ck_assert_ptr_nonnull(strstr(b.data, "\"main\", \"calls\": null, "
	    "\"primitive_calls\": null, \"samples\": 4000"));
	ck_assert(strstr(b.data, "\"main\"") < strstr(b.data, "time.sleep"));
	ck_assert(strstr(b.data, "time.sleep") < strstr(b.data, "\"rec\""));
	fp__buf_free(&b);
	o.sort = FP__SORT_TOTAL;
	fp__buf_init(&b);
	ck_assert_int_eq(fp__render_json_pdata(&b, d, &o), FP_OK);
	ck_assert(strstr(b.data, "time.sleep") < strstr(b.data, "\"main\""));
	fp__buf_free(&b);
	/* Merged profiles of different intervals have none. */
	d->meta.interval = 0;
	fp__buf_init(&b);
	ck_assert_int_eq(fp__render_json_pdata(&b, d, &o), FP_OK);
	ck_assert_ptr_nonnull(strstr(b.data, "\"interval\": null,\n"));
	fp__buf_free(&b);
	fp__pdata_free(d);
}
END_TEST

/* The trace format of a statistical profile: none without a timeline;
 * with one, its spans in category "sampled" and the mode and interval in
 * otherData. */
START_TEST(test_fp__render_trace_sampled)
{
	fp__pdata_t *d = fixture_sampled_tree();
	const fp__format_t *f = fp__format_find("trace");
	fp__render_opts_t o;
	fp__buf_t b;

	memset(&o, 0, sizeof o);
	fp__buf_init(&b);
	ck_assert_int_eq(f->render(&b, d, &o), FP_ERR_NOTIMELINE);
	fp__buf_free(&b);
	d->has_timeline = 1;
	d->events = calloc(1, sizeof *d->events);
	ck_assert_ptr_nonnull(d->events);
	d->events[0].node = 1;
	d->events[0].kind = FP__EVENT_RUN;
	d->events[0].start = 1500;
	d->events[0].end = 4001500;
	d->nevents = 1;
	fp__buf_init(&b);
	ck_assert_int_eq(f->render(&b, d, &o), FP_OK);
	ck_assert_str_eq(b.data, "{\"traceEvents\": [\n"
	    " {\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": 4242, "
	    "\"tid\": 1, \"args\": {\"name\": \"MainThread\"}},\n"
	    " {\"name\": \"main\", \"pid\": 4242, \"tid\": 1, "
	    "\"cat\": \"sampled\", \"ph\": \"X\", \"ts\": 1.500, "
	    "\"dur\": 4000.000, \"args\": {\"file\": \"/a.py\", "
	    "\"line\": 1}}],\n"
	    " \"displayTimeUnit\": \"ms\",\n"
	    " \"otherData\": {\"fullprof\": \"" FP_VERSION "\", "
	    "\"python\": \"3.11.2\", \"timer\": \"wall\", "
	    "\"mode\": \"sample\", \"interval_ns\": 1000000, "
	    "\"dropped_events\": 0}}\n");
	fp__buf_free(&b);
	fp__pdata_free(d);
}
END_TEST

START_TEST(test_fp__render_table_pdata)
{
	fp__pdata_t *d = three_functions();
	fp__render_opts_t o;
	fp__buf_t b;

	memset(&o, 0, sizeof o);
	fp__buf_init(&b);
	ck_assert_int_eq(fp__format_find("table")->render(&b, d, &o), FP_OK);
	ck_assert_int_eq(strncmp(b.data, "fullprof: wall timer, ", 22), 0);
	ck_assert_ptr_nonnull(strstr(b.data, "z_big"));
	fp__buf_free(&b);
	fp__pdata_free(d);
}
END_TEST

/* Returns the suite of runtime/report/json.c. */
Suite *
suite_report_json(void)
{
	Suite *s = suite_create("report_json");
	TCase *tc;

	tc = tcase_create("fp__render_json");
	tcase_add_test(tc, test_fp__render_json_exact);
	tcase_add_test(tc, test_fp__render_json_empty);
	tcase_add_test(tc, test_fp__render_json_lost_calls);
	tcase_add_test(tc, test_fp__render_json_escaping);
	tcase_add_test(tc, test_fp__render_json_argv);
	tcase_add_test(tc, test_fp__render_json_builtin_row);
	tcase_add_test(tc, test_fp__render_json_parses);
	tcase_add_test(tc, test_fp__render_json_sampled);
	/* Each Python start-up takes a while on a loaded machine. */
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__format_known");
	tcase_add_test(tc, test_fp__format_find_names);
	tcase_add_test(tc, test_fp__format_for_path_suffixes);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__render_format");
	tcase_add_test(tc, test_fp__render_json_pdata_sorted);
	tcase_add_test(tc, test_fp__render_table_pdata);
	tcase_add_test(tc, test_fp__render_trace_sampled);
	suite_add_tcase(s, tc);
	return s;
}
