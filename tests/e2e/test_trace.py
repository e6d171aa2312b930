#!/usr/bin/env python3
"""End-to-end tests of the trace output (Chrome trace events): a coroutine's
activation spans its await gaps, running segments and calls nest per
thread, threads are named, --trace-min drops short events, and a trace
asked of a profile without a timeline fails clearly."""
import json
import os

from fptest import TempDir, check, eq, main, run, script, test


def trace_of(args, name="t.trace.json"):
    """Profiles trace_mix.py with args; returns the parsed trace."""
    with TempDir() as d:
        path = os.path.join(d, name)
        rc, out, err = run(["-q", "-o", path] + args +
                           [script("trace_mix.py")])
        eq(rc, 0, "exit status (%s)" % err[-500:])
        with open(path, encoding="utf-8") as f:
            return json.load(f)


@test
def document_shape():
    doc = trace_of([])
    check(isinstance(doc["traceEvents"], list), "traceEvents is a list")
    eq(doc["displayTimeUnit"], "ms", "displayTimeUnit")
    eq(doc["otherData"]["dropped_events"], 0, "dropped events")
    for e in doc["traceEvents"]:
        check(e["ph"] in ("M", "X", "b", "e"), "phase %r" % e["ph"])
        for key in ("name", "pid", "tid"):
            check(key in e, "%s in %r" % (key, e))
        if e["ph"] in ("X", "b", "e"):
            check(e["ts"] >= 0, "ts >= 0 in %r" % e)
        if e["ph"] == "X":
            check(e["dur"] >= 0, "dur >= 0 in %r" % e)


@test
def threads_are_named():
    doc = trace_of([])
    names = {e["args"]["name"] for e in doc["traceEvents"] if e["ph"] == "M"}
    check("MainThread" in names and "bg-worker" in names,
          "thread names %r" % names)


@test
def coroutine_spans_show_the_await_gaps():
    doc = trace_of([])
    ev = [e for e in doc["traceEvents"] if e["name"] == "waiter"]
    begins = [e for e in ev if e["ph"] == "b"]
    ends = {e["id"]: e for e in ev if e["ph"] == "e"}
    eq(len(begins), 2, "waiter activations")
    for b in begins:
        e = ends[b["id"]]
        span = e["ts"] - b["ts"]
        check(span >= 100000 * 0.9, "span %.0fus covers both sleeps" % span)
        running = [x for x in ev if x["ph"] == "X" and x["tid"] == b["tid"]
                   and b["ts"] <= x["ts"] <= e["ts"]]
        busy = sum(x["dur"] for x in running)
        check(len(running) >= 3, "segments %d (start, after each await)"
              % len(running))
        check(span - busy >= 100000 * 0.8, "gaps %.0fus (waiting at await)"
              % (span - busy))


@test
def calls_nest_per_thread():
    doc = trace_of([])
    by_tid = {}
    for e in doc["traceEvents"]:
        if e["ph"] == "X":
            by_tid.setdefault(e["tid"], []).append(e)
    for tid, evs in by_tid.items():
        evs.sort(key=lambda x: (x["ts"], -x["dur"]))
        stack = []
        for e in evs:
            end = e["ts"] + e["dur"]
            while stack and stack[-1] <= e["ts"] + 0.0005:
                stack.pop()
            check(not stack or end <= stack[-1] + 0.002,
                  "event %r overlaps its parent on thread %s" % (e, tid))
            stack.append(end)


@test
def trace_min_drops_short_events():
    full = trace_of([])
    short = trace_of(["--trace-min=20ms"])
    xs = [e for e in short["traceEvents"] if e["ph"] == "X"]
    check(len(xs) < len([e for e in full["traceEvents"] if e["ph"] == "X"]),
          "fewer events with --trace-min")
    check(all(e["dur"] >= 20000 for e in xs), "every kept call >= 20ms")
    check(any(e["name"] == "background" for e in xs), "background (30ms) kept")


@test
def format_by_name_and_by_option():
    doc = trace_of(["-f", "trace"], name="plain-name.txt")
    check(len(doc["traceEvents"]) > 0, "-f trace writes a trace")


@test
def bad_trace_min_is_a_usage_error():
    for bad in ("", "abc", "-1ms", "5", "1 ms"):
        rc, out, err = run(["--trace-min=" + bad, "-c", "pass"])
        eq(rc, 2, "exit status for %r" % bad)
        check("--trace-min" in err or "duration" in err, "message %r" % err)


@test
def report_of_a_profile_without_timeline():
    with TempDir() as d:
        prof = os.path.join(d, "x.fprof")
        rc, out, err = run(["-q", "-o", prof, "-c", "pass"])
        eq(rc, 0, "run status")
        rc, out, err = run(["report", "-q", "-o",
                            os.path.join(d, "y.trace.json"), prof])
        check(rc != 0, "report of a trace without timeline fails")
        check("no timeline" in err, "message %r" % err)


if __name__ == "__main__":
    main()
