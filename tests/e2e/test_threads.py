"""test_threads.py: every thread is profiled.

Call counts are exact however the work is spread over threads (threading,
bare _thread, concurrent.futures workers); times of activations running at
the same time in different threads do not leak into each other; daemon
threads still running at exit do not crash the report.
"""
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fptest import (approx, check, eq, has_table, main, profile,
                    profile_run, row, run, script, test, timing_check)


@test
def calls_summed_across_threads():
    doc = profile("threads.py")
    eq(row(doc, "work")["calls"], 335, "work calls")
    eq(row(doc, "work")["primitive_calls"], 335, "work primitive_calls")
    eq(row(doc, "loop")["calls"], 10, "loop calls")
    eq(row(doc, "spawner")["calls"], 1, "spawner calls")
    eq(row(doc, "bare")["calls"], 1, "bare calls (a _thread thread)")


@test
def calls_exact_under_gil_contention():
    doc = profile("thread_contention.py")
    eq(row(doc, "hot")["calls"], 80000, "hot calls")
    eq(row(doc, "hammer")["calls"], 4, "hammer calls")


@test
def thread_pool_workers():
    doc = profile("thread_pool.py")
    eq(row(doc, "square")["calls"], 100, "square calls")
    eq(row(doc, "cube")["calls"], 25, "cube calls")


@test
def threads_time_separately():
    doc = profile("thread_sleep.py")
    n = row(doc, "napper")
    eq(n["calls"], 2, "napper calls")
    # Each napper sleeps 0.1s: an exact lower bound; late wake-ups on a
    # busy machine make the upper bound generous.
    timing_check(0.1 - 1e-3 <= n["min"] <= n["max"] <= 1.5,
                 "napper min %r max %r, expected at least 0.1" % (n["min"],
                                                                 n["max"]))
    approx(n["total"], n["min"] + n["max"], 0, 1e-6, what="napper total")


@test
def event_loops_in_threads():
    doc = profile("thread_asyncio.py")
    c = row(doc, "coro")
    eq(c["calls"], 2, "coro calls")
    # Each coro sleeps 0.1s: exact lower bounds; a busy machine wakes it
    # late, so the upper bounds are generous, and nearly all of each
    # activation is suspended.
    timing_check(0.1 - 1e-3 <= c["min"] <= c["max"] <= 1.5,
                 "coro min %r max %r, expected at least 0.1" % (c["min"],
                                                               c["max"]))
    timing_check(0.2 - 2e-3 <= c["suspended"] <= c["total"],
                 "coro suspended %r, expected at least 0.2 (total %r)"
                 % (c["suspended"], c["total"]))
    approx(c["suspended"], c["total"], 0, 0.05, what="coro suspended")
    eq(row(doc, "run_loop")["calls"], 2, "run_loop calls")


@test
def generator_and_coroutine_handed_to_another_thread():
    r = profile_run("thread_handoff.py")
    doc, span = r.doc, json.loads(r.out)["span"]
    n = row(doc, "numbers")
    eq(n["calls"], 1, "numbers calls")
    # Four 10ms sleeps, an exact lower bound; on a busy machine wake-ups
    # and the thread's start come late, so the upper bound is the span
    # the program measured itself around the hand-off.
    timing_check(0.04 - 1e-3 <= n["total"] <= span * 1.001 + 1e-4,
                 "numbers total %r, expected at least 0.04 and at most the "
                 "program's own %r" % (n["total"], span))
    eq(row(doc, "relay")["calls"], 1, "relay calls")
    eq(row(doc, "suspend")["calls"], 3, "suspend calls")
    eq(row(doc, "finish")["calls"], 1, "finish calls")


@test
def daemon_threads_running_at_exit():
    r = profile_run("thread_daemon.py")
    eq(r.out, "main done\n", "stdout")
    check(row(r.doc, "tick")["calls"] >= 1, "tick never counted")
    check(row(r.doc, "spin_once")["calls"] >= 1, "spin_once never counted")
    for name in ("ticker", "spinner"):
        check(row(r.doc, name)["calls"] <= 1, "%s counted more than once"
              % name)
    for _ in range(3):
        rc, out, err = run([script("thread_daemon.py")])
        eq(rc, 0, "exit status (stderr %r)" % err[-800:])
        check(has_table(err), "no table on stderr: %r" % err[-800:])


if __name__ == "__main__":
    main()
