"""test_module.py: the fullprof module, in plain python3 and in the launcher.

The scripts tests/e2e/scripts/mod_*.py drive the module and end by printing
one line `RESULT <json>` with what they saw; these tests hold the expected
values. Most run twice: under plain python3 with the extension module of
the build directory on PYTHONPATH ("python"), and under `fullprof
--paused`, where `import fullprof` is built in and drives the launcher's
profile ("paused"); some also under plain `fullprof` ("launcher"). Counts
are exact; times are loose, the machine is shared.
"""
import json
import os
import platform
import re
import sys
import sysconfig

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fptest import (FULLPROF, PYTHON, TempDir, check, check_invariants, eq,
                    has_table, main, parse_table, profile_run, run,
                    run_cmd, run_python, script, test, timing_check,
                    write)

BUILDDIR = os.environ.get("FULLPROF_BUILDDIR") or (
    os.path.dirname(os.path.abspath(FULLPROF)) if FULLPROF else None)
MODULE = "fullprof" + (sysconfig.get_config_var("EXT_SUFFIX") or ".so")
API = ["add", "clear", "functions", "is_running", "print_table", "profile",
       "remove", "start", "stats", "stop", "write"]
ROW_KEYS = {"file", "line", "name", "calls", "primitive_calls", "own",
            "total", "suspended", "min", "mean", "max"}


# --------------------------------------------------------------- running

class Outcome:
    """One run of a mod_* script: rc, out, err, seen (the RESULT object)
    and doc (the launcher's JSON document; None under plain python)."""

    def __init__(self, mode, rc, out, err, doc):
        self.mode, self.rc, self.out, self.err, self.doc = (mode, rc, out,
                                                            err, doc)

    @property
    def seen(self):
        """The object the script printed as `RESULT <json>`."""
        for line in self.out.splitlines():
            if line.startswith("RESULT "):
                return json.loads(line[len("RESULT "):])
        raise AssertionError("%s: no RESULT line\n--- stdout:\n%s\n--- "
                             "stderr:\n%s" % (self.mode, self.out[-2000:],
                                              self.err[-3000:]))


def python_env():
    """The environment that makes the built extension module importable."""
    if not BUILDDIR:
        raise AssertionError("no build directory: set FULLPROF_BUILDDIR")
    if not os.path.exists(os.path.join(BUILDDIR, MODULE)):
        raise AssertionError("%s was not built in %s" % (MODULE, BUILDDIR))
    old = os.environ.get("PYTHONPATH")
    return {"PYTHONPATH": BUILDDIR + (os.pathsep + old if old else "")}


def run_in(mode, args, expect_rc=0, opts=(), **kw):
    """Runs a script (and its arguments) in mode: "python" (plain python3),
    "paused" (fullprof --paused) or "launcher" (fullprof); returns an
    Outcome. opts are extra fullprof options."""
    args = [script(args[0])] + list(args[1:])
    if mode == "python":
        rc, out, err = run_python(args, env=python_env(), **kw)
        if expect_rc is not None and rc != expect_rc:
            raise AssertionError("python: exit status %r, expected %r\n--- "
                                 "stdout:\n%s\n--- stderr:\n%s" % (
                                     rc, expect_rc, out[-2000:],
                                     err[-3000:]))
        return Outcome(mode, rc, out, err, None)
    extra = (["--paused"] if mode == "paused" else []) + list(opts)
    r = profile_run(args, extra, expect_rc=expect_rc, **kw)
    return Outcome(mode, r.rc, r.out, r.err, r.doc)


def in_modes(*modes):
    """Registers the decorated test(mode) once per mode, as NAME[mode]."""
    def register(fn):
        for mode in modes:
            test(lambda mode=mode: fn(mode), name="%s[%s]" % (fn.__name__,
                                                              mode))
        return fn
    return register


def rows_named(rows, name, file=None):
    return [r for r in rows if r["name"] == name and
            (file is None or r["file"].endswith(file))]


def one(rows, name, file=None):
    """Returns the one row called name (in a file ending with file)."""
    found = rows_named(rows, name, file)
    if len(found) != 1:
        raise AssertionError("%d rows named %r%s among %s" % (
            len(found), name, " in *" + file if file else "",
            sorted({r["name"] for r in rows})[:30]))
    return found[0]


def counts(rows):
    """Returns {name: calls} of the rows with data."""
    out = {}
    for r in rows:
        if not r.get("no_data"):
            out[r["name"]] = out.get(r["name"], 0) + r["calls"]
    return out


def check_rows(rows, what):
    """Checks the invariants of fptest on stats() rows."""
    try:
        check_invariants({"functions": rows})
    except AssertionError as e:
        raise AssertionError("%s: %s" % (what, e))


def calls_by_key(rows):
    return {(r["file"], r["line"], r["name"]): r["calls"] for r in rows}


# ----------------------------------------------------------------- import

@test
def import_in_plain_python():
    o = run_in("python", ["mod_import.py"])
    eq(o.seen["builtin"], False, "built in")
    eq(os.path.realpath(o.seen["file"]),
       os.path.realpath(os.path.join(BUILDDIR, MODULE)), "module file")
    eq(o.seen["names"], API, "public names")
    eq(o.seen["undocumented"], [], "functions without a docstring")
    check(o.seen["module_doc"], "the module has no docstring")
    rc, out, err = run(["--version"])
    eq(o.seen["version"], out.split()[1], "__version__")


@in_modes("launcher", "paused")
def import_in_the_launcher(mode):
    # Built in, even with the build directory (and its .so) on the path.
    o = run_in(mode, ["mod_import.py"], env=python_env())
    eq(o.seen["builtin"], True, "built in")
    eq(o.seen["file"], None, "module file")
    eq(o.seen["names"], API, "public names")
    eq(o.seen["undocumented"], [], "functions without a docstring")


# ------------------------------------------------------------- life cycle

LIFECYCLE = {
    "running_at_import": False,
    "stats_at_import": [],
    "functions_at_import": [],
    "running_after_idle_stop": False,
    "running": True,
    "f_first": 5,
    "f_second": 8,
    "functions_f": ["f"],
    "after_add_f": {"f": 13, "g": 0, "h": 0},
    "functions_fg": ["f", "g"],
    "after_add_g": {"f": 15, "g": 2, "h": 0},
    "after_remove_f": {"f": 16, "g": 3, "h": 0},
    "functions_empty": [],
    "after_remove_g": {"f": 17, "g": 3, "h": 1},
    "running_after_stop": False,
    "after_stop": {"f": 17, "g": 3, "h": 1},
    "after_restart": {"f": 18, "g": 3, "h": 1},
    "after_clear": [],
    "after_running_clear": {"f": 2, "g": 0, "h": 0},
    "before_add_to_set": 0,
    "after_add_to_set": 3,
    "functions_end": ["h", "f"],
    "already_running": {"outer": 0, "inner": 2, "numbers": 1},
}


@in_modes("python", "paused")
def start_stop_add_remove_clear(mode):
    o = run_in(mode, ["mod_lifecycle.py"])
    problems = ["%s = %r, expected %r" % (k, o.seen.get(k), v)
                for k, v in LIFECYCLE.items() if o.seen.get(k) != v]
    check(not problems, "%d of %d wrong: %s" % (
        len(problems), len(LIFECYCLE), "; ".join(problems)))
    if o.doc is not None:
        # The launcher's report at exit is the module's profile.
        got = counts(o.doc["functions"])
        eq({n: got.get(n) for n in ("f", "outer", "inner", "numbers")},
           {"f": None, "outer": None, "inner": 2, "numbers": 1},
           "calls in the report")


@test
def add_while_the_launcher_records_from_the_start():
    # <module> is being recorded when it calls add("f"); h, called from the
    # top level afterwards, is neither f nor called by f.
    o = run_in("launcher", ["mod_add_unpaused.py"])
    eq(o.seen["running"], True, "is_running() under fullprof")
    eq(o.seen["functions_after_start"], [],
       "functions() after start(functions=...) while running")
    eq(o.seen["after_add"], {"f": 8, "g": 0, "h": 0},
       "calls after add('f') (f x5, add, f x3, h x2)")
    eq(o.seen["after_remove"], {"f": 8, "g": 0, "h": 1},
       "calls after remove('f') and h x1")


# ------------------------------------------------------------- coroutines

@in_modes("python", "paused")
def start_inside_a_running_coroutine(mode):
    o = run_in(mode, ["mod_coro_start.py"])
    eq(o.seen["running"], False, "is_running() after stop()")
    rows = o.seen["stats"]
    check_rows(rows, "stats()")
    main_ = one(rows, "main", "mod_coro_start.py")
    child = one(rows, "child", "mod_coro_start.py")
    eq(main_["calls"], 1, "main calls (already started)")
    eq(main_["primitive_calls"], 1, "main primitive_calls")
    eq(child["calls"], 2, "child calls")
    eq(one(rows, "sleep", "asyncio/tasks.py")["calls"], 6,
       "asyncio.sleep calls after start()")
    # main counts from its first resumption under profiling, after its
    # 0.1s sleep: about as long as the two children it awaited.
    check(0 <= main_["total"] - child["total"] < 0.06,
          "main total %r, children total %r: expected main to count from "
          "its first resumption" % (main_["total"], child["total"]))
    check(child["total"] >= 0.09, "child total %r" % child["total"])
    check(main_["suspended"] >= 0.09, "main suspended %r"
          % main_["suspended"])
    # Running when profiling started: their own return is never seen.
    for name in ("run", "Runner.run"):
        eq(rows_named(rows, name, "asyncio/runners.py"), [],
           "rows of %s (already running)" % name)
    if o.doc is not None:
        eq(one(o.doc["functions"], "main", "mod_coro_start.py")["calls"], 1,
           "main calls in the report")


@in_modes("python", "paused", "launcher")
def stop_while_coroutines_are_suspended(mode):
    o = run_in(mode, ["mod_coro_stop.py"])
    eq(o.seen["running"], False, "is_running() at the end")
    at_stop, at_end = o.seen["at_stop"], o.seen["at_end"]
    check_rows(at_stop, "stats() at stop")
    # Nothing recorded after the stop (times may move by a rounding).
    eq(calls_by_key(at_end), calls_by_key(at_stop),
       "calls at the end against calls at the stop")
    for a, b in zip(at_stop, at_end):
        check(abs(a["total"] - b["total"]) <= 1e-6 + 1e-4 * a["total"],
              "%s total %r at the stop, %r at the end" % (
                  a["name"], a["total"], b["total"]))
    # The 0.5s sleep and the rest of sleeper() came after the stop, so
    # no figure may be longer than the process was old at the stop (what
    # came before the stop, interpreter start-up included, may take over a
    # second on a busy machine: a fixed bound would fail there).
    age = o.seen["age_at_stop"]
    worst = max(at_stop, key=lambda r: r["total"])
    timing_check(worst["total"] <= age + 0.02, "%s total %r includes time "
                 "after stop() (the process was %r s old at the stop)"
                 % (worst["name"], worst["total"], age))
    sleeper = one(at_stop, "sleeper", "mod_coro_stop.py")
    eq(sleeper["calls"], 1, "sleeper calls")
    check(sleeper["total"] < 0.05, "sleeper total %r: it ended at its "
          "last suspension" % sleeper["total"])
    eq(sleeper["suspended"], 0, "sleeper suspended (never resumed)")
    eq(one(at_stop, "main", "mod_coro_stop.py")["calls"], 1, "main calls")
    eq(one(at_stop, "sleep", "asyncio/tasks.py")["calls"], 2,
       "asyncio.sleep calls")
    if o.doc is not None:
        timing_check(o.doc["duration"] <= age + 0.02, "report duration %r "
                     "includes time after stop() (age at the stop %r)"
                     % (o.doc["duration"], age))
        worst = max(o.doc["functions"], key=lambda r: r["total"])
        timing_check(worst["total"] <= age + 0.02, "report: %s total %r "
                     "(age at the stop %r)" % (worst["name"],
                                                worst["total"], age))
        eq(calls_by_key(o.doc["functions"]), calls_by_key(at_stop),
           "report calls against stats() at the stop")


# ---------------------------------------------------------------- threads

@in_modes("python", "paused", "launcher")
def stop_from_another_thread(mode):
    o = run_in(mode, ["mod_thread_stop.py"])
    s = o.seen
    eq(s["stopper_saw_running"], True, "is_running() in the other thread")
    eq(s["stopper_saw_stopped"], True, "stopped in the other thread")
    eq(s["running_after"], False, "is_running() in the main thread")
    check(0 < s["work_while_running"] <= s["work_after_loop"] <=
          s["loop_iterations"], "work calls: %r while running, %r after "
          "the loop, %r iterations" % (s["work_while_running"],
                                       s["work_after_loop"],
                                       s["loop_iterations"]))
    eq(s["work_at_end"], s["work_after_loop"],
       "work calls after 1000 more calls past the stop")
    eq(s["loop_calls"], 1, "loop calls (open at the stop)")
    eq(s["stopper_calls"], 1, "stopper calls (open at the stop)")
    check(s["max_total"] < 1.0, "largest total %r" % s["max_total"])
    if o.doc is not None:
        eq(counts(o.doc["functions"]).get("work"), s["work_at_end"],
           "work calls in the report")


@in_modes("python", "paused", "launcher")
def every_function_from_another_thread(mode):
    with TempDir() as d:
        o = run_in(mode, ["mod_thread_calls.py", d])
        with open(os.path.join(d, "poked.json"), encoding="utf-8") as fh:
            check_invariants(json.load(fh))
    check(o.seen["rounds"] > 0, "the second thread never ran")
    check_rows(o.seen["rows_while_poked"], "stats() after the poking")
    eq(o.seen["last"], {"f": 100, "g": 100}, "calls of the last start/stop")


# ------------------------------------------------------------ choosing

PKG = {
    "mod_pkg/__init__.py": "",
    "mod_pkg/core.py": "def helper():\n    pass\n\n\ndef run():\n"
                       "    helper()\n\n\nclass Engine:\n"
                       "    def go(self):\n        helper()\n",
    "mod_pkg/util.py": "def tool():\n    pass\n",
    "other_mod.py": "import mod_pkg.core\n\n\ndef other():\n    pass\n\n\n"
                    "def calls_run():\n    mod_pkg.core.run()\n",
}

# The program calls run x2, Engine().go x3 (each calls helper), tool x1,
# other x4 and calls_run x1 (which calls run) from the top level.
GLOBS = [
    (["mod_pkg.*"], {"run": 3, "helper": 6, "Engine.go": 3, "tool": 1}),
    (["mod_pkg.core.*"], {"run": 3, "helper": 6, "Engine.go": 3}),
    (["mod_pkg.*:*"], {"run": 3, "helper": 6, "Engine.go": 3, "tool": 1}),
    (["mod_pkg.*.go"], {"Engine.go": 3, "helper": 3}),
    (["Engine.*"], {"Engine.go": 3, "helper": 3}),
    (["mod_pkg.core:Engine.go"], {"Engine.go": 3, "helper": 3}),
    (["Engine.go"], {"Engine.go": 3, "helper": 3}),
    (["mod_pkg.core.helper"], {"helper": 6}),
    (["run"], {"run": 3, "helper": 3}),
    (["mod_pkg.util:tool", "other_mod.other"], {"tool": 1, "other": 4}),
]


def make_pkg(d):
    for name, text in PKG.items():
        write(os.path.join(d, name), text)


@test
def specs_and_globs_on_a_package():
    problems = []
    with TempDir() as d:
        make_pkg(d)
        for specs, want in GLOBS:
            o = run_in("python", ["mod_glob.py", d] + specs)
            eq(o.seen["functions"], specs, "functions()")
            got = counts(o.seen["stats"])
            if got != want:
                problems.append("%s: %r, expected %r" % (specs, got, want))
    check(not problems, "; ".join(problems))


@test
def glob_from_the_launcher():
    with TempDir() as d:
        make_pkg(d)
        o = run_in("launcher", ["mod_glob.py", d], opts=["-F", "mod_pkg.*"])
    eq(o.seen["functions"], ["mod_pkg.*"], "functions()")
    rows = o.doc["functions"]
    for r in rows:
        check(os.sep + "mod_pkg" + os.sep in r["file"],
              "row %s (%s) is not in mod_pkg" % (r["name"], r["file"]))
    got = counts(rows)
    for name, n in {"run": 3, "helper": 6, "Engine.go": 3,
                    "tool": 1}.items():
        eq(got.get(name), n, "%s calls" % name)


SPECS_ROWS = {"g": 3, "h": 3, "C.m": 4}   # h only as called by g


@test
def function_option():
    o = run_in("launcher", ["mod_specs.py"], opts=["-F", "g",
                                                   "--function=C.m"])
    eq(o.seen["functions"], ["g", "C.m"], "functions()")
    eq(counts(o.seen["stats"]), SPECS_ROWS, "stats() calls")
    eq(counts(o.doc["functions"]), SPECS_ROWS, "report calls")


@test
def functions_from_a_file():
    with TempDir() as d:
        path = write(os.path.join(d, "functions.txt"),
                     "# functions to trace\n\ng\n\n   C.m   # a method\n"
                     "\t\n")
        o = run_in("launcher", ["mod_specs.py"],
                   opts=["--functions-from", path])
        eq(o.seen["functions"], ["g", "C.m"], "functions()")
        eq(counts(o.doc["functions"]), SPECS_ROWS, "report calls")
        o = run_in("launcher", ["mod_specs.py"],
                   opts=["-F", "f", "--functions-from=" + path])
        eq(o.seen["functions"], ["f", "g", "C.m"], "functions() with -F")
        eq(counts(o.doc["functions"]), dict(SPECS_ROWS, f=2),
           "report calls with -F f")


@test
def functions_from_a_missing_file():
    with TempDir() as d:
        path = os.path.join(d, "no-such-file.txt")
        rc, out, err = run(["--functions-from", path, script("mod_specs.py")])
    eq(rc, 2, "exit status")
    eq(out, "", "stdout (the program must not run)")
    lines = err.rstrip("\n").split("\n")
    check(lines[0].startswith("fullprof: ") and path in lines[0],
          "first line %r does not name %s" % (lines[0], path))
    check("No such file or directory" in lines[0], "cause not given in %r"
          % lines[0])
    check(len(lines) <= 2 and (len(lines) == 1 or "--help" in lines[1]),
          "more than a message and a hint: %r" % err)


@in_modes("python", "paused")
def function_object_and_bound_method(mode):
    o = run_in(mode, ["mod_specs.py", "objects"])
    eq(o.seen["functions"], ["__main__:f", "__main__:C.m"], "functions()")
    eq(counts(o.seen["stats"]), {"f": 2, "C.m": 4}, "stats() calls")
    if o.doc is not None:
        eq(counts(o.doc["functions"]), {"f": 2, "C.m": 4}, "report calls")


@test
def name_matching_nothing():
    o = run_in("launcher", ["mod_specs.py"], opts=["-F", "g", "-F",
                                                   "nothing_here"])
    for what, rows in (("stats()", o.seen["stats"]),
                       ("report", o.doc["functions"])):
        r = one(rows, "nothing_here")
        eq(r.get("no_data"), True, "%s no_data" % what)
        eq(r["calls"], 0, "%s calls" % what)
        eq(r["total"], 0, "%s total" % what)
        eq([x.get("no_data") for x in rows if x["name"] == "g"], [None],
           "%s no_data of g" % what)
    check(re.search(r"^-\s+-\s+nothing_here\s+no data(\s+-){6}\s*$",
                    o.err, re.M),
          "no 'no data' row in the table:\n" + o.err[-1500:])


@in_modes("python", "paused")
def name_matching_nothing_in_print_table(mode):
    code = ("import fullprof\nfullprof.start(functions=['nothing_here'])\n"
            "fullprof.stop()\nprint(fullprof.stats())\n"
            "fullprof.print_table()\n")
    with TempDir() as d:
        o = run_in(mode, [write(os.path.join(d, "m.py"), code)], opts=["-q"])
    check("'no_data': True" in o.out, "stats(): %r" % o.out)
    check(re.search(r"nothing_here\s+no data", o.err),
          "no 'no data' row in %r" % o.err[-1000:])


# ------------------------------------------------------------ bad input

ERRORS = {
    "start_timer_nope": "ValueError",
    "start_timer_3": "TypeError",
    "start_functions_3": "TypeError",
    "start_functions_empty_name": "ValueError",
    "start_functions_bad_item": "TypeError",
    "functions_after_failed_start": ["kept"],
    "add_3": "TypeError",
    "add_empty": "ValueError",
    "add_keyword": "TypeError",
    "remove_3": "TypeError",
    "print_table_sort_x": "ValueError",
    "print_table_limit_-1": "ValueError",
    "print_table_file_str": "TypeError",
    "write_missing_dir": "FileNotFoundError errno=2",   # ENOENT
    "write_format_xml": "ValueError",
    "write_format_3": "TypeError",
    "stop_extra_arg": "TypeError",
    "running_after_errors": False,
    "functions_after_errors": [],
    "change_timer_with_figures": "ValueError",
    "running_after_refused_start": False,
    "change_timer_after_clear": "ok",
    "timer_written": "cpu",
    "f_calls": 1,
}


@in_modes("python", "paused")
def bad_arguments(mode):
    with TempDir() as d:
        o = run_in(mode, ["mod_errors.py", "/nonexistent/dir/x.json",
                          os.path.join(d, "out.json")])
    problems = ["%s = %r, expected %r" % (k, o.seen.get(k), v)
                for k, v in ERRORS.items() if o.seen.get(k) != v]
    check(not problems, "%d of %d wrong: %s" % (
        len(problems), len(ERRORS), "; ".join(problems)))
    if o.doc is not None:
        eq(o.doc["timer"], "cpu", "timer of the launcher's report")


# ---------------------------------------------------------------- output

@in_modes("python", "paused")
def print_table_and_write(mode):
    with TempDir() as d:
        o = run_in(mode, ["mod_output.py", d])

        def read(name):
            with open(os.path.join(d, name), encoding="utf-8") as fh:
                return fh.read()
        table, fd_table, text = read("table.txt"), read("fd.txt"), \
            read("out.txt")
        with open(os.path.join(d, "out.json"), encoding="utf-8") as fh:
            doc = json.load(fh)
        launcher_doc = o.doc if o.doc is not None else run_in(
            "launcher", ["mod_output.py", d]).doc
    # print_table(file=...) between the program's own buffered writes.
    parts = re.split(r"^(written \w+)\n", table, flags=re.M)
    eq([p for p in parts if p.startswith("written")],
       ["written before", "written between", "written after"],
       "the program's lines in table.txt")
    check(parts[0] == "" and has_table(parts[2]) and has_table(parts[4]),
          "tables not where expected in table.txt:\n" + table)
    title, rows, footer = parse_table(parts[2])
    eq([(r["function"], r["calls"]) for r in rows], [("f", "3"), ("g", "1")],
       "rows of print_table(file=fh, limit=0)")
    title, rows, footer = parse_table(parts[4])
    eq([(r["function"], r["calls"]) for r in rows], [("f", "3")],
       "rows of print_table(fh, 'calls', 1)")
    eq(len(footer), 1, "lines saying a row was left out")
    title, rows, footer = parse_table(fd_table)
    eq([(r["function"], r["calls"]) for r in rows], [("f", "3"), ("g", "1")],
       "rows of print_table(file=fd)")
    title, rows, footer = parse_table(text)
    eq([(r["function"], r["calls"]) for r in rows], [("f", "3"), ("g", "1")],
       "rows of write(format='table')")
    # write(): the launcher's document, with the keys of stats() rows.
    check_invariants(doc)
    eq(counts(doc["functions"]), {"f": 3, "g": 1}, "calls in out.json")
    for r in o.seen["stats"]:
        eq(set(r), ROW_KEYS, "keys of a stats() row")
    for r in doc["functions"]:
        eq(set(r), ROW_KEYS, "keys of a row of out.json")
    eq(sorted(doc), sorted(launcher_doc), "keys of out.json")
    for r in launcher_doc["functions"]:
        eq(set(r), ROW_KEYS, "keys of a row of the launcher's document")
    eq(doc["python"], platform.python_version(), "python of out.json")
    eq(doc["timer"], "wall", "timer of out.json")


def merged_output(mode):
    """Runs mod_stderr_order.py with stdout and stderr on one pipe and
    Python's buffering as usual; returns what came out."""
    argv = [PYTHON] if mode == "python" else [FULLPROF, "-q", "--paused"]
    env = python_env() if mode == "python" else None
    rc, out, err = run_cmd(["/bin/sh", "-c", 'exec "$0" "$@" 2>&1'] + argv +
                           [script("mod_stderr_order.py")], env=env,
                           unset=("PYTHONUNBUFFERED",))
    eq(rc, 0, "exit status (output: %r)" % out[-1000:])
    # The table may follow a partial line ("partial: "), so not has_table().
    check(re.search(r"fullprof: \w+ timer, ", out), "no table in %r" % out)
    return out


@in_modes("python", "paused")
def print_table_after_partial_stderr_line(mode):
    out = merged_output(mode)
    check(re.search(r"^partial: fullprof: wall timer", out, re.M),
          "sys.stderr was not flushed before the table:\n" + out)


@in_modes("python", "paused")
def print_table_after_buffered_stdout(mode):
    out = merged_output(mode)
    table = re.search(r"fullprof: wall timer", out).start()
    check(out.startswith("before\n") and out.index("after") > table,
          "buffered sys.stdout output is not before the table:\n" + out)


# ------------------------------------------------------- paused, exits

@test
def paused_without_start():
    o = run_in("paused", ["exit_code.py", "0"])
    eq(o.out, "before exit\n", "stdout")
    eq(o.doc["functions"], [], "rows of the report")
    rc, out, err = run(["--paused", script("exit_code.py"), "0"])
    eq(rc, 0, "exit status")
    check(has_table(err), "no table on stderr: %r" % err[-1000:])
    title, rows, footer = parse_table(err)
    eq(rows, [], "rows of the table")
    eq(footer, [], "lines after the table")


@test
def paused_report_names_the_python():
    o = run_in("paused", ["exit_code.py", "0"])
    eq(o.doc["python"], platform.python_version(),
       "python of a report with nothing recorded")
    check(not re.search(r"Python \?", o.err), "table title: %r"
          % o.err.split("\n")[0])


@test
def paused_exit_status():
    o = run_in("paused", ["exit_code.py", "5"], expect_rc=5)
    eq(o.doc["functions"], [], "rows of the report")


@in_modes("python", "paused", "launcher")
def exit_while_recording(mode):
    for args, status in ((["3"], 3), (["0"], 0), (["0", "raise"], 1)):
        o = run_in(mode, ["mod_exit.py"] + args, expect_rc=status)
        eq(o.out, "exiting\n", "stdout of mod_exit.py %s" % " ".join(args))
        check("Segmentation" not in o.err and "Fatal" not in o.err,
              "crash: %r" % o.err[-1000:])
        if args[1:] == ["raise"]:
            check("RuntimeError: uncaught on purpose" in o.err,
                  "no traceback in %r" % o.err[-1000:])
        if o.doc is not None:
            eq(counts(o.doc["functions"]).get("work"), 2, "work calls")


if __name__ == "__main__":
    main()
