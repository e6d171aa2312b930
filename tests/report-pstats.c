/*
 * report-pstats.c: checks for runtime/report/pstats.c: the exact marshal
 * bytes for a small call tree (a function calling a builtin and a
 * recursive one), ints past 32 bits, strings that are not short ASCII or
 * not valid UTF-8, and that Python's marshal and pstats modules read the
 * file back with the figures that went in; a statistical profile's sample
 * counts in place of the calls.
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

/* Renders d as pstats into b (initialised here), frees d. */
static void
render(fp__buf_t *b, fp__pdata_t *d)
{
	fixture_render(b, d, fp__render_pstats);
}

/* Writes n bytes to a new temporary file whose name goes to path (at
 * least 32 bytes). */
static void
write_temp(char *path, const char *data, size_t n)
{
	int fd;

	strcpy(path, "/tmp/fp-pstats-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, n), (ssize_t)n);
	close(fd);
}

/* Runs Python's code with the bytes of b in a file named by sys.argv[1];
 * returns the interpreter's exit status (0: the code ran to its end). */
static int
python_check(const fp__buf_t *b, const char *code)
{
	char data[32], script[32], cmd[256];
	int status;

	write_temp(data, b->data, b->len);
	write_temp(script, code, strlen(code));
	snprintf(cmd, sizeof cmd, "%s %s %s >/dev/null 2>&1",
	    FP_PYTHON_EXECUTABLE, script, data);
	status = system(cmd);
	unlink(data);
	unlink(script);
	ck_assert_msg(WIFEXITED(status), "python did not exit normally");
	return WEXITSTATUS(status);
}

/* The marshal pieces of the expected files: a function key, a 32-bit int
 * of one byte's value (INT) or two (INT2), and floats. */
#define KEY_MAIN ")\x03" "z\x05/a.py" "i\x01\0\0\0" "z\x04main"
#define KEY_SLEEP ")\x03" "z\x01~" "i\0\0\0\0" \
	"z\x1c<built-in method time.sleep>"
#define KEY_REC ")\x03" "z\x05/a.py" "i\x05\0\0\0" "z\x03rec"
#define INT(b) "i" b "\0\0\0"
#define INT2(b) "i" b "\0\0"
#define F0 "g\0\0\0\0\0\0\0\0"
#define F0_25 "g\0\0\0\0\0\0\xd0\x3f"
#define F0_5 "g\0\0\0\0\0\0\xe0\x3f"
#define F1 "g\0\0\0\0\0\0\xf0\x3f"
#define F2 "g\0\0\0\0\0\0\x00\x40"
#define F2_5 "g\0\0\0\0\0\0\x04\x40"
#define F3 "g\0\0\0\0\0\0\x08\x40"
#define F4 "g\0\0\0\0\0\0\x10\x40"

START_TEST(test_fp__render_pstats_exact)
{
	static const char want[] = "{"
	    KEY_MAIN ")\x05" INT("\x01") INT("\x01") F0_5 F4 "{0"
	    KEY_SLEEP ")\x05" INT("\x03") INT("\x03") F3 F3 "{"
		KEY_MAIN ")\x04" INT("\x02") INT("\x02") F1 F1
		KEY_REC ")\x04" INT("\x01") INT("\x01") F2 F2
	    "0"
	    KEY_REC ")\x05" INT("\x01") INT("\x04") F0_5 F2_5 "{"
		KEY_MAIN ")\x04" INT("\x01") INT("\x01") F0_25 F2_5
		KEY_REC ")\x04" INT("\x03") INT("\0") F0_25 F0
	    "0"
	    "0";
	fp__buf_t b;

	render(&b, fixture_small_tree());
	ck_assert_uint_eq(b.len, sizeof want - 1);
	ck_assert(memcmp(b.data, want, b.len) == 0);
	fp__buf_free(&b);
}
END_TEST

/* A statistical profile: samples stand for calls (nc = cc, the recursive
 * path adding none), the estimates for the times. */
START_TEST(test_fp__render_pstats_sampled)
{
	static const char want[] = "{"
	    KEY_MAIN ")\x05" INT2("\xa0\x0f") INT2("\xa0\x0f") F0_5 F4 "{0"
	    KEY_SLEEP ")\x05" INT2("\xb8\x0b") INT2("\xb8\x0b") F3 F3 "{"
		KEY_MAIN ")\x04" INT2("\xe8\x03") INT2("\xe8\x03") F1 F1
		KEY_REC ")\x04" INT2("\xd0\x07") INT2("\xd0\x07") F2 F2
	    "0"
	    KEY_REC ")\x05" INT2("\xc4\x09") INT2("\xc4\x09") F0_5 F2_5 "{"
		KEY_MAIN ")\x04" INT2("\xc4\x09") INT2("\xc4\x09") F0_25 F2_5
		KEY_REC ")\x04" INT("\0") INT("\0") F0_25 F0
	    "0"
	    "0";
	fp__buf_t b;

	render(&b, fixture_sampled_tree());
	ck_assert_uint_eq(b.len, sizeof want - 1);
	ck_assert(memcmp(b.data, want, b.len) == 0);
	ck_assert_int_eq(python_check(&b,
	    "import io, pstats, sys\n"
	    "s = pstats.Stats(sys.argv[1], stream=io.StringIO())\n"
	    "if (s.total_calls, s.prim_calls, s.total_tt) != (9500, 9500, 4.0):\n"
	    "    sys.exit(3)\n"
	    "s.sort_stats('cumulative').print_stats()\n"
	    "s.print_callers()\n"
	    "if '4000' not in s.stream.getvalue(): sys.exit(4)\n"), 0);
	fp__buf_free(&b);
}
END_TEST

START_TEST(test_fp__render_pstats_empty)
{
	fp__buf_t b;

	render(&b, fixture_new_data());
	ck_assert_uint_eq(b.len, 2);
	ck_assert(memcmp(b.data, "{0", 2) == 0);
	ck_assert_int_eq(python_check(&b, "import marshal, sys\n"
	    "d = marshal.load(open(sys.argv[1], 'rb'))\n"
	    "sys.exit(0 if d == {} else 3)\n"), 0);
	fp__buf_free(&b);
}
END_TEST

START_TEST(test_fp__render_pstats_loads)
{
	fp__buf_t b;

	render(&b, fixture_small_tree());
	ck_assert_int_eq(python_check(&b,
	    "import io, marshal, pstats, sys\n"
	    "main = ('/a.py', 1, 'main')\n"
	    "sleep = ('~', 0, '<built-in method time.sleep>')\n"
	    "rec = ('/a.py', 5, 'rec')\n"
	    "want = {main: (1, 1, 0.5, 4.0, {}),\n"
	    "  sleep: (3, 3, 3.0, 3.0, {main: (2, 2, 1.0, 1.0),\n"
	    "                           rec: (1, 1, 2.0, 2.0)}),\n"
	    "  rec: (1, 4, 0.5, 2.5, {main: (1, 1, 0.25, 2.5),\n"
	    "                         rec: (3, 0, 0.25, 0.0)})}\n"
	    "if marshal.load(open(sys.argv[1], 'rb')) != want: sys.exit(3)\n"
	    "s = pstats.Stats(sys.argv[1], stream=io.StringIO())\n"
	    "if (s.total_calls, s.prim_calls, s.total_tt) != (8, 5, 4.0):\n"
	    "    sys.exit(4)\n"
	    "s.sort_stats('cumulative').print_stats()\n"
	    "s.print_callers()\n"
	    "s.print_callees()\n"
	    "out = s.stream.getvalue()\n"
	    "if '4/1' not in out or 'time.sleep' not in out: sys.exit(5)\n"),
	    0);
	fp__buf_free(&b);
}
END_TEST

START_TEST(test_fp__render_pstats_big_ints)
{
	fp__pdata_t *d = fixture_new_data();
	uint32_t f;
	fp__buf_t b;
	/* 5000000000 in 15-bit digits: 0x7200, 0x540b, 0x4 */
	static const char want[] = "{"
	    ")\x03" "z\x05/b.py" "i\x07\0\0\0" "z\x01" "f"
	    ")\x05" "l\x03\0\0\0" "\x00\x72\x0b\x54\x04\x00"
	    "l\x03\0\0\0" "\x00\x72\x0b\x54\x04\x00" F1 F1 "{0"
	    "0";

	f = fp__pdata_add_func(d, "/b.py", 7, "f", NULL);
	fixture_node(d, d->threads[0].root, f, 5000000000ULL, 1000 * MS, 1000 * MS);
	render(&b, d);
	ck_assert_uint_eq(b.len, sizeof want - 1);
	ck_assert(memcmp(b.data, want, b.len) == 0);
	ck_assert_int_eq(python_check(&b, "import marshal, sys\n"
	    "d = marshal.load(open(sys.argv[1], 'rb'))\n"
	    "v = d[('/b.py', 7, 'f')]\n"
	    "sys.exit(0 if v[:2] == (5000000000, 5000000000) else 3)\n"), 0);
	fp__buf_free(&b);
}
END_TEST

START_TEST(test_fp__render_pstats_strings)
{
	fp__pdata_t *d = fixture_new_data();
	char long_path[301];
	uint32_t f, n;
	fp__buf_t b;

	memset(long_path, 'p', 300);
	long_path[0] = '/';
	long_path[300] = '\0';
	f = fp__pdata_add_func(d, "/caf\xc3\xa9.py", 2, "h\xc3\xa9llo", NULL);
	n = fixture_node(d, d->threads[0].root, f, 1, MS, MS);
	f = fp__pdata_add_func(d, long_path, 3, "bad\xff" "byte", NULL);
	fixture_node(d, n, f, 1, MS, MS);
	render(&b, d);
	/* The UTF-8 name is written as 'u' with its byte length. */
	ck_assert_ptr_nonnull(memmem(b.data, b.len, "u\x06\0\0\0h\xc3\xa9llo",
	    11));
	ck_assert_int_eq(python_check(&b, "import marshal, sys\n"
	    "d = marshal.load(open(sys.argv[1], 'rb'))\n"
	    "k1 = ('/caf\\u00e9.py', 2, 'h\\u00e9llo')\n"
	    "k2 = ('/' + 'p' * 299, 3, 'bad\\ufffdbyte')\n"
	    "ok = set(d) == {k1, k2} and list(d[k2][4]) == [k1]\n"
	    "sys.exit(0 if ok else 3)\n"), 0);
	fp__buf_free(&b);
}
END_TEST

/* Every edge into a function adds up to the function's figures less its
 * calls at the top of a thread; a caller that made calls is a key even
 * with no figures of its own. */
START_TEST(test_fp__render_pstats_callers_sum)
{
	fp__pdata_t *d = fixture_new_data();
	uint32_t fa, fb, na, nt;
	fp__buf_t b;

	fa = fp__pdata_add_func(d, "/c.py", 1, "a", NULL);
	fb = fp__pdata_add_func(d, "/c.py", 2, "b", NULL);
	na = fixture_node(d, d->threads[0].root, fa, 0, 0, 0);	/* still open */
	fixture_node(d, na, fb, 2, 3 * MS, 3 * MS);
	nt = fp__pdata_add_thread(d, 2, 2, "Thread-1", 4242);
	ck_assert_uint_ne(nt, FP__NONE);
	fixture_node(d, d->threads[nt].root, fb, 1, MS, MS);
	render(&b, d);
	ck_assert_int_eq(python_check(&b, "import marshal, sys\n"
	    "d = marshal.load(open(sys.argv[1], 'rb'))\n"
	    "a, b = ('/c.py', 1, 'a'), ('/c.py', 2, 'b')\n"
	    "ok = d[a] == (0, 0, 0.0, 0.0, {}) and \\\n"
	    "    d[b] == (3, 3, 0.004, 0.004, {a: (2, 2, 0.003, 0.003)})\n"
	    "sys.exit(0 if ok else 3)\n"), 0);
	fp__buf_free(&b);
}
END_TEST

Suite *
suite_report_pstats(void)
{
	Suite *s = suite_create("report_pstats");
	TCase *tc;

	tc = tcase_create("fp__render_pstats");
	tcase_add_test(tc, test_fp__render_pstats_exact);
	tcase_add_test(tc, test_fp__render_pstats_sampled);
	tcase_add_test(tc, test_fp__render_pstats_empty);
	tcase_add_test(tc, test_fp__render_pstats_loads);
	tcase_add_test(tc, test_fp__render_pstats_big_ints);
	tcase_add_test(tc, test_fp__render_pstats_strings);
	tcase_add_test(tc, test_fp__render_pstats_callers_sum);
	/* Each Python start-up takes a while on a loaded machine. */
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}
