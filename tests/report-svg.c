/*
 * report-svg.c: checks for runtime/report/svg.c, the flame graph: that
 * hostile names come out as well-formed XML, that --threshold leaves out
 * small frames and says how many (and that 1024 levels are the most
 * drawn), that --width scales the frames, that children fit in their
 * parents even for coroutines (widths are running time), the reverse graph
 * of callers, and that the output depends on the profile alone, not on the
 * order it was recorded in; a statistical profile's title, subtitle and
 * frame details (samples, estimates ± their errors), checked with xmllint
 * too when it is installed. Python's XML parser reads the documents back.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "suites.h"
#include "fixture-pdata.h"
#include "report/formats.h"
#include "core/pdata.h"

/* Python that parses the SVG on stdin as doc (bytes) and root, and offers
 * frames(graph id) as (name, x, y, width, title) in document order and
 * note(graph id), the line on the frames left out. */
#define PY_PRELUDE \
	"import sys, xml.etree.ElementTree as ET\n" \
	"doc = sys.stdin.buffer.read()\n" \
	"root = ET.fromstring(doc)\n" \
	"N = \"{http://www.w3.org/2000/svg}\"\n" \
	"def graph(gid):\n" \
	"    return [e for e in root.iter(N + \"g\") if e.get(\"id\") == gid][0]\n" \
	"def frames(gid):\n" \
	"    out = []\n" \
	"    for f in graph(gid).iter(N + \"g\"):\n" \
	"        if f.get(\"class\") != \"f\":\n" \
	"            continue\n" \
	"        r, t = f.find(N + \"rect\"), f.find(N + \"title\").text\n" \
	"        out.append((t.split(\"\\n\")[0], float(r.get(\"x\")),\n" \
	"                    int(r.get(\"y\")), float(r.get(\"width\")), t))\n" \
	"    return out\n" \
	"def note(gid):\n" \
	"    return [e.text for e in graph(gid).iter(N + \"text\")\n" \
	"            if e.get(\"class\") == \"note\"][0]\n" \
	"def names(gid):\n" \
	"    return [f[0] for f in frames(gid)]\n" \
	"def fits(gid):\n" \
	"    st = []\n" \
	"    for f in frames(gid):\n" \
	"        while st and abs(st[-1][2]) >= abs(f[2]):\n" \
	"            st.pop()\n" \
	"        if st and not (f[1] >= st[-1][1] - 0.01 and\n" \
	"                       f[1] + f[3] <= st[-1][1] + st[-1][3] + 0.01):\n" \
	"            return False\n" \
	"        st.append(f)\n" \
	"    return True\n"

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

static char *app_argv[] = { "app.py", "<&>", NULL };

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
	meta.duration = 2000000;
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

/* Adds a node for function name (in /src/app.py) under parent with the
 * given figures; returns its index. */
static uint32_t
node(fp__pdata_t *d, uint32_t parent, const char *name, uint64_t calls,
    fp_time_t own, fp_time_t total, fp_time_t suspended)
{
	fp__stats_t s;
	uint32_t f, n;

	f = fp__pdata_add_func(d, "/src/app.py", (int)strlen(name), name, NULL);
	ck_assert_uint_ne(f, FP__NONE);
	fp__stats_init(&s);
	s.calls = calls;
	s.own = own;
	s.total = total;
	s.suspended = suspended;
	s.sum = total;
	s.min = s.max = total;
	n = fp__pdata_add_node(d, parent, f, &s);
	ck_assert_uint_ne(n, FP__NONE);
	return n;
}

/* Returns the root of a new thread of d. */
static uint32_t
thread(fp__pdata_t *d, uint64_t ident, const char *name)
{
	uint32_t t = fp__pdata_add_thread(d, ident, (int64_t)ident + 1, name,
	    4242);

	ck_assert_uint_ne(t, FP__NONE);
	return d->threads[t].root;
}

/* Renders d as SVG with width and threshold into b (initialised here). */
static void
render(fp__buf_t *b, const fp__pdata_t *d, int width, double threshold)
{
	fp__render_opts_t o;

	memset(&o, 0, sizeof o);
	o.width = width;
	o.threshold = threshold;
	fp__buf_init(b);
	ck_assert_int_eq(fp__format_find("svg")->render(b, d, &o), FP_OK);
	ck_assert_int_eq(b->nomem, 0);
	ck_assert_ptr_nonnull(b->data);
}

/* Returns a profile main -> {big, tiny -> tiny_child}, where tiny and its
 * child are 1% of the running time together. */
static fp__pdata_t *
big_and_tiny(void)
{
	fp__pdata_t *d = new_data();
	uint32_t r = thread(d, 1, "MainThread"), m, t;

	m = node(d, r, "main", 1, 1000, 100000, 0);
	node(d, m, "big", 1, 98000, 98000, 0);
	t = node(d, m, "tiny", 1, 500, 1000, 0);
	node(d, t, "tiny_child", 1, 500, 500, 0);
	return d;
}

START_TEST(test_fp__render_svg_hostile_names)
{
	static char *argv[] = { "<script>&\"", "\x01\xff", NULL };
	fp__pdata_t *d = new_data_argv(2, argv);
	uint32_t r, m;
	fp__buf_t b;
	size_t i;

	r = thread(d, 1, "<T&\"'>\x02");
	m = node(d, r, "<script>alert(\"x\")</script> & 'q'", 1, 100, 400, 0);
	node(d, m, "ctl\x01\x1b\x7f\t\n", 1, 100, 100, 0);
	node(d, m, "bad\xff\xfe utf8 \xc3\xa9 \xed\xa0\x80 \xef\xbf\xbe", 1, 100,
	    100, 0);
	node(d, m, "]]> <![CDATA[ --> <!--", 1, 100, 100, 0);
	ck_assert_uint_ne(fp__pdata_add_func(d, "/a&b/<c>.py", 1, "x", NULL),
	    FP__NONE);
	render(&b, d, 0, 0);
	for (i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.data[i];

		ck_assert_msg(c >= 0x20 || c == '\n', "control byte %#x at %zu",
		    c, i);
		ck_assert_msg(c != 0x7F && c != 0xFF && c != 0xFE,
		    "byte %#x at %zu", c, i);
	}
	ck_assert_ptr_null(strstr(b.data, "<script>alert"));
	ck_assert_ptr_nonnull(strstr(b.data, "&lt;script&gt;alert(&quot;x&quot;)"
	    "&lt;/script&gt; &amp; &apos;q&apos;"));
	ck_assert_ptr_nonnull(strstr(b.data, "]]&gt; &lt;![CDATA[ --&gt;"));
	ck_assert_ptr_nonnull(strstr(b.data, "fullprof: &lt;script&gt;&amp;"
	    "&quot; \xEF\xBF\xBD\xEF\xBF\xBD</text>"));
	ck_assert_int_eq(python_check(b.data,
	    "\"<script>alert(\\\"x\\\")</script> & \\x27q\\x27\" in names(\"tree\")"
	    " and \"ctl\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\" in names(\"tree\")"
	    " and \"bad\\ufffd\\ufffd utf8 \\u00e9 \\ufffd\\ufffd\\ufffd \\ufffd\""
	    " in names(\"tree\")"
	    " and \"]]> <![CDATA[ --> <!--\" in names(\"callers\")"
	    " and \"<T&\\\"\\x27>\\ufffd\" in names(\"tree\")"), 0);
	fp__buf_free(&b);
	fp__pdata_free(d);
}
END_TEST

START_TEST(test_fp__render_svg_threshold)
{
	fp__pdata_t *d = big_and_tiny();
	fp__buf_t b;

	/* 2%: tiny (1%) and its child are left out, and counted. */
	render(&b, d, 0, 0.02);
	ck_assert_ptr_null(strstr(b.data, "<title>tiny"));
	ck_assert_ptr_nonnull(strstr(b.data, "<title>big"));
	ck_assert_int_eq(python_check(b.data,
	    "names(\"tree\") == [\"all\", \"MainThread\", \"main\", \"big\"] and "
	    "note(\"tree\") == \"2 frames under 2% of the running time are not "
	    "drawn\" and names(\"callers\") == [\"all\", \"big\", \"main\"] and "
	    "note(\"callers\") == \"3 frames under 2% of the running time or "
	    "narrower than 0.1 pixel are not drawn, nor their callers\""), 0);
	fp__buf_free(&b);

	/* 0.5%: tiny is drawn, its child (0.5%) too; none left out. */
	render(&b, d, 0, 0.005);
	ck_assert_int_eq(python_check(b.data,
	    "names(\"tree\") == [\"all\", \"MainThread\", \"main\", \"big\", "
	    "\"tiny\", \"tiny_child\"] and note(\"tree\") == \"No frame is "
	    "under 0.5% of the running time: every frame is drawn\""), 0);
	fp__buf_free(&b);

	/* 0: every frame. */
	render(&b, d, 0, 0);
	ck_assert_int_eq(python_check(b.data,
	    "len(frames(\"tree\")) == 6 and "
	    "note(\"tree\") == \"Every frame is drawn\""), 0);
	fp__buf_free(&b);
	fp__pdata_free(d);
}
END_TEST

START_TEST(test_fp__render_svg_width)
{
	fp__pdata_t *d = big_and_tiny();
	fp__buf_t b;

	render(&b, d, 0, 0);
	ck_assert_ptr_nonnull(strstr(b.data, "<svg xmlns=\"http://www.w3.org/"
	    "2000/svg\" version=\"1.1\" width=\"1200\" height=\""));
	ck_assert_int_eq(python_check(b.data,
	    "frames(\"tree\")[0][1:4:2] == (10.0, 1180.0) and "
	    "frames(\"tree\")[3][0] == \"big\" and "
	    "frames(\"tree\")[3][3] == 1156.4 and "
	    "frames(\"callers\")[0][3] == 1180.0"), 0);
	fp__buf_free(&b);

	render(&b, d, 800, 0);
	ck_assert_ptr_nonnull(strstr(b.data, "version=\"1.1\" width=\"800\""));
	ck_assert_ptr_nonnull(strstr(b.data, "viewBox=\"0 0 800 "));
	ck_assert_ptr_nonnull(strstr(b.data, "var FL = 10, FW = 780, H = "));
	ck_assert_int_eq(python_check(b.data,
	    "frames(\"tree\")[0][3] == 780.0 and "
	    "frames(\"tree\")[3][3] == 764.4 and "
	    "frames(\"tree\")[4][0] == \"tiny\" and "
	    "abs(frames(\"tree\")[4][1] - 774.4) < 1e-9 and "
	    "frames(\"tree\")[4][3] == 7.8"), 0);
	fp__buf_free(&b);
	fp__pdata_free(d);
}
END_TEST

START_TEST(test_fp__render_svg_running_time)
{
	fp__pdata_t *d = new_data();
	uint32_t r = thread(d, 1, "MainThread"), c;
	fp__buf_t b;

	/* A coroutine suspended 900ns of its 1000ns: its width is the 100ns it
	 * ran plus its child's 300ns, not its total. */
	c = node(d, r, "coro", 1, 100, 1300, 900);
	node(d, c, "step", 2, 300, 300, 0);
	render(&b, d, 400 + 20, 0);
	ck_assert_ptr_nonnull(strstr(b.data, "<title>coro\n/src/app.py:4\n"
	    "running 400ns (100.00%), own 100ns, 1 call\nsuspended 900ns at "
	    "await or yield, total with suspension 1.3µs</title>"));
	ck_assert_ptr_nonnull(strstr(b.data, "not time suspended at await or "
	    "yield"));
	ck_assert_int_eq(python_check(b.data,
	    "fits(\"tree\") and fits(\"callers\") and "
	    "[f[3] for f in frames(\"tree\")] == [400, 400, 400, 300]"), 0);
	fp__buf_free(&b);
	fp__pdata_free(d);
}
END_TEST

START_TEST(test_fp__render_svg_reverse)
{
	fp__pdata_t *d = new_data();
	uint32_t r = thread(d, 1, "MainThread"), m, a, bb;
	fp__buf_t b;

	/* leaf runs 10 under a and 30 under b, both called by main. */
	m = node(d, r, "main", 1, 60, 100, 0);
	a = node(d, m, "a", 1, 0, 10, 0);
	bb = node(d, m, "b", 1, 0, 30, 0);
	node(d, a, "leaf", 1, 10, 10, 0);
	node(d, bb, "leaf", 3, 30, 30, 0);
	render(&b, d, 100 + 20, 0);
	ck_assert_int_eq(python_check(b.data,
	    "[(f[0], f[2], f[3]) for f in frames(\"callers\")] == ["
	    "(\"all\", -16, 100), (\"leaf\", -32, 40), (\"a\", -48, 10), "
	    "(\"main\", -64, 10), (\"b\", -48, 30), (\"main\", -64, 30), "
	    "(\"main\", -32, 60)] and fits(\"callers\") and "
	    "\"own time 40ns (40.00%), 4 calls\" in frames(\"callers\")[1][4] and "
	    "\"leaf own time through here: 30ns (30.00%)\" in "
	    "frames(\"callers\")[4][4]"), 0);
	fp__buf_free(&b);
	fp__pdata_free(d);
}
END_TEST

/* Builds one profile: two threads, calls a and b under main, in the order
 * given by flip. */
static fp__pdata_t *
ordered(int flip)
{
	fp__pdata_t *d = new_data();
	uint32_t r1 = thread(d, 1, "MainThread"), r2 = thread(d, 2, ""), m;

	m = node(d, r1, "main", 1, 5, 100, 0);
	if (flip) {
		node(d, node(d, m, "b", 2, 30, 40, 0), "c", 1, 10, 10, 0);
		node(d, m, "a", 1, 20, 20, 0);
	} else {
		node(d, m, "a", 1, 20, 20, 0);
		node(d, node(d, m, "b", 2, 30, 40, 0), "c", 1, 10, 10, 0);
	}
	node(d, r2, "worker", 1, 50, 50, 0);
	return d;
}

START_TEST(test_fp__render_svg_deterministic)
{
	fp__pdata_t *d1 = ordered(0), *d2 = ordered(1);
	fp__buf_t b1, b2, b3;

	render(&b1, d1, 0, 0);
	render(&b2, d1, 0, 0);
	render(&b3, d2, 0, 0);
	ck_assert_str_eq(b1.data, b2.data);
	ck_assert_str_eq(b1.data, b3.data);
	ck_assert_int_eq(python_check(b1.data,
	    "names(\"tree\") == [\"all\", \"MainThread\", \"main\", \"a\", \"b\", "
	    "\"c\", \"Thread 2\", \"worker\"] and fits(\"tree\")"), 0);
	fp__buf_free(&b1);
	fp__buf_free(&b2);
	fp__buf_free(&b3);
	fp__pdata_free(d1);
	fp__pdata_free(d2);
}
END_TEST

START_TEST(test_fp__render_svg_colours)
{
	fp__pdata_t *d = ordered(0);
	fp__buf_t b;

	/* A function has one colour wherever it is drawn; a built-in one is
	 * drawn in blue-green. */
	node(d, d->threads[1].root, "a", 1, 20, 20, 0);
	ck_assert_uint_ne(fp__pdata_add_node(d, d->threads[1].root,
	    fp__pdata_add_func(d, "~", 0, "<built-in function len>", NULL),
	    NULL), FP__NONE);
	d->nodes[d->nnodes - 1].stats.own = 5;
	render(&b, d, 0, 0);
	ck_assert_int_eq(python_check(b.data,
	    "len({(f[0], r.get(\"fill\")) for g in (\"tree\", \"callers\") "
	    "for f, r in zip(frames(g), graph(g).iter(N + \"rect\"))}) == "
	    "len({f[0] for g in (\"tree\", \"callers\") for f in frames(g)}) and "
	    "any(r.get(\"fill\") == \"#c8c8c0\" for r in "
	    "graph(\"tree\").iter(N + \"rect\"))"), 0);
	ck_assert_ptr_nonnull(strstr(b.data, "<title>&lt;built-in function "
	    "len&gt;\nbuilt-in\n"));
	fp__buf_free(&b);
	fp__pdata_free(d);
}
END_TEST

START_TEST(test_fp__render_svg_depth)
{
	fp__pdata_t *d = new_data();
	uint32_t n = thread(d, 1, "MainThread");
	fp__buf_t b;
	int i;

	/* A recursion 1100 deep: "all", the thread and 1023 calls are drawn
	 * in the call tree, 1024 levels of callers above the base in the
	 * reverse graph; the rest is counted. */
	for (i = 0; i < 1100; i++)
		n = node(d, n, "down", 1, 10, 10 * (1100 - i), 0);
	render(&b, d, 0, 0);
	ck_assert_int_eq(python_check(b.data,
	    "len(frames(\"tree\")) == 1025 and "
	    "note(\"tree\") == \"77 frames deeper than 1024 levels are not "
	    "drawn\" and len(frames(\"callers\")) == 1025 and "
	    "note(\"callers\") == \"1 frame narrower than 0.1 pixel or deeper "
	    "than 1024 levels is not drawn, nor their callers\" and "
	    "fits(\"tree\") and fits(\"callers\")"), 0);
	fp__buf_free(&b);
	fp__pdata_free(d);
}
END_TEST

START_TEST(test_fp__render_svg_empty)
{
	fp__pdata_t *d = new_data();
	fp__buf_t b;

	render(&b, d, 0, 0);
	ck_assert_ptr_nonnull(strstr(b.data, "No running time was recorded"));
	ck_assert_int_eq(python_check(b.data, "root.tag == N + \"svg\""), 0);
	fp__buf_free(&b);

	thread(d, 1, "MainThread");
	render(&b, d, 0, 0.5);
	ck_assert_ptr_nonnull(strstr(b.data, "No running time was recorded"));
	ck_assert_int_eq(python_check(b.data, "root.tag == N + \"svg\""), 0);
	fp__buf_free(&b);
	fp__pdata_free(d);
}
END_TEST

START_TEST(test_fp__render_svg_script)
{
	fp__pdata_t *d = big_and_tiny();
	fp__buf_t b;

	/* Self-contained: an inline script and style, nothing fetched. */
	render(&b, d, 0, 0);
	ck_assert_ptr_nonnull(strstr(b.data, "<script type=\"text/ecmascript\">"
	    "<![CDATA[\n"));
	ck_assert_ptr_null(strstr(b.data, "http://www.w3.org/1999/xlink"));
	ck_assert_ptr_null(strstr(b.data, "https:"));
	ck_assert_ptr_null(strstr(b.data, "@import"));
	ck_assert_ptr_null(strstr(b.data, "url("));
	ck_assert_ptr_null(strstr(b.data, " href="));
	ck_assert_int_eq(python_check(b.data,
	    "[e.get(\"id\") for e in root.iter(N + \"g\") if e.get(\"class\") =="
	    " \"btn\"] == [\"search\", \"clear\", \"reset\"]"), 0);
	/* The check itself can fail, and a broken document does not parse. */
	ck_assert_int_eq(python_check(b.data, "names(\"tree\") == []"), 3);
	ck_assert_int_ne(python_check("<svg><g></svg>", "True"), 0);
	fp__buf_free(&b);
	fp__pdata_free(d);
}
END_TEST

/* A statistical profile: widths from the estimates, details with the
 * samples and each estimate ± its standard error, the reverse graph
 * counting samples, and a title and subtitle saying it is sampled. */
START_TEST(test_fp__render_svg_sampled)
{
	fp__pdata_t *d = fixture_sampled_tree();
	char path[32], cmd[128];
	fp__buf_t b;
	int fd;

	render(&b, d, 400 + 20, 0);
	ck_assert_ptr_nonnull(strstr(b.data, "text-anchor=\"middle\">fullprof "
	    "(sampled): app.py --n 3</text>"));
	ck_assert_ptr_nonnull(strstr(b.data, "text-anchor=\"middle\">"
	    "Statistical profile, a sample every 1.000ms, wall timer, 4.010s, "
	    "Python 3.11.2, pid 4242, 1 thread, 3 functions, 4000 samples "
	    "taken, 10 dropped</text>"));
	ck_assert_ptr_nonnull(strstr(b.data, ">Widths are estimated running "
	    "time (own time summed over the callees), from samples: hover a "
	    "frame for its samples; ± is one standard error</text>"));
	ck_assert_int_eq(python_check(b.data,
	    "[(f[4], f[3]) for f in frames(\"tree\")] == ["
	    "(\"all\\nrunning 4.000s ± 0.000s (100.00%) in 1 thread\", 400),"
	    "(\"MainThread\\nthread 1, native id 1\\nrunning 4.000s ± 0.000s "
	    "(100.00%)\", 400),"
	    "(\"main\\n/a.py:1\\nrunning 4.000s ± 0.000s (100.00%), own "
	    "500.0ms ± 20.9ms, 4000 samples (500 at the top)\", 400),"
	    "(\"<built-in method time.sleep>\\nbuilt-in\\nrunning 1.000s ± "
	    "0.027s (25.00%), own 1.000s ± 0.027s, 1000 samples (1000 at the "
	    "top)\", 100),"
	    "(\"rec\\n/a.py:5\\nrunning 2.500s ± 0.031s (62.50%), own "
	    "250.0ms ± 15.3ms, 2500 samples (250 at the top)\", 250),"
	    "(\"rec\\n/a.py:5\\nrunning 2.250s ± 0.031s (56.25%), own "
	    "250.0ms ± 15.3ms, 2250 samples (250 at the top)\\nrecursive\", "
	    "225),"
	    "(\"<built-in method time.sleep>\\nbuilt-in\\nrunning 2.000s ± "
	    "0.032s (50.00%), own 2.000s ± 0.032s, 2000 samples (2000 at the "
	    "top)\", 200)] and "
	    "frames(\"callers\")[1][4] == \"<built-in method time.sleep>\\n"
	    "built-in\\nown time 3.000s ± 0.055s (75.00%), 3000 samples\" and "
	    "frames(\"callers\")[2][4] == \"main\\n/a.py:1\\n<built-in "
	    "method time.sleep> own time through here: 1.000s ± 0.032s "
	    "(25.00%), 1000 samples\" and fits(\"tree\") and "
	    "fits(\"callers\")"), 0);
	if (system("command -v xmllint >/dev/null 2>&1") == 0) {
		strcpy(path, "/tmp/fp-svg-XXXXXX");
		fd = mkstemp(path);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(write(fd, b.data, b.len), (ssize_t)b.len);
		close(fd);
		snprintf(cmd, sizeof cmd, "xmllint --noout %s", path);
		ck_assert_int_eq(system(cmd), 0);
		unlink(path);
	}
	fp__buf_free(&b);
	fp__pdata_free(d);
}
END_TEST

/* Returns the suite of runtime/report/svg.c. */
Suite *
suite_report_svg(void)
{
	Suite *s = suite_create("report_svg");
	TCase *tc = tcase_create("fp__render_svg");

	tcase_add_test(tc, test_fp__render_svg_hostile_names);
	tcase_add_test(tc, test_fp__render_svg_threshold);
	tcase_add_test(tc, test_fp__render_svg_width);
	tcase_add_test(tc, test_fp__render_svg_running_time);
	tcase_add_test(tc, test_fp__render_svg_reverse);
	tcase_add_test(tc, test_fp__render_svg_deterministic);
	tcase_add_test(tc, test_fp__render_svg_colours);
	tcase_add_test(tc, test_fp__render_svg_depth);
	tcase_add_test(tc, test_fp__render_svg_empty);
	tcase_add_test(tc, test_fp__render_svg_script);
	tcase_add_test(tc, test_fp__render_svg_sampled);
	/* Each Python start-up takes a while on a loaded machine. */
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
