/*
 * report-table.c: checks for runtime/report/table.c: durations and paths
 * as people read them, and the table itself: its header, its order under
 * every sort key, the --limit cut and its footer, the calls column and the
 * alignment of the columns (counted in characters, as "µ" is two bytes);
 * a statistical profile's table, with samples, estimates ± their errors
 * and the footer of samples requested, taken and dropped.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "suites.h"
#include "fixture-pdata.h"
#include "report/report.h"

#define MAX_LINES 64

/* Returns fp__format_duration's text for ns, in a static buffer. */
static const char *
dur(fp_time_t ns)
{
	static char out[32];

	memset(out, 'X', sizeof out);
	return fp__format_duration(ns, out, sizeof out);
}

/* Returns fp__format_path's text for path with max, in a static buffer. */
static const char *
path(const char *p, const char *cwd, const char *stdlib, size_t max)
{
	static char out[4096];
	fp__render_opts_t o;

	memset(&o, 0, sizeof o);
	o.cwd = cwd;
	o.stdlib = stdlib;
	return fp__format_path(p, &o, max, out, sizeof out);
}

/* Returns the number of characters in the UTF-8 string s. */
static size_t
chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Returns non-zero when s is well-formed UTF-8 (no overlong or surrogate
 * checks are needed here: only whether sequences are complete). */
static int
valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		int n = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 :
		    (*p & 0xF0) == 0xE0 ? 2 : (*p & 0xF8) == 0xF0 ? 3 : -1;

		if (n < 0)
			return 0;
		for (p++; n > 0; n--, p++)
			if ((*p & 0xC0) != 0x80)
				return 0;
	}
	return 1;
}

/* The output of one fp__render_table call, split into lines. */
struct table {
	fp__buf_t buf;
	char *line[MAX_LINES];
	size_t nlines;
};

/* Renders snap with o into *t and splits it into lines. */
static void
render(struct table *t, fp_snapshot_t *snap, const fp__render_opts_t *o)
{
	char *p, *nl;

	memset(t, 0, sizeof *t);
	fp__buf_init(&t->buf);
	fp__render_table(&t->buf, snap, o);
	ck_assert_int_eq(t->buf.nomem, 0);
	ck_assert_ptr_nonnull(t->buf.data);
	ck_assert_int_eq(t->buf.data[t->buf.len - 1], '\n');
	for (p = t->buf.data; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		ck_assert_ptr_nonnull(nl);
		*nl = '\0';
		ck_assert_uint_lt(t->nlines, MAX_LINES);
		t->line[t->nlines++] = p;
	}
}

/* Returns a row with the figures the sorting tests tell apart. */
static fp_row_t
row(const char *name, fp_time_t total, fp_time_t own, uint64_t calls,
    fp_time_t mean, fp_time_t max)
{
	fp_row_t r;

	memset(&r, 0, sizeof r);
	r.file = "/home/u/proj/app.py";
	r.line = 10;
	r.name = name;
	r.calls = r.primitive_calls = calls;
	r.total = total;
	r.own = own;
	r.mean = mean;
	r.max = max;
	r.min = mean / 2;
	return r;
}

static fp_row_t sort_rows[4];

/* Fills *snap with four rows that every sort key orders differently:
 * total: mike alpha zulu kilo; own: alpha kilo mike zulu; calls: zulu
 * alpha kilo mike; mean: mike alpha kilo zulu; max: zulu mike alpha kilo;
 * name: alpha kilo mike zulu. */
static void
make_sort_snap(fp_snapshot_t *snap)
{
	sort_rows[0] = row("mike", 400000, 100000, 1, 400000, 400000);
	sort_rows[1] = row("alpha", 300000, 300000, 3, 100000, 150000);
	sort_rows[2] = row("zulu", 200000, 50000, 10, 20000, 500000);
	sort_rows[3] = row("kilo", 100000, 200000, 2, 50000, 60000);
	memset(snap, 0, sizeof *snap);
	snap->rows = sort_rows;
	snap->count = 4;
	snap->meta.mode = "trace";
	snap->meta.timer = "wall";
	snap->meta.python = "3.11.2";
	snap->meta.pid = 4242;
	snap->meta.duration = 2250000000LL;
}

/* Returns the options for the table tests: cwd /home/u/proj, a stdlib. */
static fp__render_opts_t
opts(fp__sort_key_t key, size_t limit)
{
	fp__render_opts_t o;

	memset(&o, 0, sizeof o);
	o.sort = key;
	o.limit = limit;
	o.cwd = "/home/u/proj";
	o.stdlib = "/usr/lib/python3.11";
	return o;
}

/* Asserts that the data lines of t (after the header and the headings)
 * name the functions in the order given, four of them. */
static void
assert_order(const struct table *t, const char *n0, const char *n1,
    const char *n2, const char *n3)
{
	const char *names[4] = { n0, n1, n2, n3 };
	char word[64];
	size_t i;

	ck_assert_uint_ge(t->nlines, 6);
	for (i = 0; i < 4; i++) {
		snprintf(word, sizeof word, "  %s  ", names[i]);
		ck_assert_msg(strstr(t->line[2 + i], word) != NULL,
		    "line %zu is \"%s\", expected function %s", 2 + i,
		    t->line[2 + i], names[i]);
	}
}

START_TEST(test_fp__format_duration_examples)
{
	ck_assert_str_eq(dur(0), "0");
	ck_assert_str_eq(dur(1), "1ns");
	ck_assert_str_eq(dur(999), "999ns");
	ck_assert_str_eq(dur(1500), "1.5µs");
	ck_assert_str_eq(dur(14000), "14µs");
	ck_assert_str_eq(dur(250100000), "250.1ms");
	ck_assert_str_eq(dur(1002000000), "1.002s");
	ck_assert_str_eq(dur(61500000000LL), "61.500s");
}
END_TEST

START_TEST(test_fp__format_duration_boundaries)
{
	ck_assert_str_eq(dur(1000), "1.0µs");
	ck_assert_str_eq(dur(9940), "9.9µs");
	ck_assert_str_eq(dur(10000), "10µs");
	ck_assert_str_eq(dur(999400), "999µs");
	ck_assert_str_eq(dur(1000000), "1.000ms");
	ck_assert_str_eq(dur(9999400), "9.999ms");
	ck_assert_str_eq(dur(10000000), "10.00ms");
	ck_assert_str_eq(dur(99994000), "99.99ms");
	ck_assert_str_eq(dur(100000000), "100.0ms");
	ck_assert_str_eq(dur(999940000), "999.9ms");
	ck_assert_str_eq(dur(1000000000), "1.000s");
}
END_TEST

/*
 * A value just under a unit boundary must not round up into a figure of the
 * next unit: 999999ns is "1.000ms", never "1000µs"; 9999ns is "10µs".
 */
START_TEST(test_fp__format_duration_rounding_carry)
{
	ck_assert_str_eq(dur(9999), "10µs");
	ck_assert_str_eq(dur(999999), "1.000ms");
	ck_assert_str_eq(dur(9999999), "10.00ms");
	ck_assert_str_eq(dur(99999999), "100.0ms");
	ck_assert_str_eq(dur(999999999), "1.000s");
}
END_TEST

START_TEST(test_fp__format_duration_negative)
{
	ck_assert_str_eq(dur(-1), "0");
	ck_assert_str_eq(dur(-5000000000LL), "0");
}
END_TEST

START_TEST(test_fp__format_duration_small_buffer)
{
	char out[4];

	/* Truncated, never overrun, always terminated. */
	memset(out, 'X', sizeof out);
	ck_assert_ptr_eq(fp__format_duration(250100000, out, sizeof out), out);
	ck_assert_str_eq(out, "250");
}
END_TEST

START_TEST(test_fp__format_path_cwd)
{
	ck_assert_str_eq(path("/home/u/proj/app/main.py", "/home/u/proj",
	    NULL, 0), "app/main.py");
	ck_assert_str_eq(path("/home/u/proj/main.py", "/home/u/proj",
	    "/usr/lib/python3.11", 40), "main.py");
	/* A sibling that merely starts with the same letters stays whole. */
	ck_assert_str_eq(path("/home/u/projX/a.py", "/home/u/proj", NULL, 0),
	    "/home/u/projX/a.py");
	ck_assert_str_eq(path("/opt/x/a.py", "/home/u/proj", NULL, 0),
	    "/opt/x/a.py");
	/* No cwd, or an empty one, changes nothing. */
	ck_assert_str_eq(path("/home/u/proj/a.py", NULL, NULL, 0),
	    "/home/u/proj/a.py");
	ck_assert_str_eq(path("/home/u/proj/a.py", "", "", 0),
	    "/home/u/proj/a.py");
	/* Relative names (<string>, <frozen ...>) pass through. */
	ck_assert_str_eq(path("<frozen importlib._bootstrap>", "/home/u/proj",
	    "/usr/lib/python3.11", 40), "<frozen importlib._bootstrap>");
}
END_TEST

START_TEST(test_fp__format_path_stdlib)
{
	ck_assert_str_eq(path("/usr/lib/python3.11/json/decoder.py", "/",
	    "/usr/lib/python3.11", 0), "<stdlib>/json/decoder.py");
	ck_assert_str_eq(path("/usr/lib/python3.11/os.py", NULL,
	    "/usr/lib/python3.11", 40), "<stdlib>/os.py");
	ck_assert_str_eq(path("/usr/lib/python3.110/os.py", NULL,
	    "/usr/lib/python3.11", 40), "/usr/lib/python3.110/os.py");
	/* The standard library wins over a cwd that contains it. */
	ck_assert_str_eq(path("/usr/lib/python3.11/os.py", "/usr/lib",
	    "/usr/lib/python3.11", 40), "<stdlib>/os.py");
}
END_TEST

/* A report or an attach, which do not know the profiled Python's standard
 * library, recognise it by the shape PREFIX/lib/python3.N/. */
START_TEST(test_fp__format_path_stdlib_unknown)
{
	ck_assert_str_eq(path("/usr/lib/python3.11/json/decoder.py", NULL,
	    NULL, 0), "<stdlib>/json/decoder.py");
	ck_assert_str_eq(path("/root/.pyenv/versions/3.12.1/lib/python3.12/"
	    "asyncio/tasks.py", "/home/u", NULL, 0), "<stdlib>/asyncio/tasks.py");
	ck_assert_str_eq(path("/opt/py/lib/python3.13t/threading.py", NULL,
	    NULL, 0), "<stdlib>/threading.py");
	/* Not that shape: kept whole. */
	ck_assert_str_eq(path("/usr/lib/python3.x/os.py", NULL, NULL, 0),
	    "/usr/lib/python3.x/os.py");
	ck_assert_str_eq(path("/usr/lib/python3.11x/os.py", NULL, NULL, 0),
	    "/usr/lib/python3.11x/os.py");
	ck_assert_str_eq(path("/home/u/mylib/python3.11/a.py", NULL, NULL, 0),
	    "/home/u/mylib/python3.11/a.py");
	/* site-packages under it stays <site>. */
	ck_assert_str_eq(path("/usr/lib/python3.11/site-packages/req/api.py",
	    NULL, NULL, 0), "<site>/req/api.py");
	/* A known standard library is the only one. */
	ck_assert_str_eq(path("/opt/other/lib/python3.11/os.py", NULL,
	    "/usr/lib/python3.11", 0), "/opt/other/lib/python3.11/os.py");
}
END_TEST

START_TEST(test_fp__format_path_site)
{
	ck_assert_str_eq(path(
	    "/usr/lib/python3.11/site-packages/requests/api.py", NULL,
	    "/usr/lib/python3.11", 40), "<site>/requests/api.py");
	ck_assert_str_eq(path("/usr/lib/python3/dist-packages/yaml/main.py",
	    NULL, "/usr/lib/python3.11", 40), "<site>/yaml/main.py");
	ck_assert_str_eq(path(
	    "/home/u/proj/.venv/lib/python3.11/site-packages/six.py",
	    "/home/u/proj", "/usr/lib/python3.11", 40), "<site>/six.py");
	/* A directory that only ends in site-packages is not one. */
	ck_assert_str_eq(path("/home/u/my-site-packages/a.py", NULL, NULL, 0),
	    "/home/u/my-site-packages/a.py");
}
END_TEST

START_TEST(test_fp__format_path_long)
{
	const char *p = "/very/long/directory/structure/module.py";
	const char *r;

	r = path(p, NULL, NULL, 20);
	/* The last 17 characters are "ructure/module.py"; the part from its
	 * slash on is kept. */
	ck_assert_str_eq(r, ".../module.py");
	ck_assert_uint_le(strlen(r), 20);
	/* A path that fits is left alone, to the character. */
	ck_assert_str_eq(path(p, NULL, NULL, strlen(p)), p);
	ck_assert_str_eq(path(p, NULL, NULL, 0), p);
	r = path(p, NULL, NULL, strlen(p) - 1);
	ck_assert_str_eq(r, ".../long/directory/structure/module.py");
	ck_assert_uint_le(strlen(r), strlen(p) - 1);
	/* Shortening applies after the cwd is taken off. */
	ck_assert_str_eq(path("/home/u/proj/pkg/sub/mod.py", "/home/u/proj",
	    NULL, 15), "pkg/sub/mod.py");
	ck_assert_str_eq(path("/home/u/proj/pkg/sub/mod.py", "/home/u/proj",
	    NULL, 13), ".../mod.py");
}
END_TEST

START_TEST(test_fp__format_path_long_no_slash)
{
	const char *p = "/x/a_very_long_file_name_without_any_break.py";
	const char *r = path(p, NULL, NULL, 20);

	/* No slash in the tail: the last max-3 characters are kept. */
	ck_assert_uint_eq(strlen(r), 20);
	ck_assert_int_eq(strncmp(r, "...", 3), 0);
	ck_assert_str_eq(r + 3, p + strlen(p) - 17);
}
END_TEST

/*
 * The length limit counts characters, not bytes: a non-ASCII path that
 * fits is left alone, and a shortened one is never cut inside a UTF-8
 * sequence.
 */
START_TEST(test_fp__format_path_utf8)
{
	/* 9 + 20 * 2 + 3 bytes, 32 characters. */
	const char *p = "/home/uu/"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9.py";
	const char *r;

	ck_assert_uint_eq(chars(p), 32);
	/* Cut to 21 characters, on a character boundary (counting bytes,
	 * the last 18 start inside an "é"). */
	r = path(p, NULL, NULL, 21);
	ck_assert_int_eq(strncmp(r, "...", 3), 0);
	ck_assert_msg(valid_utf8(r), "\"%s\" is not valid UTF-8", r);
	ck_assert_uint_le(chars(r), 21);
	ck_assert_str_eq(r + 3, p + strlen(p) - strlen(r + 3));
	/* 32 characters fit in 40. */
	ck_assert_str_eq(path(p, NULL, NULL, 40), p);
}
END_TEST

START_TEST(test_fp__format_path_small_buffer)
{
	fp__render_opts_t o;
	char out[8];

	memset(&o, 0, sizeof o);
	memset(out, 'X', sizeof out);
	ck_assert_ptr_eq(fp__format_path("/usr/lib/python3.11/site-packages/"
	    "numpy/core.py", &o, 40, out, sizeof out), out);
	ck_assert_uint_lt(strlen(out), sizeof out);
}
END_TEST

START_TEST(test_fp__render_table_header)
{
	fp_snapshot_t snap;
	fp__render_opts_t o = opts(FP__SORT_TOTAL, 0);
	struct table t;

	make_sort_snap(&snap);
	render(&t, &snap, &o);
	ck_assert_str_eq(t.line[0], "fullprof: wall timer, 2.250s, "
	    "Python 3.11.2, pid 4242, 4 functions");
	ck_assert_uint_eq(t.nlines, 6);
	fp__buf_free(&t.buf);

	/* One function, another timer, no Python version known. */
	snap.count = 1;
	snap.meta.timer = "cpu";
	snap.meta.python = NULL;
	snap.meta.duration = 14000;
	render(&t, &snap, &o);
	ck_assert_str_eq(t.line[0], "fullprof: cpu timer, 14µs, Python ?, "
	    "pid 4242, 1 function");
	fp__buf_free(&t.buf);
}
END_TEST

START_TEST(test_fp__render_table_headings)
{
	fp_snapshot_t snap;
	fp__render_opts_t o = opts(FP__SORT_TOTAL, 0);
	struct table t;
	const char *want[] = { "file", "line", "function", "calls", "own",
	    "total", "suspended", "min", "mean", "max" };
	const char *p;
	size_t i;

	make_sort_snap(&snap);
	render(&t, &snap, &o);
	/* Every heading, in order. */
	p = t.line[1];
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		p = strstr(p, want[i]);
		ck_assert_msg(p != NULL, "heading %s missing", want[i]);
		p += strlen(want[i]);
	}
	ck_assert_str_eq(p, "");
	fp__buf_free(&t.buf);
}
END_TEST

START_TEST(test_fp__render_table_empty)
{
	fp_snapshot_t snap;
	fp__render_opts_t o = opts(FP__SORT_TOTAL, 5);
	struct table t;

	make_sort_snap(&snap);
	snap.count = 0;
	render(&t, &snap, &o);
	ck_assert_uint_eq(t.nlines, 2);
	ck_assert_ptr_nonnull(strstr(t.line[0], ", 0 functions"));
	fp__buf_free(&t.buf);
}
END_TEST

START_TEST(test_fp__render_table_sort_total)
{
	fp_snapshot_t snap;
	fp__render_opts_t o = opts(FP__SORT_TOTAL, 0);
	struct table t;

	make_sort_snap(&snap);
	render(&t, &snap, &o);
	assert_order(&t, "mike", "alpha", "zulu", "kilo");
	fp__buf_free(&t.buf);
}
END_TEST

START_TEST(test_fp__render_table_sort_keys)
{
	static const struct {
		fp__sort_key_t key;
		const char *order[4];
	} cases[] = {
		{ FP__SORT_OWN, { "alpha", "kilo", "mike", "zulu" } },
		{ FP__SORT_CALLS, { "zulu", "alpha", "kilo", "mike" } },
		{ FP__SORT_MEAN, { "mike", "alpha", "kilo", "zulu" } },
		{ FP__SORT_MAX, { "zulu", "mike", "alpha", "kilo" } },
		{ FP__SORT_NAME, { "alpha", "kilo", "mike", "zulu" } },
		{ FP__SORT_TOTAL, { "mike", "alpha", "zulu", "kilo" } },
	};
	fp_snapshot_t snap;
	struct table t;
	size_t i;

	make_sort_snap(&snap);
	/* One snapshot, re-sorted by each key in turn. */
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fp__render_opts_t o = opts(cases[i].key, 0);

		render(&t, &snap, &o);
		assert_order(&t, cases[i].order[0], cases[i].order[1],
		    cases[i].order[2], cases[i].order[3]);
		fp__buf_free(&t.buf);
	}
}
END_TEST

START_TEST(test_fp__render_table_limit)
{
	fp_snapshot_t snap;
	fp__render_opts_t o = opts(FP__SORT_TOTAL, 2);
	struct table t;

	make_sort_snap(&snap);
	render(&t, &snap, &o);
	/* The header still counts every function. */
	ck_assert_ptr_nonnull(strstr(t.line[0], ", 4 functions"));
	ck_assert_uint_eq(t.nlines, 5);
	ck_assert_ptr_nonnull(strstr(t.line[2], "  mike  "));
	ck_assert_ptr_nonnull(strstr(t.line[3], "  alpha  "));
	ck_assert_str_eq(t.line[4],
	    "(2 more rows not shown: a limit of 0 shows all)");
	fp__buf_free(&t.buf);

	o.limit = 3;
	render(&t, &snap, &o);
	ck_assert_uint_eq(t.nlines, 6);
	ck_assert_str_eq(t.line[5],
	    "(1 more row not shown: a limit of 0 shows all)");
	fp__buf_free(&t.buf);
}
END_TEST

START_TEST(test_fp__render_table_limit_not_reached)
{
	fp_snapshot_t snap;
	struct table t;
	size_t limits[] = { 0, 4, 5, 1000 }, i;

	make_sort_snap(&snap);
	for (i = 0; i < sizeof limits / sizeof limits[0]; i++) {
		fp__render_opts_t o = opts(FP__SORT_TOTAL, limits[i]);

		render(&t, &snap, &o);
		ck_assert_uint_eq(t.nlines, 6);
		ck_assert_ptr_null(strstr(t.buf.data, "not shown"));
		fp__buf_free(&t.buf);
	}
}
END_TEST

START_TEST(test_fp__render_table_calls)
{
	fp_snapshot_t snap;
	fp__render_opts_t o = opts(FP__SORT_NAME, 0);
	struct table t;

	make_sort_snap(&snap);
	/* alpha: 3 calls, 3 primitive; kilo: 5 calls of which 2 recursive. */
	sort_rows[3].calls = 5;
	sort_rows[3].primitive_calls = 3;
	render(&t, &snap, &o);
	ck_assert_ptr_nonnull(strstr(t.line[2], "  alpha  "));
	ck_assert_ptr_nonnull(strstr(t.line[2], "  3  "));
	ck_assert_ptr_null(strstr(t.line[2], "/"));
	ck_assert_ptr_nonnull(strstr(t.line[3], "  kilo  "));
	ck_assert_ptr_nonnull(strstr(t.line[3], "  5/3  "));
	fp__buf_free(&t.buf);
}
END_TEST

START_TEST(test_fp__render_table_cells)
{
	fp_snapshot_t snap;
	fp__render_opts_t o = opts(FP__SORT_NAME, 0);
	struct table t;
	const char *p50, *p100, *p150;

	make_sort_snap(&snap);
	sort_rows[0].file = "~";
	sort_rows[0].line = 0;
	sort_rows[0].suspended = 250100000;
	sort_rows[1].file = "/usr/lib/python3.11/json/decoder.py";
	sort_rows[1].line = 1234;
	sort_rows[2].file = "/usr/lib/python3/dist-packages/yaml/main.py";
	render(&t, &snap, &o);
	/* alpha, kilo, mike, zulu. */
	ck_assert_int_eq(strncmp(t.line[2], "<stdlib>/json/decoder.py  1234  "
	    "alpha  ", 32), 0);
	ck_assert_int_eq(strncmp(t.line[3], "app.py ", 7), 0);
	ck_assert_int_eq(strncmp(t.line[4], "~  ", 3), 0);
	ck_assert_ptr_nonnull(strstr(t.line[4], "  mike  "));
	ck_assert_ptr_nonnull(strstr(t.line[4], "  250.1ms  "));
	ck_assert_int_eq(strncmp(t.line[5], "<site>/yaml/main.py ", 20), 0);
	/* Figures in human units: alpha's own and total, then min, mean
	 * and max, in that order. */
	ck_assert_ptr_nonnull(strstr(t.line[2], "  300µs  300µs  "));
	p50 = strstr(t.line[2], " 50µs  ");
	p100 = strstr(t.line[2], " 100µs  ");
	p150 = strstr(t.line[2], " 150µs");
	ck_assert(p50 != NULL && p100 != NULL && p150 != NULL);
	ck_assert(p50 < p100 && p100 < p150);
	ck_assert_str_eq(t.line[2] + strlen(t.line[2]) - strlen("150µs"),
	    "150µs");
	fp__buf_free(&t.buf);
}
END_TEST

START_TEST(test_fp__render_table_long_name)
{
	fp_snapshot_t snap;
	fp__render_opts_t o = opts(FP__SORT_TOTAL, 0);
	struct table t;
	const char *longname = "Outer.Inner.a_method_with_a_rather_long_name_"
	    "that_goes_on";

	make_sort_snap(&snap);
	sort_rows[0].name = longname;
	render(&t, &snap, &o);
	/* Clipped to 44 characters: 41 of the name and "...". */
	ck_assert_ptr_null(strstr(t.line[2], longname));
	ck_assert_ptr_nonnull(strstr(t.line[2],
	    "  Outer.Inner.a_method_with_a_rather_long_n...  "));
	fp__buf_free(&t.buf);
}
END_TEST

START_TEST(test_fp__render_table_aligned)
{
	fp_snapshot_t snap;
	fp__render_opts_t o = opts(FP__SORT_TOTAL, 0);
	struct table t;
	static const char *const right[] = { "line", "calls", "own", "total",
	    "suspended", "min", "mean", "max" };
	size_t width, i, j, bytes_differ = 0;

	make_sort_snap(&snap);
	/* Mixed units (so "µ" in some cells only), long and non-ASCII names
	 * and files. */
	sort_rows[0].total = 1002000000;
	sort_rows[0].max = 999;
	sort_rows[1].name = "caf\xc3\xa9_\xe2\x82\xac_\xf0\x9f\x98\x80";
	sort_rows[1].file = "/home/u/proj/donn\xc3\xa9" "es/lecture.py";
	sort_rows[1].calls = 123456;
	sort_rows[2].name = "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9";
	sort_rows[3].file = "~";
	sort_rows[3].line = 0;
	sort_rows[3].own = 3;
	render(&t, &snap, &o);
	ck_assert_uint_eq(t.nlines, 6);
	/* The headings line and every data line: the same width in
	 * characters, though not in bytes. */
	width = chars(t.line[1]);
	for (i = 2; i < t.nlines; i++) {
		ck_assert_msg(chars(t.line[i]) == width,
		    "line %zu is %zu characters wide, headings %zu: \"%s\"", i,
		    chars(t.line[i]), width, t.line[i]);
		bytes_differ += strlen(t.line[i]) != strlen(t.line[1]);
		ck_assert_int_ne(t.line[i][strlen(t.line[i]) - 1], ' ');
	}
	ck_assert_uint_gt(bytes_differ, 0);
	/* Each number column ends where its heading ends. */
	for (j = 0; j < sizeof right / sizeof right[0]; j++) {
		char key[32];
		const char *h;
		size_t end;

		snprintf(key, sizeof key, " %s", right[j]);
		h = strstr(t.line[1], key);
		ck_assert_ptr_nonnull(h);
		h += strlen(key);
		ck_assert(*h == ' ' || *h == '\0');
		end = h - t.line[1];	/* the headings are ASCII */
		for (i = 2; i < t.nlines; i++) {
			const char *p = t.line[i];
			size_t c = 0;
			char before = 0;

			/* The characters at index end - 1 and end. */
			for (; *p != '\0' && c < end; p++) {
				if (((unsigned char)*p & 0xC0) == 0x80)
					continue;
				before = *p;
				c++;
				if (c == end)
					break;
			}
			ck_assert_msg(before != ' ' && before != 0,
			    "column %s of line %zu does not end under its "
			    "heading: \"%s\"", right[j], i, t.line[i]);
			if (*p != '\0')
				p++;
			while (((unsigned char)*p & 0xC0) == 0x80)
				p++;
			ck_assert_msg(*p == ' ' || *p == '\0',
			    "column %s of line %zu overruns its heading: "
			    "\"%s\"", right[j], i, t.line[i]);
		}
	}
	fp__buf_free(&t.buf);
}
END_TEST

START_TEST(test_fp__render_table_lost)
{
	fp_snapshot_t snap;
	fp__render_opts_t o = opts(FP__SORT_TOTAL, 0);
	struct table t;

	make_sort_snap(&snap);
	render(&t, &snap, &o);
	ck_assert_ptr_null(strstr(t.buf.data, "warning"));
	fp__buf_free(&t.buf);

	snap.meta.lost = 1;
	render(&t, &snap, &o);
	ck_assert_str_eq(t.line[t.nlines - 1],
	    "fullprof: warning: memory ran out, 1 call not recorded");
	fp__buf_free(&t.buf);

	snap.meta.lost = 12;
	o.limit = 1;
	render(&t, &snap, &o);
	ck_assert_str_eq(t.line[t.nlines - 2],
	    "(3 more rows not shown: a limit of 0 shows all)");
	ck_assert_str_eq(t.line[t.nlines - 1],
	    "fullprof: warning: memory ran out, 12 calls not recorded");
	fp__buf_free(&t.buf);
}
END_TEST

START_TEST(test_fp__format_estimate_examples)
{
	char out[64];

	ck_assert_str_eq(fp__format_estimate(1350000000, 40000000, out,
	    sizeof out), "1.350s ± 0.040s");
	ck_assert_str_eq(fp__format_estimate(250100000, 5200000, out,
	    sizeof out), "250.1ms ± 5.2ms");
	ck_assert_str_eq(fp__format_estimate(14000, 14000, out, sizeof out),
	    "14µs ± 14µs");
	ck_assert_str_eq(fp__format_estimate(900, 30, out, sizeof out),
	    "900ns ± 30ns");
	/* The estimate's unit, whatever the error's size. */
	ck_assert_str_eq(fp__format_estimate(2000000000, 3000000000LL, out,
	    sizeof out), "2.000s ± 3.000s");
	ck_assert_str_eq(fp__format_estimate(0, 0, out, sizeof out), "0");
	ck_assert_str_eq(fp__format_estimate(5000, -1, out, sizeof out),
	    "5.0µs ± 0.0µs");
}
END_TEST

/* Renders the sampled fixture's rows with o into *t; returns the snapshot
 * (the caller frees it, then d). */
static fp_snapshot_t *
render_sampled(struct table *t, fp__pdata_t *d, const fp__render_opts_t *o)
{
	fp_snapshot_t *snap = fp__pdata_rows(d);

	ck_assert_ptr_nonnull(snap);
	render(t, snap, o);
	return snap;
}

START_TEST(test_fp__render_table_sampled)
{
	fp__pdata_t *d = fixture_sampled_tree();
	fp__render_opts_t o = opts(FP__SORT_TOTAL, 0);
	fp_snapshot_t *snap;
	struct table t;
	size_t i;

	snap = render_sampled(&t, d, &o);
	ck_assert_uint_eq(t.nlines, 7);
	ck_assert_str_eq(t.line[0], "fullprof: statistical profile, wall "
	    "timer, a sample every 1.000ms, 4.010s, Python 3.11.2, pid 4242, "
	    "4 functions");
	ck_assert_str_eq(t.line[1], "file   line  function                "
	    "      samples      %               own            total");
	ck_assert_str_eq(t.line[2], "/a.py     1  main                      "
	    "       4000  100.0  500.0ms ± 20.9ms  4.000s ± 0.000s");
	ck_assert_str_eq(t.line[3], "~         0  <built-in method time.sleep>"
	    "     3000   75.0   3.000s ± 0.027s  3.000s ± 0.027s");
	ck_assert_str_eq(t.line[4], "/a.py     5  rec                       "
	    "       2500   62.5  500.0ms ± 20.9ms  2.500s ± 0.031s");
	ck_assert_str_eq(t.line[5], "-         -  never_called              "
	    "    no data      -                 -                -");
	ck_assert_str_eq(t.line[6], "fullprof: 4010 samples requested, 4000 "
	    "taken, 10 dropped (0.2%); own and total are estimates ± one "
	    "standard error");
	for (i = 2; i < 6; i++)
		ck_assert_uint_eq(chars(t.line[i]), chars(t.line[1]));
	fp__buf_free(&t.buf);
	fp_snapshot_free(snap);
	fp__pdata_free(d);
}
END_TEST

/* --sort=calls orders a statistical profile by samples; mean and max,
 * which sampling does not measure, order it by total and say so. The
 * limit's line comes before the footer. */
START_TEST(test_fp__render_table_sampled_sort)
{
	fp__pdata_t *d = fixture_sampled_tree();
	fp__render_opts_t o = opts(FP__SORT_CALLS, 2);
	fp_snapshot_t *snap;
	struct table t;

	/* sleep's estimates now pass main's, its samples do not. */
	d->nodes[2].stats.total = d->nodes[2].stats.own = 9000 * MS;
	snap = render_sampled(&t, d, &o);
	ck_assert_uint_eq(t.nlines, 6);
	ck_assert_ptr_nonnull(strstr(t.line[2], "  main  "));
	ck_assert_ptr_nonnull(strstr(t.line[3], "time.sleep"));
	ck_assert_str_eq(t.line[4],
	    "(2 more rows not shown: a limit of 0 shows all)");
	ck_assert_int_eq(strncmp(t.line[5], "fullprof: 4010 samples", 22), 0);
	fp__buf_free(&t.buf);
	fp_snapshot_free(snap);

	o.sort = FP__SORT_MEAN;
	o.limit = 0;
	snap = render_sampled(&t, d, &o);
	ck_assert_uint_eq(t.nlines, 8);
	ck_assert_ptr_nonnull(strstr(t.line[2], "time.sleep"));
	ck_assert_ptr_nonnull(strstr(t.line[2], "  11.000s ± 0.100s"));
	ck_assert_str_eq(t.line[7], "fullprof: sorted by total: sampling "
	    "measures no mean or max");
	fp__buf_free(&t.buf);
	fp_snapshot_free(snap);

	/* Merged profiles of several intervals; memory that ran out. */
	d->meta.interval = 0;
	d->meta.lost = 2;
	o.sort = FP__SORT_TOTAL;
	snap = render_sampled(&t, d, &o);
	ck_assert_str_eq(t.line[0], "fullprof: statistical profile, wall "
	    "timer, samples at mixed intervals, 4.010s, Python 3.11.2, pid "
	    "4242, 4 functions");
	ck_assert_str_eq(t.line[t.nlines - 1], "fullprof: warning: memory "
	    "ran out, 2 samples not recorded");
	fp__buf_free(&t.buf);
	fp_snapshot_free(snap);
	fp__pdata_free(d);
}
END_TEST

/* Returns the suite of runtime/report/table.c. */
Suite *
suite_report_table(void)
{
	Suite *s = suite_create("report_table");
	TCase *tc;

	tc = tcase_create("fp__format_duration");
	tcase_add_test(tc, test_fp__format_duration_examples);
	tcase_add_test(tc, test_fp__format_duration_boundaries);
	tcase_add_test(tc, test_fp__format_duration_rounding_carry);
	tcase_add_test(tc, test_fp__format_duration_negative);
	tcase_add_test(tc, test_fp__format_duration_small_buffer);
	tcase_add_test(tc, test_fp__format_estimate_examples);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__format_path");
	tcase_add_test(tc, test_fp__format_path_cwd);
	tcase_add_test(tc, test_fp__format_path_stdlib);
	tcase_add_test(tc, test_fp__format_path_stdlib_unknown);
	tcase_add_test(tc, test_fp__format_path_site);
	tcase_add_test(tc, test_fp__format_path_long);
	tcase_add_test(tc, test_fp__format_path_long_no_slash);
	tcase_add_test(tc, test_fp__format_path_utf8);
	tcase_add_test(tc, test_fp__format_path_small_buffer);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__render_table");
	tcase_add_test(tc, test_fp__render_table_header);
	tcase_add_test(tc, test_fp__render_table_headings);
	tcase_add_test(tc, test_fp__render_table_empty);
	tcase_add_test(tc, test_fp__render_table_sort_total);
	tcase_add_test(tc, test_fp__render_table_sort_keys);
	tcase_add_test(tc, test_fp__render_table_limit);
	tcase_add_test(tc, test_fp__render_table_limit_not_reached);
	tcase_add_test(tc, test_fp__render_table_calls);
	tcase_add_test(tc, test_fp__render_table_cells);
	tcase_add_test(tc, test_fp__render_table_long_name);
	tcase_add_test(tc, test_fp__render_table_aligned);
	tcase_add_test(tc, test_fp__render_table_lost);
	tcase_add_test(tc, test_fp__render_table_sampled);
	tcase_add_test(tc, test_fp__render_table_sampled_sort);
	suite_add_tcase(s, tc);
	return s;
}
