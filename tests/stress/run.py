"""run.py: fullprof's stress tests (tests/stress/*.py), with exact counts
and bounded memory.

Each stress program takes a scale N, does its work, and prints on its
last line of standard output a JSON object: "calls" (function name ->
the exact number of calls the profile must show), optionally
"primitive" (name -> primitive calls), "at_most" (name -> an upper bound)
and "paths" (about how many distinct call paths the profile holds).

Every test runs at N/10 and at N, three ways each: with python3, with
"fullprof --paused" (the same process recording nothing: the baseline;
$FULLPROF_STRESS_BASELINE is set, so start_stop.py does not start
recording) and profiled (fullprof -q -o FILE.json). The profile must show
exactly the calls the program made, at both scales. Memory: the
profiler's share of the peak RSS (profiled minus baseline at the same
scale) may grow from N/10 to N only with what the program keeps
alive at once (call paths, suspended coroutines, threads), never with
the number of calls: at most PATH_BYTES per added path and LIVE_BYTES per
added live object, plus SLACK. Some tests also bound, at N, the profiled
run's time or peak RSS as a multiple of python3's (loosely: the machine
may be busy). A program that prints {"skip": WHY} (it needs a package
that is not installed) is skipped. A line per test gives the counts
verified, the peak RSS of each run and the times; the exit status is 1 if
any test failed.

    python3 tests/stress/run.py [--fullprof PATH] [--quick] [TEST...]

--quick runs at N/10 and N/100 instead (for a fast look); TEST picks
tests by name. $FULLPROF and $PYTHON give the defaults of --fullprof and
the python3 baseline (the one fullprof embeds).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.realpath(__file__))

PATH_BYTES = 2048    # per call path: a tree node, its hash link, its row
LIVE_BYTES = 512     # per suspended activation or thread alive at once
SLACK = 24 << 20     # allocator noise, slabs, the report's buffers

# name, program, full N, extra fullprof options, how many objects are
# alive at once at scale n (beyond call paths), per-test timeout (s), and
# optionally a dict of bounds at N: "time" (profiled seconds over
# python3's) and "rss" (profiled peak RSS over python3's).
TESTS = [
    ("threads64", "threads64.py", 100000, [], lambda n: 64, 600),
    ("asyncio_tasks", "asyncio_tasks.py", 100000, [], lambda n: n, 600),
    ("deep_recursion", "deep_recursion.py", 50000, [], lambda n: 0, 600),
    ("many_functions", "many_functions.py", 200000, [], lambda n: 0, 900),
    ("start_stop", "start_stop.py", 10000, ["--paused"], lambda n: 0, 600),
    ("throw_into", "throw_into.py", 100000, [], lambda n: 0, 600),
    # Ended threads' records are freed (threads beyond the first 256 to
    # end share a call tree per name pattern): 40,000 threads within 2x
    # of python3's peak RSS.
    ("short_threads", "short_threads.py", 40000, [], lambda n: 8, 900,
     {"rss": 2.0}),
    ("deep_chain", "deep_chain.py", 20000, [], lambda n: 0, 900),
    # fullprof.clear() inside a running generator and coroutine frees the
    # activation records open on the stack.
    ("clear_in_generator", "clear_in_generator.py", 400000, [],
     lambda n: 0, 600, {"rss": 1.5}),
    # A greenlet per job, 100 alive: within 2x of python3's time on a
    # quiet machine (3x asserted), memory bounded.
    ("gevent_pool", "gevent_pool.py", 120000, [], lambda n: 100, 900,
     {"time": 3.0, "rss": 2.0}),
]


# Started by measure(): forks and execs the command, waits for it and
# writes its exit status and peak RSS to the file named first. Linux
# carries a process's peak RSS across exec(), so a child execed straight
# from this runner (grown by the JSON it reads) would report at least the
# runner's size; a child forked from this small helper starts afresh.
HELPER = r"""
import os, sys
pid = os.fork()
if pid == 0:
    try:
        os.execv(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    f.write("%d %d\n" % (os.waitstatus_to_exitcode(status), ru.ru_maxrss))
"""


def measure(argv, timeout, env):
    """Runs argv; returns (status, stdout, stderr, peak RSS in KiB,
    seconds); the status is None when it timed out."""
    with tempfile.TemporaryFile() as out, \
            tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r") as res:
        t0 = time.monotonic()
        p = subprocess.Popen([sys.executable, "-I", "-S", "-c", HELPER,
                              res.name] + argv, stdin=subprocess.DEVNULL,
                             stdout=out, stderr=err, env=env,
                             start_new_session=True)
        try:
            p.wait(timeout)
            code, rss = (int(x) for x in res.read().split())
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, 9)
            p.wait()
            code, rss = None, 0
        secs = time.monotonic() - t0
        out.seek(0)
        err.seek(0)
        return (code, out.read().decode("utf-8", "replace"),
                err.read().decode("utf-8", "replace"), rss, secs)


def expectations(stdout):
    """Returns the JSON object on the last line of a program's stdout."""
    lines = [ln for ln in stdout.split("\n") if ln.strip()]
    if not lines:
        raise ValueError("no expectations printed")
    return json.loads(lines[-1])


def verify(doc, want):
    """Compares a fullprof JSON document with a program's expectations;
    returns (number of counts verified, list of mismatches)."""
    by = {}
    for r in doc["functions"]:
        by.setdefault(r["name"], []).append(r)
    bad = []
    n = 0
    for name, calls in want["calls"].items():
        rows = by.get(name, [])
        got = sum(r["calls"] for r in rows)
        if got != calls:
            bad.append("%s: %d calls, expected %d" % (name, got, calls))
        n += 1
    for name, prim in want.get("primitive", {}).items():
        got = sum(r["primitive_calls"] for r in by.get(name, []))
        if got != prim:
            bad.append("%s: %d primitive calls, expected %d" % (name, got,
                                                               prim))
        n += 1
    for name, most in want.get("at_most", {}).items():
        got = sum(r["calls"] for r in by.get(name, []))
        if got > most:
            bad.append("%s: %d calls, at most %d" % (name, got, most))
        n += 1
    for r in doc["functions"]:
        if r["primitive_calls"] > r["calls"] or r["own"] < 0 or \
                r["total"] < 0 or r["suspended"] > r["total"] + 2e-9:
            bad.append("row %s broken: %r" % (r["name"], r))
            break
    if doc.get("lost_calls"):
        bad.append("lost_calls %r" % doc["lost_calls"])
    return n, bad


def run_one(fullprof, python, name, prog, n, opts, timeout):
    """Runs prog at scale n with python3, with "fullprof --paused" (the
    baseline: the same process, recording nothing) and profiled; returns
    a dict of the figures, with "errors" listing what went wrong."""
    path = os.path.join(HERE, prog)
    res = {"n": n, "errors": []}
    runs = (("plain", [python, path, str(n)]),
            ("base", [fullprof, "-q", "--paused", path, str(n)]))
    for what, argv in runs:
        env = dict(os.environ, FULLPROF_STRESS_BASELINE="1")
        code, out, err, rss, secs = measure(argv, timeout, env)
        res[what + "_rss"], res[what + "_s"] = rss, secs
        if code != 0:
            res["errors"].append("%s %s %d: status %r: %s" % (
                os.path.basename(argv[0]), prog, n, code,
                err.strip()[-300:]))
            return res
        if what == "plain":
            want = expectations(out)
            if "skip" in want:
                res["skip"] = want["skip"]
                return res
    res["paths"] = want.get("paths", 0)
    fd, js = tempfile.mkstemp(prefix="fp-stress-", suffix=".json")
    os.close(fd)
    try:
        code, out, err, rss, secs = measure(
            [fullprof, "-q", "-o", js] + opts + [path, str(n)], timeout,
            os.environ)
        res["prof_rss"], res["prof_s"] = rss, secs
        if code != 0:
            res["errors"].append("fullprof %s %d: status %r: %s" % (
                prog, n, code, err.strip()[-300:]))
            return res
        if err.strip():
            res["errors"].append("fullprof %s %d wrote to stderr: %s" % (
                prog, n, err.strip()[-300:]))
        with open(js, encoding="utf-8") as f:
            doc = json.load(f)
    finally:
        os.unlink(js)
    if expectations(out) != want:
        res["errors"].append("the program's output differs under fullprof")
    res["verified"], bad = verify(doc, want)
    res["errors"] += bad[:5]
    return res


def mib(kib):
    return "%.1f" % (kib / 1024.0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fullprof", default=os.environ.get("FULLPROF") or
                    "fullprof")
    ap.add_argument("--python", default=os.environ.get("PYTHON") or
                    sys.executable)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("tests", nargs="*")
    args = ap.parse_args()
    chosen = [t for t in TESTS if not args.tests or t[0] in args.tests]
    if not chosen:
        ap.error("no test named %s" % " ".join(args.tests))
    print("%-14s %7s %8s | %-22s | %-14s | %-16s | %s" % (
        "test", "N", "verified", "peak RSS MiB at N:", "time s at N:",
        "profiler's RSS", "N/10: RSS MiB, time s"))
    print("%-14s %7s %8s | %-22s | %-14s | %-16s | %s" % (
        "", "", "", "python3/paused/profiled", "python3/profiled",
        "MiB at N/10 -> N", "python3/paused/profiled, profiled"))
    failed = 0
    for name, prog, full, opts, live, timeout, *more in chosen:
        bounds = more[0] if more else {}
        big = full // 10 if args.quick else full
        small = big // 10
        a = run_one(args.fullprof, args.python, name, prog, small, opts,
                    timeout)
        if "skip" in a:
            print("SKIP %s: %s" % (name, a["skip"]))
            continue
        b = run_one(args.fullprof, args.python, name, prog, big, opts,
                    timeout) if not a["errors"] else {"errors": ["skipped"]}
        errors = a["errors"] + b["errors"]
        if not errors:
            if "time" in bounds and \
                    b["prof_s"] > bounds["time"] * b["plain_s"]:
                errors.append("profiled run took %.2f s at N=%d, more than "
                              "%.1fx python3's %.2f s" % (
                                  b["prof_s"], big, bounds["time"],
                                  b["plain_s"]))
            if "rss" in bounds and \
                    b["prof_rss"] > bounds["rss"] * b["plain_rss"]:
                errors.append("profiled peak RSS %s MiB at N=%d, more than "
                              "%.1fx python3's %s MiB" % (
                                  mib(b["prof_rss"]), big, bounds["rss"],
                                  mib(b["plain_rss"])))
            over_a = max(a["prof_rss"] - a["base_rss"], 0) * 1024
            over_b = max(b["prof_rss"] - b["base_rss"], 0) * 1024
            allowed = over_a + SLACK + \
                PATH_BYTES * max(b["paths"] - a["paths"], 0) + \
                LIVE_BYTES * max(live(big) - live(small), 0)
            if over_b > allowed:
                errors.append(
                    "the profiler's memory grew from %s MiB at N=%d to %s "
                    "MiB at N=%d (allowed %s MiB)" % (
                        mib(over_a / 1024), small, mib(over_b / 1024), big,
                        mib(allowed / 1024)))
            print("%-14s %7d %8d | %6s/%6s/%6s   | %6.2f/%6.2f  | "
                  "%6s -> %6s | %s/%s/%s, %.2f" % (
                      name, big, a["verified"] + b["verified"],
                      mib(b["plain_rss"]), mib(b["base_rss"]),
                      mib(b["prof_rss"]), b["plain_s"], b["prof_s"],
                      mib(over_a / 1024), mib(over_b / 1024),
                      mib(a["plain_rss"]), mib(a["base_rss"]),
                      mib(a["prof_rss"]), a["prof_s"]))
        if errors:
            failed += 1
            print("FAIL %s:\n  %s" % (name, "\n  ".join(errors)))
        sys.stdout.flush()
    print("%d passed, %d failed" % (len(chosen) - failed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
