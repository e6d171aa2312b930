#!/usr/bin/env python3
"""Measures fullprof's overhead against its peers, side by side, in one run.

For each workload in bench/workloads/ it times the whole process of: the
plain interpreter, cProfile, yappi (when the interpreter can import it),
fullprof -q, fullprof --paused -q (installed, never started) and
fullprof -F no_such_function -q (recording restricted to a function that
never runs), each R times, interleaved round-robin so that a noisy machine
slows every tool alike. It prints the median and the fastest wall time of
each, the ratio of the median to plain's median, and whether fullprof's
three rows meet their overhead targets. Before timing, it runs each fullprof
mode once per workload with -o and checks the profile: exact call counts
with no option, exact counts and nothing outside the named function with
-F, no rows at all with --paused; so a profiler that skips work cannot look
fast.

The figures to quote are the ratios between tools of one run, never the
absolute times: see bench/README.md. Standard library only.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WORKLOADS = os.path.join(HERE, "workloads")

# The fullprof rows: tool name and the options before the script.
FULLPROF_MODES = [
    ("fullprof", ["-q"]),
    ("fullprof --paused", ["--paused", "-q"]),
    ("fullprof -F unused", ["-F", "no_such_function", "-q"]),
    ("fullprof -s 10ms", ["--sample=10ms", "-q"]),
    ("fullprof -s 1ms", ["--sample=1ms", "-q"]),
]

# Each fullprof row's median may be at most this many times plain's median,
# per workload.
TARGETS = {
    "fullprof": {"fib": 2.0, "async": 1.6},
    "fullprof --paused": {"fib": 1.03, "async": 1.03},
    "fullprof -F unused": {"fib": 1.3, "async": 1.3},
    "fullprof -s 10ms": {"fib": 1.03, "async": 1.03},
    "fullprof -s 1ms": {"fib": 1.10, "async": 1.10},
}

# Sizes: (fib N, async tasks, async rounds, repeats).
DEFAULT_SIZES = (30, 5000, 80, 11)
QUICK_SIZES = (27, 1000, 40, 3)

# A run longer than this many seconds is killed and its tool dropped from
# the later rounds of that workload (yappi needs ~100x plain's time on the
# default asyncio workload; timing it every round would take minutes).
DEFAULT_TIMEOUT = 10.0

# Runs the script named by argv[1] under yappi's wall clock, as cProfile's
# and fullprof's command lines do: same argv, sys.path[0] and __main__.
YAPPI_DRIVER = (
    "import os, runpy, sys, yappi; "
    "sys.argv = sys.argv[1:]; "
    "sys.path[0] = os.path.dirname(os.path.abspath(sys.argv[0])); "
    "yappi.set_clock_type(\"wall\"); yappi.start(); "
    "runpy.run_path(sys.argv[0], run_name=\"__main__\"); "
    "yappi.stop()"
)


class BenchError(Exception):
    """A failure that makes the run meaningless (exit status 1)."""


def fib(n):
    """Returns fib(n), computed iteratively."""
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def async_result(ntasks, rounds):
    """Returns what async_tasks.py prints for these sizes."""
    return sum(((w + r) & 7) + 1 + r % 3
               for w in range(ntasks) for r in range(rounds))


def cpu_model():
    """Returns the CPU model name from /proc/cpuinfo, else platform's guess."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() in ("model name", "Hardware", "cpu model"):
                    return value.strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def python_version(python):
    """Returns the full version (such as "3.11.2") of the interpreter."""
    try:
        out = subprocess.run(
            [python, "-c", "import platform; print(platform.python_version())"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        raise BenchError("cannot run %s: %s" % (python, e))
    return out.stdout.strip()


def fullprof_versions(fullprof):
    """Returns fullprof's version and its embedded Python's, from --version."""
    try:
        out = subprocess.run([fullprof, "--version"], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
    except OSError as e:
        raise BenchError("cannot run %s: %s" % (fullprof, e.strerror))
    m = re.search(r"fullprof (\S+) \(Python (\S+)\)", out.stdout)
    if out.returncode != 0 or not m:
        raise BenchError("%s --version printed %r, not \"fullprof X (Python Y)\""
                         % (fullprof, out.stdout.strip()))
    return m.group(1), m.group(2)


def find_fullprof(arg):
    """Returns the absolute path of the fullprof to measure."""
    if arg:
        path = arg
    elif os.access("fullprof", os.X_OK) and os.path.isfile("fullprof"):
        path = "fullprof"
    elif os.environ.get("FULLPROF"):
        path = os.environ["FULLPROF"]
    else:
        raise BenchError("no ./fullprof here and FULLPROF is not set: "
                         "pass --fullprof PATH (for example build/fullprof)")
    if os.sep in path or os.path.exists(path):
        path = os.path.abspath(path)
    return path


def has_yappi(python):
    """Returns whether the interpreter can import yappi."""
    return subprocess.run([python, "-c", "import yappi"],
                          stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode == 0


def make_workloads(fib_n, ntasks, rounds):
    """Returns the workloads: name, label, script path and arguments."""
    return [
        {"name": "fib", "label": "fib(%d)" % fib_n,
         "script": os.path.join(WORKLOADS, "fib.py"), "args": [str(fib_n)],
         "fib_n": fib_n},
        {"name": "async", "label": "asyncio %dx%d" % (ntasks, rounds),
         "script": os.path.join(WORKLOADS, "async_tasks.py"),
         "args": [str(ntasks), str(rounds)],
         "ntasks": ntasks, "rounds": rounds},
    ]


def make_tools(python, fullprof, yappi, bare=None):
    """Returns (tool name, function of (script, args) giving its argv)."""
    tools = [
        ("plain", lambda s, a: [python, s] + a),
        ("cProfile", lambda s, a: [python, "-m", "cProfile", "-o", os.devnull,
                                   s] + a),
    ]
    if yappi:
        tools.append(("yappi", lambda s, a: [python, "-c", YAPPI_DRIVER, s] + a))
    if bare:
        # python3 embedded as fullprof embeds it, profiling nothing: the
        # floor any embedding launcher starts from.
        tools.append(("embedded python3", lambda s, a: [bare, s] + a))
        # The same with a frame hook that does nothing: what any hook that
        # sees every Python call costs before it does any work (CPython
        # stops inlining calls). On 3.11 -F cannot do with less.
        tools.append(("embedded + hook", lambda s, a: [
            "BARE_EMBED_FRAME_HOOK=1", bare, s] + a))
    for name, opts in FULLPROF_MODES:
        tools.append((name, lambda s, a, opts=opts: [fullprof] + opts + [s] + a))
    return tools


def split_env(argv):
    """Splits leading NAME=VALUE words off argv, as a shell would; returns
    (environment for the command or None, the rest of argv)."""
    env = None
    while argv and re.match(r"^[A-Z_][A-Z0-9_]*=", argv[0]):
        if env is None:
            env = dict(os.environ)
        name, value = argv[0].split("=", 1)
        env[name] = value
        argv = argv[1:]
    return env, argv


def time_run(argv, timeout):
    """Runs argv (leading NAME=VALUE words set its environment) with its
    output discarded; returns its wall time in seconds, or None when it ran
    past timeout and was killed."""
    env, argv = split_env(argv)
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, timeout=timeout,
                              env=env)
    except subprocess.TimeoutExpired:
        return None
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        err = proc.stderr.decode(errors="replace").strip().splitlines()
        raise BenchError("%s exited with status %d%s" % (
            shlex.join(argv), proc.returncode,
            (": " + err[-1]) if err else ""))
    return elapsed


def expected_counts(w):
    """Returns the workload's expected stdout and {function: calls}."""
    if w["name"] == "fib":
        n = w["fib_n"]
        return str(fib(n)), {"fib": 2 * fib(n + 1) - 1}
    n = w["ntasks"] * w["rounds"]
    return (str(async_result(w["ntasks"], w["rounds"])),
            {"worker": w["ntasks"], "middle": n, "leaf": n, "quick": n})


def sanity_checks(w):
    """Returns the profiles to check on the workload: (fullprof row the
    check vouches for, fullprof options before -o, what to expect).

    The -F check names workload functions, so it vouches for the filter
    machinery that the "-F unused" row times with a name that never runs;
    that row's own run must record no calls."""
    want_out, want_calls = expected_counts(w)
    if w["name"] == "fib":
        # fib calls only itself: nothing else may appear.
        fcalls, fopts, extra = {"fib": want_calls["fib"]}, ["-F", "fib"], None
    else:
        # middle awaits leaf, which awaits asyncio.sleep(0): besides middle
        # and leaf only asyncio's own functions may appear, and no other
        # function of the workload (worker, quick, main, the module).
        fcalls = {"middle": want_calls["middle"], "leaf": want_calls["leaf"]}
        fopts, extra = ["-F", "middle"], "asyncio"
    return [
        ("fullprof", ["-q"], {"out": want_out, "calls": want_calls}),
        ("fullprof -F unused", ["-q"] + fopts,
         {"out": want_out, "calls": fcalls, "only": True, "extra": extra}),
        ("fullprof -F unused", ["-q", "-F", "no_such_function"],
         {"out": want_out, "no_calls": True}),
        ("fullprof --paused", ["-q", "--paused"],
         {"out": want_out, "no_rows": True}),
        ("fullprof -s 1ms", ["-q", "--sample=1ms"],
         {"out": want_out, "sampled": [f for f in want_calls
                                        if f in ("fib", "worker")]}),
    ]


def sanity(fullprof, w, opts, want, tmpdir):
    """Runs fullprof with opts and -o once on the workload and checks its
    output and the profile against want (see sanity_checks); returns (ok,
    one line saying what was run and found)."""
    out = os.path.join(tmpdir, w["name"] + ".json")
    if os.path.exists(out):
        os.unlink(out)
    argv = [fullprof] + opts + ["-o", out, w["script"]] + w["args"]
    what = "%s fullprof %s" % (w["label"], " ".join(opts))
    proc = subprocess.run(argv, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
    if proc.returncode != 0:
        err = proc.stderr.strip().splitlines()
        return False, "%s: FAILED: fullprof exited with status %d%s" % (
            what, proc.returncode, (": " + err[-1]) if err else "")
    problems = []
    if proc.stdout.strip() != want["out"]:
        problems.append("printed %r, expected %s" % (proc.stdout.strip()[:40],
                                                      want["out"]))
    try:
        with open(out) as f:
            prof = json.load(f)
    except (OSError, ValueError) as e:
        return False, "%s: FAILED: no readable profile in %s: %s" % (
            what, out, e.strerror if isinstance(e, OSError) else e)
    rows = prof.get("functions")
    if not isinstance(rows, list):
        return False, "%s: FAILED: the profile has no \"functions\" list" % what
    base = os.path.basename(w["script"])
    found = []

    if want.get("sampled"):
        # Statistical mode: the workload's function is sampled, and at 1ms
        # at least 90% of the requested samples are taken.
        counts = prof.get("samples") or {}
        req, taken = counts.get("requested", 0), counts.get("taken", 0)
        for name in want["sampled"]:
            n = sum(fn.get("samples", 0) for fn in rows
                    if fn.get("name") == name and
                    os.path.basename(fn.get("file", "")) == base)
            found.append("%s in %d samples" % (name, n))
            if n == 0:
                problems.append("%s never sampled" % name)
        share = taken / req if req else 0
        found.append("%d of %d samples taken (%.1f%%)" % (taken, req,
                                                         100 * share))
        if share < 0.9:
            problems.append("only %.1f%% of the samples taken" % (100 * share))
    elif want.get("no_rows"):
        if rows:
            problems.append("%d rows, expected none (first: %s)" % (
                len(rows), rows[0].get("name")))
        found.append("no rows")
    elif want.get("no_calls"):
        # The name never runs: its row, if any, says so, and nothing else
        # may have been recorded.
        calls = sum(fn.get("calls", 0) for fn in rows)
        if calls:
            busy = [fn.get("name") for fn in rows if fn.get("calls", 0)]
            problems.append("%d calls recorded, expected none (%s)" % (
                calls, ", ".join(map(str, busy[:5]))))
        found.append("no calls recorded")
    else:
        want_calls = want["calls"]
        got = {}
        strays = []
        for fn in rows:
            name = fn.get("name")
            path = fn.get("file", "")
            if os.path.basename(path) == base and name in want_calls:
                got[name] = got.get(name, 0) + fn.get("calls", 0)
            elif want.get("only") and not (
                    want.get("extra") and os.path.basename(
                        os.path.dirname(path)) == want["extra"]):
                strays.append("%s (%s)" % (name, os.path.basename(path)
                                           or "?"))
        for name, n in want_calls.items():
            have = got.get(name, 0)
            found.append("%s %d" % (name, have))
            if have != n:
                problems.append("%s: %d calls, expected %d" % (name, have, n))
        if strays:
            problems.append("%d rows outside %s: %s%s" % (
                len(strays), "/".join(want_calls), ", ".join(strays[:5]),
                ", ..." if len(strays) > 5 else ""))
        found = ["%s calls" % ", ".join(found)]
        if want.get("only"):
            found.append("nothing outside %s" % "/".join(want_calls)
                         + (" but %s" % want["extra"] if want.get("extra")
                            else ""))
    lost = prof.get("lost_calls", 0)
    if lost:
        problems.append("%d lost calls" % lost)
    if problems:
        return False, "%s: FAILED: %s" % (what, "; ".join(problems))
    return True, "%s: ok (%s; output %s)" % (what, "; ".join(found),
                                              want["out"])


def parse_args(argv):
    """Returns the parsed command line."""
    p = argparse.ArgumentParser(
        description="Time fullprof (profiling, --paused and -F with an "
                    "unused name) against plain python, cProfile and yappi "
                    "on the workloads in bench/workloads/, side by side.")
    p.add_argument("--python", metavar="PATH",
                   help="the interpreter for plain, cProfile and yappi "
                        "(default: /usr/bin/python3 when it is the version "
                        "fullprof embeds)")
    p.add_argument("--fullprof", metavar="PATH",
                   help="the fullprof to measure (default: ./fullprof, "
                        "else $FULLPROF)")
    p.add_argument("--bare", metavar="PATH",
                   help="python3 embedded as fullprof embeds it (make "
                        "builds bench/bare-embed): timed as one more row, "
                        "to tell what embedding costs from what fullprof "
                        "adds")
    p.add_argument("--fib", metavar="N", type=int,
                   help="fib(N) for the fib workload (default %d; %d with "
                        "--quick)" % (DEFAULT_SIZES[0], QUICK_SIZES[0]))
    p.add_argument("--repeat", metavar="R", type=int,
                   help="timed runs per tool and workload (default %d; %d "
                        "with --quick)" % (DEFAULT_SIZES[3], QUICK_SIZES[3]))
    p.add_argument("--timeout", metavar="SECONDS", type=float,
                   default=DEFAULT_TIMEOUT,
                   help="kill a run that takes longer and stop timing that "
                        "tool on that workload (default %g)" % DEFAULT_TIMEOUT)
    p.add_argument("--json", metavar="FILE",
                   help="also write the results to FILE as JSON")
    p.add_argument("--quick", action="store_true",
                   help="fewer repeats and smaller workloads, for CI smoke runs")
    p.add_argument("--check", action="store_true",
                   help="exit 1 when fullprof misses a target")
    args = p.parse_args(argv)
    if args.fib is not None and not 2 <= args.fib <= 40:
        p.error("--fib must be between 2 and 40")
    if args.repeat is not None and args.repeat < 1:
        p.error("--repeat must be at least 1")
    if args.timeout <= 0:
        p.error("--timeout must be positive")
    return args


def fmt_time(t):
    """Formats seconds for the table."""
    return "%.3fs" % t


def run(args):
    """Runs the benchmark; returns the exit status."""
    sizes = QUICK_SIZES if args.quick else DEFAULT_SIZES
    fib_n = args.fib if args.fib is not None else sizes[0]
    repeat = args.repeat if args.repeat is not None else sizes[3]

    fullprof = find_fullprof(args.fullprof)
    fp_version, fp_python = fullprof_versions(fullprof)
    warnings = []
    if args.python:
        python = args.python
        if os.sep in python:
            python = os.path.abspath(python)
        py_version = python_version(python)
        if py_version != fp_python:
            warnings.append("WARNING: %s is Python %s but fullprof embeds "
                            "Python %s; its ratios compare different "
                            "interpreters" % (python, py_version, fp_python))
    else:
        python = "/usr/bin/python3"
        py_version = python_version(python) if os.access(python, os.X_OK) \
            else None
        if py_version != fp_python:
            raise BenchError(
                "fullprof embeds Python %s but %s is %s: pass --python PATH "
                "to a Python %s interpreter" % (
                    fp_python, python, py_version or "missing", fp_python))
    yappi = has_yappi(python)

    workloads = make_workloads(fib_n, sizes[1], sizes[2])
    tools = make_tools(python, fullprof, yappi, args.bare)
    now = datetime.datetime.now().astimezone()

    print("fullprof overhead benchmark, %s" % now.strftime("%Y-%m-%d %H:%M:%S %Z"))
    print("cpu:      %s (%d cpus, load average %.2f at start)" % (
        cpu_model(), os.cpu_count() or 0, os.getloadavg()[0]))
    print("python:   %s (Python %s)" % (python, py_version))
    print("fullprof: %s (fullprof %s, Python %s)" % (fullprof, fp_version,
                                                     fp_python))
    if not yappi:
        print("yappi:    not importable in %s, skipped" % python)
    for line in warnings:
        print(line)
    print("runs:     %d timed per tool and workload after one warm-up, "
          "round-robin; wall time of the whole process; timeout %gs"
          % (repeat, args.timeout))
    print("commands:")
    for w in workloads:
        for name, cmd in tools:
            print("  %-18s %s" % (name, shlex.join(cmd(w["script"],
                                                      w["args"]))))
    sys.stdout.flush()

    # Check first that fullprof does the work, so a broken build fails fast.
    # insane holds the fullprof rows whose check failed.
    insane = set()
    sanity_lines = []
    sanity_docs = []
    with tempfile.TemporaryDirectory(prefix="fullprof-bench-") as tmpdir:
        for w in workloads:
            for tool, opts, want in sanity_checks(w):
                ok, line = sanity(fullprof, w, opts, want, tmpdir)
                if not ok:
                    insane.add(tool)
                sanity_lines.append(line)
                sanity_docs.append({"workload": w["name"], "tool": tool,
                                    "options": opts, "ok": ok, "line": line})
                print("sanity:   %s" % line)
                sys.stdout.flush()
    sane = not insane

    # times[workload][tool] is the list of timed runs; a tool that ran past
    # the timeout is in timed_out and is not run again on that workload.
    times = {w["name"]: {t: [] for t, _ in tools} for w in workloads}
    timed_out = {w["name"]: set() for w in workloads}
    started = time.perf_counter()
    for rnd in range(repeat + 1):
        for w in workloads:
            # Rotate the order each round so no tool always runs first.
            order = tools[rnd % len(tools):] + tools[:rnd % len(tools)]
            for name, cmd in order:
                if name in timed_out[w["name"]]:
                    continue
                t = time_run(cmd(w["script"], w["args"]), args.timeout)
                if t is None:
                    timed_out[w["name"]].add(name)
                    if name == "plain":
                        raise BenchError("plain python ran past the %gs "
                                         "timeout on %s" % (args.timeout,
                                                            w["label"]))
                elif rnd > 0:
                    times[w["name"]][name].append(t)
        print("round %d/%d done (%.0fs)" % (rnd, repeat,
                                            time.perf_counter() - started)
              if rnd else "warm-up done (%.0fs)"
              % (time.perf_counter() - started), file=sys.stderr)

    # The table.
    results = []
    print()
    print("%-18s %-18s %5s %9s %9s %8s" % ("workload", "tool", "runs",
                                            "median", "min", "ratio"))
    for w in workloads:
        base = statistics.median(times[w["name"]]["plain"])
        rows = {}
        for name, cmd in tools:
            ts = times[w["name"]][name]
            row = {"command": cmd(w["script"], w["args"]), "times": ts,
                   "timed_out": name in timed_out[w["name"]]}
            if ts:
                row["median"] = statistics.median(ts)
                row["min"] = min(ts)
                row["ratio"] = row["median"] / base
                cells = (fmt_time(row["median"]), fmt_time(row["min"]),
                         "%.2fx" % row["ratio"])
            else:
                row["median"] = row["min"] = row["ratio"] = None
                cells = (">%gs" % args.timeout, "-",
                         ">%.0fx" % (args.timeout / base))
            note = ""
            if row["timed_out"]:
                note = "  (killed after %gs%s)" % (
                    args.timeout, "" if not ts else
                    "; %d of %d runs" % (len(ts), repeat))
            if name in insane:
                note += "  (INVALID: sanity check failed)"
            print("%-18s %-18s %5d %9s %9s %8s%s" % (
                (w["label"], name, len(ts)) + cells + (note,)))
            rows[name] = row
        results.append({"workload": w["name"], "label": w["label"],
                        "script": w["script"], "args": w["args"],
                        "tools": rows})

    # The targets.
    print()
    missed = False
    targets = []
    for tool, _ in FULLPROF_MODES:
        for res in results:
            limit = TARGETS[tool][res["workload"]]
            ratio = res["tools"][tool]["ratio"]
            ok = tool not in insane
            met = ok and ratio is not None and ratio <= limit
            missed = missed or not met
            targets.append({"workload": res["workload"], "tool": tool,
                            "limit": limit, "ratio": ratio, "met": met})
            floor = res["tools"].get("embedded + hook", {}).get("ratio")
            print("target:   %-18s %-18s <= %.2fx plain: %s, %s%s" % (
                res["label"], tool, limit,
                "%.2fx" % ratio if ratio is not None else "timed out",
                "met" if met else
                "NOT MET" + ("" if ok else " (sanity failed)"),
                "; an empty frame hook alone: %.2fx" % floor
                if tool == "fullprof -F unused" and floor else ""))
    for line in warnings:
        print(line)
    print("elapsed:  %.0fs" % (time.perf_counter() - started))

    if args.json:
        doc = {
            "date": now.isoformat(timespec="seconds"),
            "cpu": cpu_model(), "cpus": os.cpu_count(),
            "python": {"path": python, "version": py_version},
            "fullprof": {"path": fullprof, "version": fp_version,
                         "python": fp_python},
            "yappi": yappi, "repeat": repeat, "quick": args.quick,
            "timeout": args.timeout, "warnings": warnings,
            "sanity": {"ok": sane, "lines": sanity_lines,
                       "checks": sanity_docs},
            "results": results, "targets": targets,
        }
        try:
            with open(args.json, "w") as f:
                json.dump(doc, f, indent=2)
                f.write("\n")
        except OSError as e:
            raise BenchError("cannot write %s: %s" % (args.json, e.strerror))

    if not sane:
        return 1
    if args.check and missed:
        return 1
    return 0


def main(argv=None):
    """Entry point; returns the exit status."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return run(args)
    except BenchError as e:
        print("run.py: %s" % e, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
