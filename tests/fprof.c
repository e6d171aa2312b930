/*
 * fprof.c: checks for the .fprof file: runtime/report/fprof.c writes it,
 * runtime/report/fprof-read.c reads it with the lexer fprof-lex.c. The
 * exact text of a small profile, the round trip (write, read, write gives
 * the same bytes), strings with every kind of character, two files merged
 * adding up exactly, and one check per class of error, each asserting the
 * one-line message; the same for a statistical profile's interval and
 * sample counts; the lexer's fields, errors and skipped JSON values.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "suites.h"
#include "fixture-pdata.h"
#include "report/formats.h"
#include "report/fprof-lex.h"
#include "report/fprof-read.h"

#define HEAD "fullprof-profile 1\n"
#define META "meta {\"fullprof\": \"" FP_VERSION "\", \"mode\": \"trace\", " \
	"\"timer\": \"wall\", \"python\": \"3.11.2\", \"pid\": 42, \"argv\": " \
	"[\"prog.py\", \"-x\"], \"duration_ns\": 3000, \"started_unix_ns\": " \
	"1700000000000000000, \"lost_calls\": 0}\n"

/* The text of the profile small() builds. */
static const char small_text[] =
	HEAD
	META
	"func 0 1 \"/a/prog.py\" \"main\" \"__main__\"\n"
	"func 1 0 \"~\" \"<built-in method time.sleep>\" null\n"
	"thread 0 0 140 1234 42 \"MainThread\"\n"
	"node 1 0 0 1 1000 3000 0 3000 3000 3000\n"
	"node 2 1 1 2 2000 2000 0 2000 500 1500\n"
	"end 3\n";

/* Returns figures for a node. */
static fp__stats_t
stats(uint64_t calls, fp_time_t own, fp_time_t total, fp_time_t susp,
    fp_time_t sum, fp_time_t min, fp_time_t max)
{
	fp__stats_t s;

	/* Every field, the sampling counts and any padding included: the
	 * round trips compare whole structs. */
	memset(&s, 0, sizeof s);
	s.calls = calls;
	s.own = own;
	s.total = total;
	s.suspended = susp;
	s.sum = sum;
	s.min = min;
	s.max = max;
	return s;
}

/* Builds a small profile: main calling time.sleep twice, in one thread. */
static fp__pdata_t *
small(void)
{
	static char *argv[] = { "prog.py", "-x", NULL };
	fp__meta_t m;
	fp__pdata_t *d;
	fp__stats_t s;
	uint32_t t, main_f, sleep_f, n;

	memset(&m, 0, sizeof m);
	m.mode = "trace";
	m.timer = "wall";
	m.python = "3.11.2";
	m.pid = 42;
	m.argc = 2;
	m.argv = argv;
	m.duration = 3000;
	m.started_unix_ns = 1700000000000000000LL;
	d = fp__pdata_new(&m);
	ck_assert_ptr_nonnull(d);
	main_f = fp__pdata_add_func(d, "/a/prog.py", 1, "main", "__main__");
	sleep_f = fp__pdata_add_func(d, "~", 0, "<built-in method time.sleep>",
	    NULL);
	t = fp__pdata_add_thread(d, 140, 1234, "MainThread", 42);
	ck_assert_uint_eq(t, 0);
	s = stats(1, 1000, 3000, 0, 3000, 3000, 3000);
	n = fp__pdata_add_node(d, d->threads[t].root, main_f, &s);
	s = stats(2, 2000, 2000, 0, 2000, 500, 1500);
	ck_assert_uint_eq(fp__pdata_add_node(d, n, sleep_f, &s), 2);
	return d;
}

/* Renders d as a .fprof file into b (initialised here). */
static void
render(fp__buf_t *b, const fp__pdata_t *d)
{
	fp__render_opts_t o;

	memset(&o, 0, sizeof o);
	fp__buf_init(b);
	ck_assert_int_eq(fp__render_fprof(b, d, &o), FP_OK);
	ck_assert_int_eq(b->nomem, 0);
}

/* Reads text, which must be valid; returns the profile. */
static fp__pdata_t *
read_ok(const char *text)
{
	fp__pdata_t *d = NULL;
	char err[256] = "";
	int rc = fp__fprof_read(text, strlen(text), &d, err, sizeof err);

	ck_assert_msg(rc == FP_OK, "refused: %s", err);
	ck_assert_ptr_nonnull(d);
	return d;
}

/* Reads text, which must be refused with exactly the message want. */
static void
read_fails(const char *text, size_t len, const char *want)
{
	fp__pdata_t *d = (fp__pdata_t *)&d;
	char err[256] = "";
	int rc = fp__fprof_read(text, len, &d, err, sizeof err);

	ck_assert_int_eq(rc, FP_ERR_INVAL);
	ck_assert_ptr_null(d);
	ck_assert_str_eq(err, want);
}

/* read_fails for a NUL-terminated text. */
static void
fails(const char *text, const char *want)
{
	read_fails(text, strlen(text), want);
}

START_TEST(test_fp__render_fprof_text)
{
	fp__pdata_t *d = small();
	fp__buf_t b;

	render(&b, d);
	ck_assert_str_eq(b.data, small_text);
	fp__buf_free(&b);
	fp__pdata_free(d);
}
END_TEST

START_TEST(test_fp__render_fprof_ignores_options)
{
	fp__render_opts_t o = { FP__SORT_NAME, 1, "/a", "/usr", 300, 0.5, 9 };
	fp__pdata_t *d = small();
	fp__buf_t b;

	fp__buf_init(&b);
	ck_assert_int_eq(fp__render_fprof(&b, d, &o), FP_OK);
	ck_assert_str_eq(b.data, small_text);
	fp__buf_free(&b);
	fp__pdata_free(d);
}
END_TEST

START_TEST(test_fp__render_fprof_empty)
{
	fp__pdata_t *d = fp__pdata_new(NULL), *back;
	fp__buf_t b;

	render(&b, d);
	ck_assert_str_eq(b.data, HEAD "meta {\"fullprof\": \"" FP_VERSION
	    "\", \"mode\": \"trace\", \"timer\": null, \"python\": null, "
	    "\"pid\": 0, \"argv\": [], \"duration_ns\": 0, \"started_unix_ns\": "
	    "0, \"lost_calls\": 0}\nend 0\n");
	back = read_ok(b.data);
	ck_assert_uint_eq(back->nnodes, 0);
	ck_assert_ptr_null(back->meta.timer);
	ck_assert_ptr_null(back->meta.python);
	fp__buf_free(&b);
	fp__pdata_free(back);
	fp__pdata_free(d);
}
END_TEST

START_TEST(test_fp__fprof_read_fields)
{
	fp__pdata_t *d = read_ok(small_text);

	ck_assert_str_eq(d->meta.mode, "trace");
	ck_assert_str_eq(d->meta.timer, "wall");
	ck_assert_str_eq(d->meta.python, "3.11.2");
	ck_assert_int_eq(d->meta.pid, 42);
	ck_assert_int_eq(d->meta.argc, 2);
	ck_assert_str_eq(d->meta.argv[0], "prog.py");
	ck_assert_str_eq(d->meta.argv[1], "-x");
	ck_assert_int_eq(d->meta.duration, 3000);
	ck_assert_int_eq(d->meta.started_unix_ns, 1700000000000000000LL);
	ck_assert_uint_eq(d->nfuncs, 2);
	ck_assert_str_eq(d->funcs[0].file, "/a/prog.py");
	ck_assert_int_eq(d->funcs[0].line, 1);
	ck_assert_str_eq(d->funcs[0].module, "__main__");
	ck_assert_ptr_null(d->funcs[1].module);
	ck_assert_uint_eq(d->nthreads, 1);
	ck_assert_uint_eq(d->threads[0].ident, 140);
	ck_assert_int_eq(d->threads[0].native_id, 1234);
	ck_assert_uint_eq(d->threads[0].pid, 42);
	ck_assert_str_eq(d->threads[0].name, "MainThread");
	ck_assert_uint_eq(d->nnodes, 3);
	ck_assert_uint_eq(d->nodes[2].parent, 1);
	ck_assert_uint_eq(d->nodes[2].func, 1);
	ck_assert_uint_eq(d->nodes[2].stats.calls, 2);
	ck_assert_int_eq(d->nodes[2].stats.own, 2000);
	ck_assert_int_eq(d->nodes[2].stats.min, 500);
	ck_assert_int_eq(d->nodes[2].stats.max, 1500);
	fp__pdata_free(d);
}
END_TEST

/* Builds a profile with what a real one may hold: several threads in two
 * processes, recursion, a node without calls, negative times from a
 * custom clock, a no-data spec, and names that need escaping. */
static fp__pdata_t *
varied(void)
{
	static char *argv[] = { "tab\there", "quote\"back\\slash", "é€😀",
	    NULL };
	fp__meta_t m;
	fp__pdata_t *d;
	fp__stats_t s;
	uint32_t f[4], t0, t1, t2, a, b;
	char **nd;

	memset(&m, 0, sizeof m);
	m.mode = "trace";
	m.timer = "custom";
	m.pid = 7;
	m.argc = 3;
	m.argv = argv;
	m.duration = 123456789;
	m.lost = 3;
	d = fp__pdata_new(&m);
	ck_assert_ptr_nonnull(d);
	f[0] = fp__pdata_add_func(d, "/p/a b.py", 10, "f", "a b");
	f[1] = fp__pdata_add_func(d, "/p/x\ny.py", 20, "Cls.<lambda>", NULL);
	f[2] = fp__pdata_add_func(d, "~", 0, "<method 'x' of \"y\">", NULL);
	f[3] = fp__pdata_add_func(d, "/p/\x01\x7f.py", 2147483647, "g", "m");
	t0 = fp__pdata_add_thread(d, 1, 100, "MainThread", 7);
	s = stats(3, 10, 40, 5, 60, 1, 30);
	a = fp__pdata_add_node(d, d->threads[t0].root, f[0], &s);
	s = stats(2, 20, 0, 0, 20, 5, 15);
	b = fp__pdata_add_node(d, a, f[0], &s);		/* recursive */
	ck_assert_uint_eq(d->nodes[b].recursive, 1);
	s = stats(0, 7, 7, 0, 0, INT64_MAX, 0);		/* no call ended */
	fp__pdata_add_node(d, b, f[2], &s);
	t1 = fp__pdata_add_thread(d, 2, -1, "Thread-1 (wérk)", 7);
	s = stats(1, -5, -5, 0, -5, -5, -5);		/* clock went back */
	fp__pdata_add_node(d, d->threads[t1].root, f[1], &s);
	t2 = fp__pdata_add_thread(d, 1, 200, "", 8);	/* another process */
	s = stats(4, 4000000000000LL, 4000000000000LL, 0, 4000000000000LL,
	    1000000000000LL, 1000000000000LL);
	a = fp__pdata_add_node(d, d->threads[t2].root, f[3], &s);
	s = stats(1, 1, 1, 0, 1, 1, 1);
	fp__pdata_add_node(d, d->threads[t0].root, f[3], &s);
	fp__pdata_add_node(d, a, f[1], &s);
	nd = malloc(2 * sizeof *nd);
	ck_assert_ptr_nonnull(nd);
	nd[0] = strdup("pkg.*");
	nd[1] = strdup("Cls.\"odd\"");
	d->no_data = nd;
	d->nno_data = 2;
	return d;
}

START_TEST(test_fp__fprof_read_round_trip)
{
	fp__pdata_t *d = varied(), *back;
	fp__buf_t first, second;
	size_t i;

	render(&first, d);
	back = read_ok(first.data);
	render(&second, back);
	ck_assert_str_eq(first.data, second.data);
	ck_assert_uint_eq(back->nfuncs, d->nfuncs);
	ck_assert_uint_eq(back->nthreads, d->nthreads);
	ck_assert_uint_eq(back->nnodes, d->nnodes);
	for (i = 0; i < d->nnodes; i++) {
		ck_assert_uint_eq(back->nodes[i].parent, d->nodes[i].parent);
		ck_assert_uint_eq(back->nodes[i].func, d->nodes[i].func);
		ck_assert_uint_eq(back->nodes[i].thread, d->nodes[i].thread);
		ck_assert_uint_eq(back->nodes[i].recursive,
		    d->nodes[i].recursive);
		ck_assert_mem_eq(&back->nodes[i].stats, &d->nodes[i].stats,
		    sizeof d->nodes[i].stats);
	}
	for (i = 0; i < d->nfuncs; i++) {
		ck_assert_str_eq(back->funcs[i].file, d->funcs[i].file);
		ck_assert_str_eq(back->funcs[i].name, d->funcs[i].name);
		ck_assert_int_eq(back->funcs[i].line, d->funcs[i].line);
	}
	for (i = 0; i < d->nthreads; i++) {
		ck_assert_str_eq(back->threads[i].name, d->threads[i].name);
		ck_assert_uint_eq(back->threads[i].root, d->threads[i].root);
		ck_assert_uint_eq(back->threads[i].pid, d->threads[i].pid);
		ck_assert_int_eq(back->threads[i].native_id,
		    d->threads[i].native_id);
	}
	ck_assert_str_eq(back->meta.argv[2], "é€😀");
	ck_assert_str_eq(back->meta.timer, "custom");
	ck_assert_uint_eq(back->meta.lost, 3);
	ck_assert_uint_eq(back->nno_data, 2);
	ck_assert_str_eq(back->no_data[1], "Cls.\"odd\"");
	ck_assert_int_eq(back->nodes[3].stats.min, INT64_MAX);
	ck_assert_ptr_nonnull(strstr(first.data, " 0 7 7 0 0 - 0\n"));
	fp__buf_free(&first);
	fp__buf_free(&second);
	fp__pdata_free(back);
	fp__pdata_free(d);
}
END_TEST

/* The sampled fixture's file: the interval and sample counts in meta, two
 * more figures on every node; it reads back into the same profile. */
START_TEST(test_fp__render_fprof_sampled)
{
	static const char want[] = HEAD
	    "meta {\"fullprof\": \"" FP_VERSION "\", \"mode\": \"sample\", "
	    "\"timer\": \"wall\", \"python\": \"3.11.2\", \"pid\": 4242, "
	    "\"argv\": [\"app.py\", \"--n\", \"3\"], \"duration_ns\": "
	    "4010000000, \"started_unix_ns\": 0, \"lost_calls\": 0, "
	    "\"interval_ns\": 1000000, \"samples_requested\": 4010, "
	    "\"samples_taken\": 4000, \"samples_dropped\": 10, "
	    "\"samples_uncovered_ns\": 0}\n"
	    "func 0 1 \"/a.py\" \"main\" \"a\"\n"
	    "func 1 0 \"~\" \"<built-in method time.sleep>\" null\n"
	    "func 2 5 \"/a.py\" \"rec\" \"a\"\n"
	    "thread 0 0 1 1 4242 \"MainThread\"\n"
	    "node 1 0 0 0 500000000 4000000000 0 0 - 0 4000 500\n"
	    "node 2 1 1 0 1000000000 1000000000 0 0 - 0 1000 1000\n"
	    "node 3 1 2 0 250000000 2500000000 0 0 - 0 2500 250\n"
	    "node 4 3 2 0 250000000 0 0 0 - 0 0 250\n"
	    "node 5 4 1 0 2000000000 2000000000 0 0 - 0 2000 2000\n"
	    "nodata \"never_called\"\n"
	    "end 6\n";
	fp__pdata_t *d = fixture_sampled_tree(), *back;
	fp__buf_t first, second;
	size_t i;

	render(&first, d);
	ck_assert_str_eq(first.data, want);
	back = read_ok(first.data);
	render(&second, back);
	ck_assert_str_eq(second.data, want);
	ck_assert_str_eq(back->meta.mode, "sample");
	ck_assert_int_eq(back->meta.interval, 1000000);
	ck_assert_uint_eq(back->meta.samples_requested, 4010);
	ck_assert_uint_eq(back->meta.samples_taken, 4000);
	ck_assert_uint_eq(back->meta.samples_dropped, 10);
	ck_assert_uint_eq(back->nnodes, d->nnodes);
	for (i = 0; i < d->nnodes; i++) {
		ck_assert_uint_eq(back->nodes[i].recursive,
		    d->nodes[i].recursive);
		ck_assert_mem_eq(&back->nodes[i].stats, &d->nodes[i].stats,
		    sizeof d->nodes[i].stats);
	}
	/* The samples count in the magnitude, as the other figures do. */
	ck_assert_uint_eq(fp__fprof_magnitude(back), 9500000000ULL);
	back->nodes[1].stats.samples = (uint64_t)1 << 62;
	ck_assert_uint_gt(fp__fprof_magnitude(back), FP__FPROF_LIMIT);
	fp__buf_free(&first);
	fp__buf_free(&second);
	fp__pdata_free(back);
	fp__pdata_free(d);
}
END_TEST

START_TEST(test_fp__fprof_read_escapes)
{
	fp__pdata_t *d = read_ok(HEAD META
	    "func 0 1 \"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\" "
	    "\"\\u00e9\\u20AC\\ud83d\\ude00\" \"\\u0001\"\n"
	    "end 0\n");

	ck_assert_str_eq(d->funcs[0].file, "a\"b\\c/d\b\f\n\r\t");
	ck_assert_str_eq(d->funcs[0].name, "é€😀");
	ck_assert_str_eq(d->funcs[0].module, "\x01");
	fp__pdata_free(d);
}
END_TEST

START_TEST(test_fp__fprof_read_meta_unknown_keys)
{
	fp__pdata_t *d = read_ok(HEAD "meta {\"later\": {\"a\": [1, -2.5e+3, "
	    "true, false, null, \"x\", {}], \"b\": []}, \"mode\":\t\"sample\","
	    "\"x\":0}\nend 0\n");

	ck_assert_str_eq(d->meta.mode, "sample");
	ck_assert_ptr_null(d->meta.timer);
	fp__pdata_free(d);
}
END_TEST

/* Two processes of one program, each file with its own thread. */
static const char file_a[] =
	HEAD
	"meta {\"mode\": \"trace\", \"timer\": \"wall\", \"pid\": 1, "
	"\"duration_ns\": 1000}\n"
	"func 0 1 \"/w.py\" \"main\" null\n"
	"func 1 5 \"/w.py\" \"work\" null\n"
	"thread 0 0 9 11 1 \"MainThread\"\n"
	"node 1 0 0 1 100 1000 0 1000 1000 1000\n"
	"node 2 1 1 3 900 900 0 900 200 400\n"
	"end 3\n";
static const char file_b[] =
	HEAD
	"meta {\"mode\": \"trace\", \"timer\": \"wall\", \"pid\": 2, "
	"\"duration_ns\": 2000}\n"
	"func 0 5 \"/w.py\" \"work\" null\n"
	"func 1 1 \"/w.py\" \"main\" null\n"
	"func 2 9 \"/w.py\" \"only_b\" null\n"
	"thread 0 0 9 12 2 \"MainThread\"\n"
	"node 1 0 1 1 50 2000 0 2000 2000 2000\n"
	"node 2 1 0 2 1900 1950 0 1950 100 1850\n"
	"node 3 2 2 1 50 50 0 50 50 50\n"
	"end 4\n";

/* Returns the row called name, failing when there is none. */
static const fp_row_t *
row(const fp_snapshot_t *snap, const char *name)
{
	size_t i;

	for (i = 0; i < snap->count; i++) {
		if (strcmp(snap->rows[i].name, name) == 0)
			return &snap->rows[i];
	}
	ck_abort_msg("no row %s", name);
	return NULL;
}

START_TEST(test_fp__pdata_merge_two_files)
{
	fp__pdata_t *a = read_ok(file_a), *b = read_ok(file_b);
	fp_snapshot_t *snap;
	const fp_row_t *r;

	ck_assert_int_eq(fp__pdata_merge(a, b), FP_OK);
	ck_assert_uint_eq(a->nfuncs, 3);	/* main and work once */
	ck_assert_uint_eq(a->nthreads, 2);	/* one per process */
	ck_assert_int_eq(a->meta.duration, 3000);
	snap = fp__pdata_rows(a);
	ck_assert_ptr_nonnull(snap);
	r = row(snap, "work");
	ck_assert_uint_eq(r->calls, 5);
	ck_assert_int_eq(r->own, 2800);
	ck_assert_int_eq(r->total, 2850);
	ck_assert_int_eq(r->min, 100);
	ck_assert_int_eq(r->max, 1850);
	ck_assert_int_eq(r->mean, 2850 / 5);
	r = row(snap, "main");
	ck_assert_uint_eq(r->calls, 2);
	ck_assert_int_eq(r->own, 150);
	ck_assert_int_eq(r->total, 3000);
	r = row(snap, "only_b");
	ck_assert_uint_eq(r->calls, 1);
	fp_snapshot_free(snap);
	fp__pdata_free(a);
	fp__pdata_free(b);
}
END_TEST

START_TEST(test_fp__pdata_merge_same_process)
{
	fp__pdata_t *a = read_ok(file_a), *b = read_ok(file_a);
	fp__buf_t out;

	ck_assert_int_eq(fp__pdata_merge(a, b), FP_OK);
	render(&out, a);
	/* The same thread of the same process: path by path. */
	ck_assert_str_eq(out.data, HEAD
	    "meta {\"fullprof\": \"" FP_VERSION "\", \"mode\": \"trace\", "
	    "\"timer\": \"wall\", \"python\": null, \"pid\": 1, \"argv\": [], "
	    "\"duration_ns\": 2000, \"started_unix_ns\": 0, \"lost_calls\": "
	    "0}\n"
	    "func 0 1 \"/w.py\" \"main\" null\n"
	    "func 1 5 \"/w.py\" \"work\" null\n"
	    "thread 0 0 9 11 1 \"MainThread\"\n"
	    "node 1 0 0 2 200 2000 0 2000 1000 1000\n"
	    "node 2 1 1 6 1800 1800 0 1800 200 400\n"
	    "end 3\n");
	fp__buf_free(&out);
	fp__pdata_free(a);
	fp__pdata_free(b);
}
END_TEST

#define SMETA(more) "meta {\"mode\": \"sample\", \"interval_ns\": 1000, " \
	"\"samples_requested\": 12, \"samples_taken\": 10, " \
	"\"samples_dropped\": 2, \"samples_uncovered_ns\": 3000" more "}\n"
#define SFUNCS "func 0 1 \"/w.py\" \"main\" null\n" \
	"func 1 5 \"/w.py\" \"work\" null\n"

/* Two statistical profiles add up: node by node, samples included, and
 * the requested, taken and dropped counts; the interval they share is
 * kept, and one that differs leaves none. */
START_TEST(test_fp__pdata_merge_sampled)
{
	static const char text[] = HEAD SMETA("") SFUNCS
	    "thread 0 0 9 11 1 \"MainThread\"\n"
	    "node 1 0 0 0 2000 10000 0 0 - 0 10 2\n"
	    "node 2 1 1 0 8000 8000 0 0 - 0 8 8\n"
	    "end 3\n";
	fp__pdata_t *a = read_ok(text), *b = read_ok(text);
	fp_snapshot_t *snap;
	const fp_row_t *r;

	ck_assert_int_eq(fp__pdata_merge(a, b), FP_OK);
	ck_assert_uint_eq(a->meta.samples_requested, 24);
	ck_assert_uint_eq(a->meta.samples_taken, 20);
	ck_assert_uint_eq(a->meta.samples_dropped, 4);
	ck_assert_int_eq(a->meta.samples_uncovered, 6000);
	ck_assert_int_eq(a->meta.interval, 1000);
	ck_assert_uint_eq(a->nnodes, 3);
	snap = fp__pdata_rows(a);
	ck_assert_ptr_nonnull(snap);
	r = row(snap, "main");
	ck_assert_uint_eq(r->samples, 20);
	ck_assert_uint_eq(r->own_samples, 4);
	ck_assert_int_eq(r->total, 20000);
	ck_assert_int_eq(r->error, 0);	/* in every sample: no error */
	ck_assert_uint_eq(r->calls, 0);
	r = row(snap, "work");
	ck_assert_uint_eq(r->samples, 16);
	ck_assert_uint_eq(r->own_samples, 16);
	ck_assert_int_eq(r->own, 16000);
	/* 16 of 20: 16000 / sqrt(16) * sqrt(1 - 16/20) */
	ck_assert_int_eq(r->own_error, 1789);
	fp_snapshot_free(snap);
	b->meta.interval = 2000;
	ck_assert_int_eq(fp__pdata_merge(a, b), FP_OK);
	ck_assert_int_eq(a->meta.interval, 0);
	ck_assert_uint_eq(a->meta.samples_taken, 30);
	/* Counts stop at their largest rather than wrap. */
	b->meta.samples_requested = UINT64_MAX;
	ck_assert_int_eq(fp__pdata_merge(a, b), FP_OK);
	ck_assert_uint_eq(a->meta.samples_requested, UINT64_MAX);
	fp__pdata_free(a);
	fp__pdata_free(b);
}
END_TEST

/* What the reader refuses in the sample fields: counts out of range, a
 * node with one of its two counts (or a traced one with them), sample
 * metadata in a traced profile, samples adding up past the limit. */
START_TEST(test_fp__fprof_read_sampled)
{
	fp__pdata_t *d;

	/* Sample keys in any order, before the mode too. */
	d = read_ok(HEAD "meta {\"samples_taken\": 3, \"mode\": \"sample\"}\n"
	    "end 0\n");
	ck_assert_uint_eq(d->meta.samples_taken, 3);
	ck_assert_int_eq(d->meta.interval, 0);
	fp__pdata_free(d);
	fails(HEAD SMETA(", \"interval_ns\": 5") "end 0\n",
	    "line 2: meta: interval_ns appears twice");
	fails(HEAD "meta {\"mode\": \"sample\", \"interval_ns\": -1}\n",
	    "line 2: meta: interval_ns is not a whole number from 0 to "
	    "4611686018427387904");
	fails(HEAD "meta {\"mode\": \"sample\", \"samples_dropped\": 1.0}\n",
	    "line 2: meta: samples_dropped is not a whole number from 0 to "
	    "4611686018427387904");
	fails(HEAD "meta {\"mode\": \"sample\", \"samples_requested\": "
	    "4611686018427387905}\n", "line 2: meta: samples_requested is not "
	    "a whole number from 0 to 4611686018427387904");
	fails(HEAD "meta {\"mode\": \"trace\", \"samples_taken\": 1}\n",
	    "line 2: meta: sample counts or an interval in a trace profile");
	fails(HEAD "meta {\"interval_ns\": 1, \"mode\": \"trace\"}\n",
	    "line 2: meta: sample counts or an interval in a trace profile");
	/* A node without its samples has none (a file written before
	 * sampling existed); with one of the two, it is cut short. */
	d = read_ok(HEAD SMETA("") SFUNCS "thread 0 0 9 11 1 \"t\"\n"
	    "node 1 0 0 0 2000 10000 0 0 - 0\nend 2\n");
	ck_assert_uint_eq(d->nodes[1].stats.samples, 0);
	ck_assert_uint_eq(d->nodes[1].stats.own_samples, 0);
	ck_assert_int_eq(d->nodes[1].stats.own, 2000);
	fp__pdata_free(d);
	fails(HEAD SMETA("") SFUNCS "thread 0 0 9 11 1 \"t\"\n"
	    "node 1 0 0 0 2000 10000 0 0 - 0 10\nend 2\n",
	    "line 6: node: own samples is missing");
	fails(HEAD SMETA("") SFUNCS "thread 0 0 9 11 1 \"t\"\n"
	    "node 1 0 0 0 2000 10000 0 0 - 0 10 -2\nend 2\n",
	    "line 6: node: own samples is not a whole number");
	fails(HEAD SMETA("") SFUNCS "thread 0 0 9 11 1 \"t\"\n"
	    "node 1 0 0 0 2000 10000 0 0 - 0 10 2 7\nend 2\n",
	    "line 6: node: unexpected text at the end of the line");
	fails(HEAD META "func 0 1 \"/w.py\" \"main\" null\n"
	    "thread 0 0 9 11 1 \"t\"\n"
	    "node 1 0 0 1 2000 2000 0 2000 2000 2000 10 2\nend 2\n",
	    "line 5: node: unexpected text at the end of the line");
	fails(HEAD SMETA("") SFUNCS "thread 0 0 9 11 1 \"t\"\n"
	    "node 1 0 0 0 0 0 0 0 - 0 4611686018427387905 0\nend 2\n",
	    "line 6: node: samples 4611686018427387905 is too large");
	fails(HEAD SMETA("") SFUNCS "thread 0 0 9 11 1 \"t\"\n"
	    "node 1 0 0 0 0 0 0 0 - 0 0 4611686018427387904\n"
	    "node 2 1 1 0 0 0 0 0 - 0 0 1\nend 3\n",
	    "line 7: node 2: the figures add up to more than "
	    "4611686018427387904");
}
END_TEST

START_TEST(test_fp__fprof_read_whole_file)
{
	fp__pdata_t *d = (fp__pdata_t *)&d;
	char err[256];

	ck_assert_int_eq(fp__fprof_read("", 0, &d, err, sizeof err),
	    FP_ERR_INVAL);
	ck_assert_ptr_null(d);
	ck_assert_str_eq(err, "empty file");
	fails("fullprof-profile 2\nwhatever\n",
	    "format version 2 is not supported (this fullprof reads version 1)");
	fails("fullprof-profile 18446744073709551616\n",
	    "line 1: the header has no format version");
	fails("fullprof-profile\n", "line 1: not a fullprof profile (it does "
	    "not begin with 'fullprof-profile')");
	fails("{\"fullprof\": \"0.1.0\"}\n", "line 1: not a fullprof profile "
	    "(it does not begin with 'fullprof-profile')");
	fails("fullprof-prof", "truncated: the header line is incomplete");
	fails(HEAD, "truncated: no end line");
	fails(HEAD META "func 0 1 \"a\" \"b\" null\n",
	    "truncated: no end line");
	fails(HEAD META "func 0 1 \"a\" \"b\" nu",
	    "truncated: the last line is incomplete");
	fails(HEAD META "end 0", "truncated: the last line is incomplete");
	fails(HEAD META "end 0\n\n", "line 4: text after the end line");
	fails(HEAD META "end 0\nend 0\n", "line 4: text after the end line");
	read_fails(HEAD META "end 0\n\0", sizeof(HEAD META "end 0\n\0") - 1,
	    "truncated: the last line is incomplete");
}
END_TEST

START_TEST(test_fp__fprof_read_records)
{
	fails(HEAD "func 0 1 \"a\" \"b\" null\n", "line 2: expected the meta "
	    "record, found 'func'");
	fails(HEAD "\x01\xff\n", "line 2: expected the meta record, found "
	    "'?" "?'");
	fails(HEAD META "meta {\"mode\": \"trace\"}\n",
	    "line 3: a second meta record");
	fails(HEAD META "bogus 1\n", "line 3: unknown record 'bogus'");
	fails(HEAD META "\n", "line 3: empty record");
	fails(HEAD META "end 0 \n", "line 3: end: unexpected text at the end "
	    "of the line");
	fails(HEAD META "end 1\n", "line 3: end: the file says 1 nodes but "
	    "has 0");
	fails(HEAD META "end\n", "line 3: end: the number of nodes is missing");
	fails(HEAD META "end  0\n", "line 3: end: the number of nodes is not "
	    "a whole number");
	fails(HEAD META "nodata \"x\" y\n", "line 3: nodata: unexpected text "
	    "at the end of the line");
	fails(HEAD META "end 0\r\n", "line 3: the line ends with a carriage "
	    "return (Windows line ends are not allowed)");
	fails("fullprof-profile 1\r\n", "line 1: the line ends with a carriage "
	    "return (Windows line ends are not allowed)");
}
END_TEST

/* Writes a file whose meta has an unknown key holding levels arrays in
 * one another. */
static void
nested(char *out, size_t size, int levels)
{
	int i;

	snprintf(out, size, HEAD "meta {\"x\": ");
	for (i = 0; i < levels; i++)
		strcat(out, "[");
	for (i = 0; i < levels; i++)
		strcat(out, "]");
	strcat(out, ", \"mode\": \"trace\"}\nend 0\n");
}

START_TEST(test_fp__fprof_read_meta)
{
	char deep[256];

	nested(deep, sizeof deep, 33);
	fp__pdata_free(read_ok(deep));
	nested(deep, sizeof deep, 34);
	fails(deep, "line 2: meta: x is nested too deeply");
	fails(HEAD "meta\n", "line 2: meta: the object is missing");
	fails(HEAD "meta []\n", "line 2: meta: not a JSON object");
	fails(HEAD "meta {}\n", "line 2: meta: no mode");
	fails(HEAD "meta {\"mode\": null}\n", "line 2: meta: no mode");
	fails(HEAD "meta {\"mode\": \"walk\"}\n",
	    "line 2: meta: unknown mode \"walk\"");
	fails(HEAD "meta {\"mode\": \"trace\", \"timer\": \"sundial\"}\n",
	    "line 2: meta: unknown timer \"sundial\"");
	fails(HEAD "meta {\"mode\": \"trace\", \"mode\": \"trace\"}\n",
	    "line 2: meta: mode appears twice");
	fails(HEAD "meta {\"mode\": \"trace\", \"pid\": 1.5}\n",
	    "line 2: meta: pid is not a whole number from "
	    "-9223372036854775807 to 9223372036854775807");
	fails(HEAD "meta {\"mode\": \"trace\", \"lost_calls\": -1}\n",
	    "line 2: meta: lost_calls is not a whole number from 0 to "
	    "18446744073709551615");
	fails(HEAD "meta {\"mode\": \"trace\", \"duration_ns\": "
	    "4611686018427387905}\n", "line 2: meta: duration_ns is not a "
	    "whole number from -4611686018427387904 to 4611686018427387904");
	fails(HEAD "meta {\"mode\": \"trace\", \"argv\": [1]}\n",
	    "line 2: meta: argv is not a string");
	fails(HEAD "meta {\"mode\": \"trace\", \"argv\": [\"a\" \"b\"]}\n",
	    "line 2: meta: argv is not an array of strings");
	fails(HEAD "meta {\"mode\": \"trace\"} x\n",
	    "line 2: meta: unexpected text after the object");
	fails(HEAD "meta {\"mode\": \"trace\" \"timer\": \"wall\"}\n",
	    "line 2: meta: expected ',' or '}' after a value");
	fails(HEAD "meta {\"mode\" \"trace\"}\n",
	    "line 2: meta: no ':' after a key");
	fails(HEAD "meta {\"x\\n\": tru, \"mode\": \"trace\"}\n",
	    "line 2: meta: x? is not valid JSON");
	fails(HEAD "meta {\"x\": 01, \"mode\": \"trace\"}\n",
	    "line 2: meta: expected ',' or '}' after a value");
}
END_TEST

START_TEST(test_fp__fprof_read_strings)
{
	fails(HEAD META "func 0 1 a \"b\" null\n",
	    "line 3: func: the file is not a string");
	fails(HEAD META "func 0 1 \"a \"b\" null\n",
	    "line 3: func: unexpected text after the file");
	fails(HEAD META "func 0 1 \"a\" \"b null\n", "line 3: func: the name "
	    "is not a valid string (no closing quote)");
	fails(HEAD META "func 0 1 \"a\\\" \"b\" null\n",
	    "line 3: func: unexpected text after the file");
	fails(HEAD META "func 0 1 \"a\\q\" \"b\" null\n", "line 3: func: the "
	    "file is not a valid string (an unknown escape)");
	fails(HEAD META "func 0 1 \"a\\u12\" \"b\" null\n", "line 3: func: the "
	    "file is not a valid string (a \\u escape without four hex "
	    "digits)");
	fails(HEAD META "func 0 1 \"\\ud800\" \"b\" null\n", "line 3: func: "
	    "the file is not a valid string (a lone surrogate)");
	fails(HEAD META "func 0 1 \"\\udc00\" \"b\" null\n", "line 3: func: "
	    "the file is not a valid string (a lone surrogate)");
	fails(HEAD META "func 0 1 \"\\ud800\\u0041\" \"b\" null\n", "line 3: "
	    "func: the file is not a valid string (a lone surrogate)");
	fails(HEAD META "func 0 1 \"\\u0000\" \"b\" null\n", "line 3: func: "
	    "the file is not a valid string (a NUL character)");
	fails(HEAD META "func 0 1 \"\xc3\" \"b\" null\n", "line 3: func: "
	    "the file is not a valid string (bytes that are not UTF-8)");
	fails(HEAD META "func 0 1 \"\xc0\xaf\" \"b\" null\n", "line 3: func: "
	    "the file is not a valid string (bytes that are not UTF-8)");
	fails(HEAD META "func 0 1 \"\xed\xa0\x80\" \"b\" null\n", "line 3: "
	    "func: the file is not a valid string (bytes that are not UTF-8)");
	fails(HEAD META "func 0 1 \"\t\" \"b\" null\n", "line 3: func: the "
	    "file is not a valid string (a control character that is not "
	    "escaped)");
	read_fails(HEAD META "func 0 1 \"\0\" \"b\" null\n",
	    sizeof(HEAD META "func 0 1 \"\0\" \"b\" null\n") - 1, "line 3: "
	    "func: the file is not a valid string (a control character that "
	    "is not escaped)");
	fails(HEAD META "func 0 1 \"a\" \"b\" nul\n",
	    "line 3: func: the module is not a string");
	fails(HEAD META "func 0 1 \"a\" \"b\" nullx\n",
	    "line 3: func: the module is not a string or null");
	fails(HEAD META "func 0 1 \"a\" null null\n",
	    "line 3: func: the name is not a string");
}
END_TEST

START_TEST(test_fp__fprof_read_numbers)
{
	fails(HEAD META "func 00 1 \"a\" \"b\" null\n",
	    "line 3: func: the index is not a whole number");
	fails(HEAD META "func -0 1 \"a\" \"b\" null\n",
	    "line 3: func: the index is not a whole number");
	fails(HEAD META "func +0 1 \"a\" \"b\" null\n",
	    "line 3: func: the index is not a whole number");
	fails(HEAD META "func 0x0 1 \"a\" \"b\" null\n",
	    "line 3: func: the index is not a whole number");
	fails(HEAD META "func 0 2147483648 \"a\" \"b\" null\n",
	    "line 3: func: the line 2147483648 is too large");
	fails(HEAD META "func 99999999999999999999 1 \"a\" \"b\" null\n",
	    "line 3: func: the index is not a whole number");
	fails(HEAD META "func 0\n", "line 3: func: the line is missing");
	fails(HEAD META "func 0 1 \"a\" \"b\"\n",
	    "line 3: func: the module is missing");
	fails(HEAD META "func 0 1 \"a\" \"b\" null null\n",
	    "line 3: func: unexpected text at the end of the line");
	fails(HEAD META "func 0 1 \"a\" \"b\" null\n"
	    "thread 0 0 1 1 1 \"t\"\n"
	    "node 1 0 0 -1 0 0 0 0 0 0\nend 2\n",
	    "line 5: node: calls is not a whole number");
	fails(HEAD META "func 0 1 \"a\" \"b\" null\n"
	    "thread 0 0 1 1 1 \"t\"\n"
	    "node 1 0 0 1 4611686018427387905 0 0 0 0 0\nend 2\n",
	    "line 5: node: own is not a whole number from "
	    "-4611686018427387904 to 4611686018427387904");
	fails(HEAD META "func 0 1 \"a\" \"b\" null\n"
	    "thread 0 0 1 1 1 \"t\"\n"
	    "node 1 0 0 1 0 0 0 0 - -\nend 2\n",
	    "line 5: node: max is not a whole number from "
	    "-4611686018427387904 to 4611686018427387904");
	fails(HEAD META "func 0 1 \"a\" \"b\" null\n"
	    "thread 0 0 1 1 1 \"t\"\n"
	    "node 1 0 0 1 0 0 0 0 -x 0\nend 2\n",
	    "line 5: node: min is not a whole number from "
	    "-4611686018427387904 to 4611686018427387904");
}
END_TEST

START_TEST(test_fp__fprof_read_references)
{
	const char *f = HEAD META "func 0 1 \"a\" \"b\" null\n";
	char text[1024];

	fails(HEAD META "func 1 1 \"a\" \"b\" null\n",
	    "line 3: func 1 is out of order (expected func 0)");
	snprintf(text, sizeof text, "%sfunc 1 1 \"a\" \"b\" \"m\"\n", f);
	fails(text, "line 4: func 1 is the same function as func 0");
	snprintf(text, sizeof text, "%sthread 1 0 1 1 1 \"t\"\n", f);
	fails(text, "line 4: thread 1 is out of order (expected thread 0)");
	snprintf(text, sizeof text, "%sthread 0 5 1 1 1 \"t\"\n", f);
	fails(text, "line 4: thread 0: its root node 5 is out of order "
	    "(expected node 0)");
	snprintf(text, sizeof text, "%snode 0 0 0 1 1 1 0 1 1 1\n", f);
	fails(text, "line 4: node 0 has unknown parent 0");
	snprintf(text, sizeof text, "%sthread 0 0 1 1 1 \"t\"\n"
	    "node 1 99 0 1 1 1 0 1 1 1\n", f);
	fails(text, "line 5: node 1 has unknown parent 99");
	snprintf(text, sizeof text, "%sthread 0 0 1 1 1 \"t\"\n"
	    "node 1 0 1 1 1 1 0 1 1 1\n", f);
	fails(text, "line 5: node 1 has unknown function 1");
	snprintf(text, sizeof text, "%sthread 0 0 1 1 1 \"t\"\n"
	    "node 2 0 0 1 1 1 0 1 1 1\n", f);
	fails(text, "line 5: node 2 is out of order (expected node 1)");
	snprintf(text, sizeof text, "%sthread 0 0 1 1 1 \"t\"\n"
	    "node 1 0 0 1 1 1 0 1 1 1\nnode 2 0 0 1 1 1 0 1 1 1\n", f);
	fails(text, "line 6: node 2 repeats node 1 (same parent and "
	    "function)");
	snprintf(text, sizeof text, "%sthread 0 0 1 1 1 \"t\"\n"
	    "node 1 0 0 1 1 1 0 1 1 1\nnode 2 1 0 1 1 1 0 1 1 1\n"
	    "thread 1 3 2 2 1 \"u\"\nnode 4 3 0 1 1 1 0 1 1 1\nend 5\n", f);
	fp__pdata_free(read_ok(text));
}
END_TEST

START_TEST(test_fp__fprof_read_limits)
{
	const char *f = HEAD META "func 0 1 \"a\" \"b\" null\n"
	    "thread 0 0 1 1 1 \"t\"\n"
	    "node 1 0 0 1 4611686018427387904 0 0 0 0 0\n";
	char text[1024], *big;
	size_t n, o;

	snprintf(text, sizeof text, "%send 2\n", f);
	fp__pdata_free(read_ok(text));
	snprintf(text, sizeof text, "%snode 2 1 0 1 1 0 0 0 0 0\nend 3\n", f);
	fails(text, "line 6: node 2: the figures add up to more than "
	    "4611686018427387904");
	snprintf(text, sizeof text, "%snode 2 1 0 1 -4611686018427387904 0 0 "
	    "0 0 0\nend 3\n", f);
	fails(text, "line 6: node 2: the figures add up to more than "
	    "4611686018427387904");
	/* A line one byte longer than the limit, then one at the limit. */
	n = strlen(HEAD META) + FP__FPROF_MAX_LINE + 1 + strlen("\nend 0\n");
	big = malloc(n + 1);
	ck_assert_ptr_nonnull(big);
	memset(big, 'a', n);
	memcpy(big, HEAD META "nodata \"", strlen(HEAD META "nodata \""));
	memcpy(big + n - strlen("\"\nend 0\n"), "\"\nend 0\n",
	    strlen("\"\nend 0\n") + 1);
	read_fails(big, n, "line 3: longer than 16777216 bytes");
	o = strlen(HEAD META "nodata \"");
	memmove(big + o, big + o + 1, n - o);	/* one 'a' less */
	fp__pdata_free(read_ok(big));
	free(big);
}
END_TEST

START_TEST(test_fp__fprof_read_error_buffer)
{
	fp__pdata_t *d;
	char err[8];

	ck_assert_int_eq(fp__fprof_read("x", 1, &d, NULL, 0), FP_ERR_INVAL);
	ck_assert_ptr_null(d);
	ck_assert_int_eq(fp__fprof_read("x", 1, &d, err, sizeof err),
	    FP_ERR_INVAL);
	ck_assert_str_eq(err, "line 1:");
}
END_TEST

START_TEST(test_fp__fprof_read_file_errors)
{
	char path[] = "/tmp/fprof-test-XXXXXX";
	fp__pdata_t *d;
	char err[256];
	int fd;

	ck_assert_int_eq(fp__fprof_read_file("/nonexistent/x.fprof", &d, err,
	    sizeof err), FP_ERR_IO);
	ck_assert_ptr_null(d);
	ck_assert_str_eq(err, strerror(ENOENT));
	ck_assert_int_eq(fp__fprof_read_file("/", &d, err, sizeof err),
	    FP_ERR_IO);
	ck_assert_str_eq(err, strerror(EISDIR));
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, small_text, strlen(small_text)),
	    (int)strlen(small_text));
	close(fd);
	ck_assert_int_eq(fp__fprof_read_file(path, &d, err, sizeof err), FP_OK);
	ck_assert_uint_eq(d->nnodes, 3);
	fp__pdata_free(d);
	ck_assert_int_eq(truncate(path, 10), 0);
	ck_assert_int_eq(fp__fprof_read_file(path, &d, err, sizeof err),
	    FP_ERR_INVAL);
	ck_assert_str_eq(err, "truncated: the header line is incomplete");
	unlink(path);
}
END_TEST

START_TEST(test_fp__fprof_magnitude)
{
	fp__pdata_t *d = small();

	/* own 3000, total 5000, sum 5000, calls 3, duration 3000. */
	ck_assert_uint_eq(fp__fprof_magnitude(d), 5000);
	d->meta.duration = -7000;
	ck_assert_uint_eq(fp__fprof_magnitude(d), 7000);
	fp__pdata_free(d);
}
END_TEST

/* Points x at the line s, numbered 3, inside record "node", with its
 * messages written into err. */
static void
lex_line(fp__lex_t *x, const char *s, char *err, size_t errlen)
{
	memset(x, 0, sizeof *x);
	x->p = s;
	x->eol = s + strlen(s);
	x->line = 3;
	x->rec = "node";
	x->err = err;
	x->errlen = errlen;
	err[0] = '\0';
}

START_TEST(test_fp__lex_fields)
{
	fp__lex_t x;
	char err[128], *s = (char *)"unset";
	uint64_t u;
	int64_t i;

	lex_line(&x, " 7 -12 \"caf\\u00e9\" null", err, sizeof err);
	ck_assert_int_eq(fp__lex_u64(&x, "a", 10, &u), 0);
	ck_assert_uint_eq(u, 7);
	ck_assert_int_eq(fp__lex_i64(&x, "b", 100, &i), 0);
	ck_assert_int_eq(i, -12);
	ck_assert_int_eq(fp__lex_str(&x, "c", 0, &s), 0);
	ck_assert_str_eq(s, "caf\xC3\xA9");
	free(s);
	ck_assert_int_eq(fp__lex_str(&x, "d", 1, &s), 0);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(fp__lex_end(&x), 0);
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(fp__lex_u64(&x, "e", 10, &u), FP_ERR_INVAL);
	ck_assert_str_eq(err, "line 3: node: e is missing");
}
END_TEST

START_TEST(test_fp__lex_errors)
{
	static const struct {
		const char *line, *why;
	} bad[] = {
		{ " \"ab", "no closing quote" },
		{ " \"a\\ud800\"", "a lone surrogate" },
		{ " \"a\xC3\"", "bytes that are not UTF-8" },
	};
	fp__lex_t x;
	char err[128], want[128], *s;
	uint64_t u;
	size_t k;

	lex_line(&x, " 11", err, sizeof err);
	ck_assert_int_eq(fp__lex_u64(&x, "a", 10, &u), FP_ERR_INVAL);
	ck_assert_str_eq(err, "line 3: node: a 11 is too large");
	lex_line(&x, " 012", err, sizeof err);
	ck_assert_int_eq(fp__lex_u64(&x, "a", 100, &u), FP_ERR_INVAL);
	ck_assert_str_eq(err, "line 3: node: a is not a whole number");
	/* A failed string leaves *out NULL, whatever it held. */
	for (k = 0; k < sizeof bad / sizeof *bad; k++) {
		s = (char *)"unset";
		lex_line(&x, bad[k].line, err, sizeof err);
		ck_assert_int_eq(fp__lex_str(&x, "c", 0, &s), FP_ERR_INVAL);
		ck_assert_ptr_null(s);
		snprintf(want, sizeof want, "line 3: node: c is not a valid "
		    "string (%s)", bad[k].why);
		ck_assert_str_eq(err, want);
	}
	lex_line(&x, " 1 2", err, sizeof err);
	ck_assert_int_eq(fp__lex_u64(&x, "a", 10, &u), 0);
	ck_assert_int_eq(fp__lex_end(&x), FP_ERR_INVAL);
	ck_assert_str_eq(err, "line 3: node: unexpected text at the end of the "
	    "line");
}
END_TEST

START_TEST(test_fp__lex_skip_value)
{
	fp__lex_t x;
	char err[128], deep[81];

	lex_line(&x, "{\"a\": [1, -2.5e3, true, null, \"x\", {}]} ,", err,
	    sizeof err);
	ck_assert_int_eq(fp__lex_skip_value(&x, "k", 0), 0);
	ck_assert_str_eq(x.p, " ,");
	lex_line(&x, "[1, 2", err, sizeof err);
	x.line = 0;
	ck_assert_int_eq(fp__lex_skip_value(&x, "k", 0), FP_ERR_INVAL);
	ck_assert_str_eq(err, "meta: k is not valid JSON");
	memset(deep, '[', 40);
	memset(deep + 40, ']', 40);
	deep[80] = '\0';
	lex_line(&x, deep, err, sizeof err);
	ck_assert_int_eq(fp__lex_skip_value(&x, "k", 0), FP_ERR_INVAL);
	ck_assert_str_eq(err, "line 3: meta: k is nested too deeply");
}
END_TEST

/* Returns the suite of the .fprof writer and reader. */
Suite *
suite_fprof(void)
{
	Suite *s = suite_create("fprof");
	TCase *tc;

	tc = tcase_create("fp__render_fprof");
	tcase_add_test(tc, test_fp__render_fprof_text);
	tcase_add_test(tc, test_fp__render_fprof_ignores_options);
	tcase_add_test(tc, test_fp__render_fprof_empty);
	tcase_add_test(tc, test_fp__render_fprof_sampled);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__fprof_read");
	tcase_add_test(tc, test_fp__fprof_read_fields);
	tcase_add_test(tc, test_fp__fprof_read_round_trip);
	tcase_add_test(tc, test_fp__fprof_read_escapes);
	tcase_add_test(tc, test_fp__fprof_read_meta_unknown_keys);
	tcase_add_test(tc, test_fp__fprof_read_whole_file);
	tcase_add_test(tc, test_fp__fprof_read_records);
	tcase_add_test(tc, test_fp__fprof_read_meta);
	tcase_add_test(tc, test_fp__fprof_read_strings);
	tcase_add_test(tc, test_fp__fprof_read_numbers);
	tcase_add_test(tc, test_fp__fprof_read_references);
	tcase_add_test(tc, test_fp__fprof_read_limits);
	tcase_add_test(tc, test_fp__fprof_read_error_buffer);
	tcase_add_test(tc, test_fp__fprof_read_sampled);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__lex");
	tcase_add_test(tc, test_fp__lex_fields);
	tcase_add_test(tc, test_fp__lex_errors);
	tcase_add_test(tc, test_fp__lex_skip_value);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__fprof_read_file");
	tcase_add_test(tc, test_fp__fprof_read_file_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__pdata_merge");
	tcase_add_test(tc, test_fp__pdata_merge_two_files);
	tcase_add_test(tc, test_fp__pdata_merge_same_process);
	tcase_add_test(tc, test_fp__pdata_merge_sampled);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__fprof_magnitude");
	tcase_add_test(tc, test_fp__fprof_magnitude);
	suite_add_tcase(s, tc);
	return s;
}
