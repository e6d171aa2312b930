"""test_output.py: the JSON document, the table, and where they go.

-o FILE writes JSON for a .json name (or with -f json), the table goes to
stderr unless -q; a file that cannot be written is named with its cause,
the table still reaches stderr and the status is 73 when the program
itself succeeded.
"""
import json
import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fptest import (TempDir, check, eq, has_table, main, parse_table,
                    profile, profile_run, row, run, run_python, script, test,
                    write)

ROW_KEYS = {"file": str, "line": int, "name": str, "calls": int,
            "primitive_calls": int, "own": (int, float),
            "total": (int, float), "suspended": (int, float),
            "min": (int, float), "mean": (int, float), "max": (int, float)}
DOC_KEYS = {"fullprof": str, "python": str, "pid": int, "argv": list,
            "mode": str, "timer": str, "duration": (int, float),
            "lost_calls": int, "functions": list}


def python_version():
    rc, out, err = run_python(["-c", "import platform; "
                               "print(platform.python_version())"])
    return out.strip()


def check_types(obj, keys, what):
    for k, t in keys.items():
        check(k in obj, "%s has no %r" % (what, k))
        check(isinstance(obj[k], t) and not isinstance(obj[k], bool),
              "%s[%r] = %r is not %s" % (what, k, obj[k], t))


def parse_duration(s):
    """Seconds from a table cell such as 1.5µs, 107.2ms, 2.000s, 0."""
    m = re.fullmatch(r"([0-9.]+)(ns|µs|ms|s)?", s)
    check(m is not None, "bad duration %r" % s)
    scale = {"ns": 1e-9, "µs": 1e-6, "ms": 1e-3, "s": 1.0, None: 1.0}
    return float(m.group(1)) * scale[m.group(2)]


@test
def json_document_shape():
    r = profile_run([script("chain.py")])
    doc = r.doc
    check_types(doc, DOC_KEYS, "document")
    eq(doc["fullprof"], "0.1.0", "fullprof version")
    eq(doc["python"], python_version(), "python version")
    eq(doc["argv"], [script("chain.py")], "argv")
    eq(doc["mode"], "trace", "mode")
    eq(doc["timer"], "wall", "timer")
    eq(doc["lost_calls"], 0, "lost_calls")
    check(doc["pid"] > 0 and doc["pid"] != os.getpid(), "pid %r" % doc["pid"])
    check(0.2 < doc["duration"] < 5, "duration %r" % doc["duration"])
    check(len(doc["functions"]) >= 4, "functions %r" % doc["functions"])
    for i, f in enumerate(doc["functions"]):
        check_types(f, ROW_KEYS, "functions[%d]" % i)
    a = row(doc, "a", "chain.py")
    eq(a["file"], script("chain.py"), "file is an absolute path")
    eq(a["line"], 23, "line of a")


@test
def json_format_without_output_goes_to_stderr():
    for opt in (["-f", "json"], ["--format=json"]):
        rc, out, err = run(opt + [script("exit_code.py"), "0"])
        eq(rc, 0, "exit status")
        eq(out, "before exit\n", "stdout")
        doc = json.loads(err)
        check_types(doc, DOC_KEYS, "document on stderr")
        eq(row(doc, "work")["calls"], 1, "work calls")


@test
def output_format_from_name_or_option():
    with TempDir() as d:
        rc, out, err = run(["-q", "-o", os.path.join(d, "p.txt"),
                            script("fib.py")])
        eq(rc, 0, "exit status")
        with open(os.path.join(d, "p.txt"), encoding="utf-8") as f:
            check(has_table(f.read()), "p.txt is not a table")
        rc, out, err = run(["-q", "-f", "json", "-o",
                            os.path.join(d, "p.txt"), script("fib.py")])
        eq(rc, 0, "exit status")
        with open(os.path.join(d, "p.txt"), encoding="utf-8") as f:
            eq(row(json.load(f), "fib")["calls"], 1973, "fib calls")
        eq(err, "", "stderr with -q")
        # An existing, longer file is replaced whole.
        path = write(os.path.join(d, "old.json"), "x" * 1000000)
        rc, out, err = run(["-q", "-o", path, script("fib.py")])
        eq(rc, 0, "exit status")
        with open(path, encoding="utf-8") as f:
            eq(row(json.load(f), "fib")["calls"], 1973, "fib calls")


def unwritable(path, cause, args=None, expect_rc=73):
    rc, out, err = run(["-o", path] + (args or [script("fib.py")]))
    eq(rc, expect_rc, "exit status (stderr %r)" % err[-600:])
    lines = [ln for ln in err.split("\n") if ln.startswith("fullprof: ") and
             path in ln]
    eq(len(lines), 1, "lines naming %s" % path)
    check(cause in lines[0], "%r does not give the cause %r" % (lines[0],
                                                               cause))
    check(has_table(err), "no table on stderr: %r" % err[-600:])
    return out, err


@test
def output_in_missing_directory():
    with TempDir() as d:
        path = os.path.join(d, "no", "such", "dir", "p.json")
        unwritable(path, "No such file or directory")
        check(not os.path.exists(os.path.dirname(path)), "directory made")


@test
def output_on_full_device():
    if not os.path.exists("/dev/full"):
        from fptest import skip
        skip("no /dev/full")
    unwritable("/dev/full", "No space left on device")


@test
def output_is_a_directory():
    with TempDir() as d:
        unwritable(d, "Is a directory")


@test
def program_status_wins_over_output_failure():
    with TempDir() as d:
        path = os.path.join(d, "missing", "p.json")
        out, err = unwritable(path, "No such file or directory",
                              [script("exit_code.py"), "3"], expect_rc=3)
        eq(out, "before exit\n", "stdout")
        unwritable(path, "No such file or directory",
                   [script("raise_error.py")], expect_rc=1)


@test
def output_path_relative_to_where_fullprof_started():
    # "-o p.json" names a file in the directory fullprof was started in,
    # even if the program changes its working directory.
    with TempDir() as d:
        os.mkdir(os.path.join(d, "sub"))
        rc, out, err = run(["-q", "-o", "p.json", script("chdir.py"), "sub"],
                           cwd=d)
        eq(rc, 0, "exit status (stderr %r)" % err[-300:])
        check(os.path.exists(os.path.join(d, "p.json")),
              "p.json not in the starting directory (in sub/: %s)" %
              os.path.exists(os.path.join(d, "sub", "p.json")))


@test
def quiet():
    rc, out, err = run(["-q", script("exit_code.py"), "0"])
    eq(rc, 0, "exit status")
    eq(err, "", "stderr with -q")
    rc, out, err = run(["--quiet", script("fib.py")])
    eq(err, "", "stderr with --quiet")
    r = profile_run(script("fib.py"), ["-q"])
    eq(r.err, "", "stderr with -q -o")
    eq(row(r.doc, "fib")["calls"], 1973, "fib calls in the file")


@test
def limit_cuts_the_table_not_the_file():
    r = profile_run([script("names.py")], ["--limit", "2"])
    title, rows, footer = parse_table(r.err)
    eq(len(rows), 2, "table rows")
    n = len(r.doc["functions"])
    check(n > 10, "the JSON file has only %d functions" % n)
    check(re.search(r"\b%d functions\b" % n, title),
          "title %r does not count the %d functions" % (title, n))
    eq(len(footer), 1, "footer lines %r" % footer)
    check(footer[0].startswith("(%d more rows not shown" % (n - 2)),
          "footer %r" % footer[0])
    # A table written to a file gets every row too.
    with TempDir() as d:
        path = os.path.join(d, "p.txt")
        rc, out, err = run(["--limit", "2", "-o", path, script("names.py")])
        eq(rc, 0, "exit status")
        with open(path, encoding="utf-8") as f:
            title, rows, footer = parse_table(f.read())
        check(len(rows) > 10, "the table file has %d rows" % len(rows))
        eq(footer, [], "footer in the table file")
    # --limit=0 shows every row and no footer.
    rc, out, err = run(["--limit=0", script("names.py")])
    title, rows, footer = parse_table(err)
    eq(len(rows), n, "rows with --limit=0")
    eq(footer, [], "footer with --limit=0")


@test
def default_limit_is_thirty():
    rc, out, err = run([script("async_sleep.py")])
    title, rows, footer = parse_table(err)
    eq(len(rows), 30, "rows by default")


def check_order(rows, key, conv, descending=True, what=""):
    vals = [conv(r[key]) for r in rows]
    for i in range(1, len(vals)):
        a, b = vals[i - 1], vals[i]
        ok = (a >= b * 0.99 - 1e-9) if descending else a <= b
        check(ok, "--sort=%s: row %d (%r) then row %d (%r)" % (
            what or key, i - 1, rows[i - 1][key], i, rows[i][key]))


@test
def sort_by_name():
    rc, out, err = run(["--sort=name", "--limit=0", script("names.py")])
    eq(rc, 0, "exit status")
    title, rows, footer = parse_table(err)
    names = [r["function"] for r in rows]
    check(names == sorted(names) or
          names == sorted(names, key=lambda s: (s.casefold(), s)),
          "rows not ordered by name: %r" % names)
    check(len(names) > 10, "only %d rows" % len(names))


@test
def sort_by_numbers():
    for key, col, conv in (("total", "total", parse_duration),
                           ("own", "own", parse_duration),
                           ("mean", "mean", parse_duration),
                           ("max", "max", parse_duration),
                           ("calls", "calls",
                            lambda s: int(s.split("/")[0]))):
        rc, out, err = run(["--sort", key, "--limit=0", script("fib.py")])
        eq(rc, 0, "exit status")
        title, rows, footer = parse_table(err)
        check_order(rows, col, conv, what=key)
    # The default is total.
    rc, out, err = run(["--limit=0", script("chain.py")])
    title, rows, footer = parse_table(err)
    check_order(rows, "total", parse_duration, what="(default) total")
    eq(rows[0]["function"], "<module>", "first row")


@test
def non_ascii_and_quoted_file_name():
    with TempDir() as d:
        path = write(os.path.join(d, 'ünï "q\'s" \\ x.py'),
                     "def ñandú():\n    return 1\n\n\nñandú()\n")
        r = profile_run([path])
        f = row(r.doc, "ñandú")
        eq(f["file"], path, "file")
        eq(f["line"], 1, "line")
        eq(r.doc["argv"], [path], "argv")
        rc, out, err = run(["--limit=0", path])
        title, rows, footer = parse_table(err)
        check(any(x["function"] == "ñandú" and "ünï" in x["file"]
                  for x in rows), "no ñandú row in the table")


@test
def table_rows_stay_on_one_line():
    # Control characters in a code object's file name (compile() accepts
    # any string) must not break the table's lines or reach the terminal.
    with TempDir() as d:
        path = write(os.path.join(d, "ctl.py"),
                     "code = compile('def weird():\\n    return 2\\n"
                     "weird()\\n', '/tmp/we\\nird\\x1b[31m\\t.py', 'exec')\n"
                     "exec(code)\n")
        r = profile_run([path])
        eq(row(r.doc, "weird")["file"], "/tmp/we\nird\x1b[31m\t.py",
           "file in JSON")
        rc, out, err = run(["--limit=0", path])
        check("\x1b" not in err, "an escape character reached stderr")
        title, rows, footer = parse_table(err)
        check(any(x["function"] == "weird" for x in rows),
              "no intact row for weird: %r" % [x for x in err.split("\n")
                                                if "ird" in x])


@test
def table_header_names_timer_and_python():
    ver = python_version()
    for timer in ("wall", "cpu", "process"):
        rc, out, err = run(["--timer", timer, script("fib.py")])
        eq(rc, 0, "exit status")
        title, rows, footer = parse_table(err)
        check(title.startswith("fullprof: %s timer, " % timer),
              "title %r does not name the %s timer" % (title, timer))
        check("Python %s" % ver in title, "title %r does not name Python %s"
              % (title, ver))
        check(re.search(r"\bpid \d+", title), "title %r has no pid" % title)
    header = err.split("\n")[1].split()
    eq(header, ["file", "line", "function", "calls", "own", "total",
                "suspended", "min", "mean", "max"], "column header")


@test
def timer_name_in_json():
    for timer in ("wall", "cpu", "process"):
        eq(profile("fib.py", ["-t", timer])["timer"], timer, "timer")


if __name__ == "__main__":
    main()
