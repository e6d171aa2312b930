"""test_sync.py: synchronous code, recursion, generators, builtins, timers
and names.

Every profile read here is also checked for the invariants that hold for
every row (fptest.check_invariants): numbers >= 0, min <= mean <= max,
0 <= own <= total when not recursive.
"""
import json
import os
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fptest import (approx, check, check_invariants, eq, main, profile,
                    profile_run, row, rows, run_python, script, skip,
                    test, timing_check)


def small(value, limit=0.05, what="value"):
    check(0 <= value < limit, "%s = %r, expected in [0, %r)" % (
        what, value, limit))


@test
def call_chain():
    doc = profile("chain.py")
    a, b, c = row(doc, "a"), row(doc, "b"), row(doc, "c")
    for name, r in (("a", a), ("b", b), ("c", c)):
        eq(r["calls"], 1, "%s calls" % name)
        eq(r["suspended"], 0, "%s suspended" % name)
    # Each body spins until perf_counter has moved its share: an exact
    # lower bound. Preempted at the end of its spin (two CPU hogs per core
    # and more), a body overshoots by a time slice or more, so the upper
    # bound is only generous.
    for what, got, least in (("a own", a["own"], 0.05),
                             ("b own", b["own"], 0.10),
                             ("c own", c["own"], 0.15),
                             ("a total", a["total"], 0.30),
                             ("b total", b["total"], 0.25),
                             ("c total", c["total"], 0.15)):
        timing_check(least - 1e-4 <= got <= least + 1.0, "%s = %r, "
                     "expected at least %r (a little more under load)"
                     % (what, got, least))
    # Inclusive times nest exactly: a's total is its own plus b's total.
    approx(a["total"], a["own"] + b["total"], 0, 0.002,
           what="a total - (a own + b total)")
    approx(b["total"], b["own"] + c["total"], 0, 0.002,
           what="b total - (b own + c total)")


@test
def own_times_add_up_to_duration():
    # Every moment a thread spends in Python functions is some function's
    # own time, so the own times add up to the threads' totals, and the
    # chain's own times to a's total, which is the wall time the program
    # itself measured around a() (~0.3s, however long the spinning takes
    # on a busy machine). The report's duration also covers the
    # interpreter's start-up before the script's first line and its
    # teardown after the last, outside any function: under load (two CPU
    # hogs per core) that alone reached 20% of the duration, so the
    # duration is only an upper bound here.
    fd, path = tempfile.mkstemp(prefix="fptest-span-")
    os.close(fd)
    try:
        doc = profile(["chain.py", path])
        with open(path) as f:
            span = float(f.read())
    finally:
        os.unlink(path)
    own = sum(r["own"] for r in doc["functions"])
    threads = sum(t["total"] for t in doc["threads"])
    d = doc["duration"]
    check(span > 0.29, "the program's own span %r" % span)
    timing_check(abs(own - threads) <= 1e-6 + 1e-4 * threads,
                 "sum of own %r vs the threads' totals %r" % (own, threads))
    timing_check(threads <= d + 1e-6, "threads' totals %r exceed the "
                 "duration %r" % (threads, d))
    chain = [row(doc, n, "chain.py") for n in ("a", "b", "c")]
    chain_own = sum(r["own"] for r in chain)
    timing_check(abs(chain_own - chain[0]["total"]) <= 1e-6 + 1e-4 * span,
                 "own of a, b, c %r vs a's total %r" % (chain_own,
                                                        chain[0]["total"]))
    # a's total lies inside the program's span; the two differ by the
    # call and return alone, unless the process was preempted right there.
    timing_check(chain[0]["total"] <= span * 1.001 + 1e-4 and
                 span - chain[0]["total"] <= 0.02 + 0.02 * span,
                 "a total %r vs the program's own span %r: %.1f%% apart" % (
                     chain[0]["total"], span,
                     100 * abs(span - chain[0]["total"]) / span))


@test
def recursion():
    doc = profile("fib.py")
    f = row(doc, "fib")
    eq(f["calls"], 1973, "fib calls")
    eq(f["primitive_calls"], 1, "fib primitive_calls")
    check(f["min"] <= f["mean"] <= f["max"], "fib min/mean/max")
    check(f["total"] <= row(doc, "<module>", "fib.py")["total"] + 1e-6,
          "fib total %r counted more than once (module total %r)" % (
              f["total"], row(doc, "<module>", "fib.py")["total"]))
    # The clock reads around each of the 1973 calls may be a few ns out of
    # order (rdtsc is not serialising): a hair of slack, no more.
    check(f["own"] <= f["total"] * 1.01 + 1e-6, "fib own > total")
    eq(row(doc, "mutual_even")["calls"], 11, "mutual_even calls")
    eq(row(doc, "mutual_even")["primitive_calls"], 1, "mutual_even prim")
    eq(row(doc, "mutual_odd")["calls"], 10, "mutual_odd calls")
    eq(row(doc, "mutual_odd")["primitive_calls"], 1, "mutual_odd prim")


@test
def exceptions_unwinding_frames():
    r = profile_run("unwind.py")
    for name in ("level1", "level2", "level3"):
        eq(row(r.doc, name)["calls"], 5, "%s calls" % name)
        eq(row(r.doc, name)["primitive_calls"], 5, "%s primitive" % name)
    w = row(r.doc, "walk")
    eq(w["calls"], 7, "walk calls (7 nodes, yield from)")
    eq(w["primitive_calls"], 1, "walk primitive_calls")
    # down() counts how often its body ran before RecursionError: a frame
    # refused by the recursion limit never ran and is not an activation
    # (cProfile agrees with the program's own count).
    depth = int(r.out)
    d = row(r.doc, "down")
    eq(d["primitive_calls"], 1, "down primitive_calls")
    eq(d["calls"], depth, "down calls (the program counted %d)" % depth)


@test
def deep_recursion_like_python():
    prc, pout, perr = run_python([script("deep_recursion.py")])
    if prc != 0:
        skip("python3 itself cannot recurse 30000 deep here")
    r = profile_run("deep_recursion.py")
    eq(r.out, pout, "stdout")
    d = row(r.doc, "down")
    eq(d["calls"], 30001, "down calls")
    eq(d["primitive_calls"], 1, "down primitive_calls")


@test
def generator_in_for_loop():
    doc = profile("gen.py")
    eq(row(doc, "count_up")["calls"], 1, "count_up calls (100 items)")
    eq(row(doc, "count_up")["primitive_calls"], 1, "count_up primitive")
    eq(row(doc, "squares")["calls"], 4, "squares calls (4 generators)")


@test
def generators_closed_abandoned_or_left():
    doc = profile("gen_close.py")
    eq(row(doc, "closed_early")["calls"], 1, "closed_early calls")
    eq(row(doc, "abandoned")["calls"], 1, "abandoned calls")
    eq(row(doc, "left_at_exit")["calls"], 1, "left_at_exit calls")
    n = rows(doc, "never_started")
    check(not n or n[0]["calls"] in (0, 1), "never_started %r" % n)


@test
def exception_thrown_into_generator():
    doc = profile("gen_throw.py")
    eq(row(doc, "resilient")["calls"], 1, "resilient calls")
    eq(row(doc, "fragile")["calls"], 1, "fragile calls")


@test
def builtins_rows():
    doc = profile("sleep_builtin.py", ["--builtins"])
    s = row(doc, "<built-in method time.sleep>")
    eq(s["file"], "~", "file")
    eq(s["line"], 0, "line")
    eq(s["calls"], 1, "time.sleep calls")
    # time.sleep(0.1) never ends early; it may wake late on a busy
    # machine: an exact lower bound and a generous upper one.
    timing_check(0.1 - 1e-3 <= s["total"] <= 1.5, "time.sleep total %r, "
                 "expected at least 0.1" % s["total"])
    approx(s["own"], s["total"], 0, 1e-6, what="time.sleep own")
    n = row(doc, "napper")
    timing_check(s["total"] <= n["total"] <= s["total"] + 0.05,
                 "napper total %r, time.sleep's %r" % (n["total"],
                                                      s["total"]))
    small(n["own"], 0.02, "napper own (the sleep is time.sleep's)")


CPROFILE_BUILTINS = r"""
import cProfile, json, pstats, sys
path = sys.argv[1]
pr = cProfile.Profile()
code = compile(open(path).read(), path, "exec")
pr.enable()
exec(code, {"__name__": "__main__"})
pr.disable()
out = {}
for (file, line, name), v in pstats.Stats(pr).stats.items():
    callers = v[4]
    if file == "~" and any(c[2] == "use_builtins" for c in callers):
        out[name] = callers[[c for c in callers
                             if c[2] == "use_builtins"][0]][1]
json.dump(out, sys.stdout)
"""


# C functions that nothing but builtins_mix.py calls, on every version.
EXACT_BUILTINS = ("<built-in method math.sqrt>", "<built-in method time.sleep>",
                  "<built-in method builtins.sorted>")


@test
def builtins_named_and_counted_like_cprofile():
    rc, out, err = run_python(["-c", CPROFILE_BUILTINS,
                               script("builtins_mix.py")])
    eq(rc, 0, "cProfile run status (%s)" % err[-300:])
    expected = json.loads(out)
    check(len(expected) >= 6, "cProfile saw only %r" % expected)
    doc = profile("builtins_mix.py", ["--builtins"])
    got = {r["name"]: r for r in doc["functions"] if r["file"] == "~"}
    for name in EXACT_BUILTINS:
        check(name in expected, "cProfile has no row %r" % name)
    for name, calls in sorted(expected.items()):
        check(name in got, "no row %r (C rows: %s)" % (name, sorted(got)))
        eq(got[name]["line"], 0, "%s line" % name)
        if name not in EXACT_BUILTINS:
            # Also called by the import system, how often depending on
            # the Python version: at least the program's own calls.
            check(got[name]["calls"] >= calls, "%s calls = %d, expected at "
                  "least %d" % (name, got[name]["calls"], calls))
            continue
        eq(got[name]["calls"], calls, "%s calls" % name)


@test
def builtins_when_the_program_sets_its_own_profiler():
    # sys.setprofile(None) and cProfile replace the hook --builtins uses;
    # the Python functions' figures must stay right all the same.
    r = profile_run("setprofile_off.py", ["--builtins"])
    doc, spans = r.doc, json.loads(r.out)
    eq(row(doc, "g")["calls"], 10, "g calls")
    eq(row(doc, "f")["calls"], 1, "f calls")
    # f() sleeps 5 x 10ms, h() 2 x 10ms: those are exact lower bounds. On
    # a busy machine each wake-up may come late, so the upper bound is the
    # span the program measured itself around the call (plus the call and
    # return, unless preempted right there), not the nominal sleep.
    for name, least in (("f", 0.05), ("h", 0.02)):
        total = row(doc, name)["total"]
        timing_check(least - 1e-3 <= total <= spans[name] * 1.001 + 1e-4
                     and spans[name] - total <= 0.02 + 0.05 * spans[name],
                     "%s total %r, expected at least %r and just under "
                     "the program's own %r" % (name, total, least,
                                               spans[name]))
    for name in ("<built-in method sys.setprofile>",
                 "<method 'enable' of '_lsprof.Profiler' objects>",
                 "<method 'disable' of '_lsprof.Profiler' objects>"):
        for r in rows(doc, name):
            check(r["total"] < 0.02, "%s total %r: it never returned?" % (
                name, r["total"]))


@test
def no_builtins_by_default():
    doc = profile("sleep_builtin.py")
    eq([r["name"] for r in doc["functions"] if r["file"] == "~"], [],
       "C function rows without --builtins")
    n = row(doc, "napper")
    # Its time.sleep(0.1) is its own here: at least 0.1s, more when the
    # wake-up comes late on a busy machine.
    timing_check(0.1 - 1e-3 <= n["own"] <= 1.5, "napper own %r, expected "
                 "at least 0.1" % n["own"])


@test
def cpu_timer():
    doc = profile("cpu_burn.py", ["--timer=cpu"])
    eq(doc["timer"], "cpu", "timer")
    w = row(doc, "worker")
    approx(w["total"], 0.1, 0.4, 0.04, what="worker total (CPU)")
    eq(w["suspended"], 0, "worker suspended")
    approx(row(doc, "burn")["own"], 0.1, 0.4, 0.04, what="burn own (CPU)")
    doc = profile("sleep_builtin.py", ["-t", "cpu"])
    small(row(doc, "napper")["total"], 0.05, "napper CPU total")
    eq(row(doc, "napper")["suspended"], 0, "napper suspended")


@test
def process_timer():
    doc = profile("cpu_burn.py", ["--timer=process"])
    eq(doc["timer"], "process", "timer")
    approx(row(doc, "worker")["total"], 0.1, 0.4, 0.05,
           what="worker total (process)")
    doc = profile("sleep_builtin.py", ["-t", "process"])
    small(row(doc, "napper")["total"], 0.05, "napper process total")


@test
def wall_timer_counts_sleep():
    doc = profile("cpu_burn.py", ["-t", "wall"])
    eq(doc["timer"], "wall", "timer")
    # burn() takes 0.1s of CPU, longer on a busy machine; then 0.1s asleep.
    w, b = row(doc, "worker"), row(doc, "burn")
    check(w["total"] >= 0.18, "worker total (wall) %r, expected 0.2 (more "
          "on a busy machine)" % w["total"])
    # The 0.1s asleep is an exact lower bound; it may end late under load.
    timing_check(0.1 - 1e-3 <= w["total"] - b["total"] <= 1.5,
                 "worker total - burn total (wall) %r, expected at least "
                 "0.1" % (w["total"] - b["total"]))


@test
def wall_timer_named():
    doc = profile("fib.py", ["-t", "wall"])
    eq(doc["timer"], "wall", "timer")


@test
def invariants_under_every_timer():
    for timer in ("wall", "cpu", "process"):
        for name in ("chain.py", "fib.py", "gen_close.py", "gen_throw.py",
                     "names.py"):
            doc = profile(name, ["--timer=" + timer, "--builtins"],
                          check=False)
            try:
                check_invariants(doc)
            except AssertionError as e:
                raise AssertionError("%s --timer=%s: %s" % (name, timer, e))


@test
def qualified_names():
    doc = profile("names.py")
    for name, calls in (("Klass.method", 1), ("Klass.cmethod", 1),
                        ("Klass.smethod", 1), ("Klass.prop", 1),
                        ("Klass.Inner.deep", 1), ("outer", 2),
                        ("outer.<locals>.inner", 2), ("<lambda>", 1)):
        eq(row(doc, name, "names.py")["calls"], calls, "%s calls" % name)
    eq(row(doc, "Klass.method", "names.py")["line"], 6, "Klass.method line")
    eq(row(doc, "outer.<locals>.inner", "names.py")["line"], 27,
       "inner line")


if __name__ == "__main__":
    main()
