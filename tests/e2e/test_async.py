"""test_async.py: coroutines, tasks and async generators.

A coroutine counts one call per activation however often it is resumed;
with the wall timer its total includes the time it spent suspended and
`suspended` says how much; with the CPU timer suspension never counts.
The event loop does not get a coroutine's running time as its own.
"""
import json
import os
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fptest import (EXAMPLES, approx, check, eq, has_table, main, profile,
                    profile_run, row, rows, run, script, skip, test,
                    timing_check)


# A sleep never ends early, but the profiler's clock and the sleep's are
# read at slightly different moments: this much below a nominal sleep is
# allowed.
EPS_SLEEP = 1e-3


def slept(actual, least, most, what):
    """Checks a figure made of sleeps: at least the time slept (exact: a
    sleep never ends early) and at most `most`, a generous bound that only
    a wrong figure would cross. On a busy machine every wake-up may come
    late, so nominal sleeps make no upper bound."""
    timing_check(least - EPS_SLEEP <= actual <= most,
                 "%s = %r, expected in [%r, %r]" % (what, actual, least,
                                                    most))


def small(value, limit=0.05, what="value"):
    check(0 <= value < limit, "%s = %r, expected in [0, %r)" % (
        what, value, limit))


@test
def sleeping_coroutine():
    doc = profile("async_sleep.py")
    r = row(doc, "sleeper")
    eq(r["calls"], 1, "sleeper calls")
    eq(r["primitive_calls"], 1, "sleeper primitive_calls")
    approx(r["total"], 0.2, what="sleeper total")
    approx(r["suspended"], 0.2, what="sleeper suspended")
    small(r["own"], what="sleeper own")
    approx(r["min"], r["total"], 0, 1e-6, what="sleeper min")
    approx(r["max"], r["total"], 0, 1e-6, what="sleeper max")


@test
def yappi_burn_example():
    # On a busy machine every wake-up may come late and burn_cpu's 0.2s of
    # CPU takes longer in wall time: the sleeps give exact lower bounds,
    # the run's wall time a generous upper one, and the figures are
    # checked against each other (foo's total is its callees', foo is
    # suspended exactly while it awaits burn_async_io) rather than
    # against the nominal 0.8s.
    t0 = time.monotonic()
    doc = profile([os.path.join(EXAMPLES, "burn.py"), "0.2"])
    elapsed = time.monotonic() - t0
    f = "examples/burn.py"
    foo = row(doc, "foo", f)
    cpu = row(doc, "burn_cpu", f)
    aio = row(doc, "burn_async_io", f)
    io = row(doc, "burn_io", f)
    eq(foo["calls"], 1, "foo calls")
    timing_check(0.8 - EPS_SLEEP <= foo["total"] <= elapsed,
                 "foo total %r, expected at least 0.8 and at most the "
                 "run's %r" % (foo["total"], elapsed))
    # The rest of foo is 0.6s of sleeping, or more when wake-ups are late.
    rest = foo["total"] - cpu["total"]
    timing_check(0.6 - EPS_SLEEP <= rest <= elapsed,
                 "foo total - burn_cpu total = %r, expected at least 0.6"
                 % rest)
    approx(rest, aio["total"] + io["total"], 0, 0.05,
           what="foo total - burn_cpu total against burn_async_io + "
           "burn_io totals")
    timing_check(0.4 - EPS_SLEEP <= foo["suspended"] <= aio["total"] + 1e-6,
                 "foo suspended %r, expected at least 0.4 and at most "
                 "burn_async_io's total %r" % (foo["suspended"],
                                              aio["total"]))
    approx(foo["suspended"], aio["suspended"], 0, 0.05,
           what="foo suspended against burn_async_io suspended")
    small(foo["own"], what="foo own")
    eq(aio["calls"], 2, "burn_async_io calls")
    timing_check(aio["total"] >= 0.4 - EPS_SLEEP,
                 "burn_async_io total %r, expected at least 0.4"
                 % aio["total"])
    timing_check(aio["suspended"] >= 0.4 - EPS_SLEEP,
                 "burn_async_io suspended %r, expected at least 0.4"
                 % aio["suspended"])
    small(aio["total"] - aio["suspended"], what="burn_async_io running")
    approx(aio["mean"], aio["total"] / 2, 0, 1e-6, what="burn_async_io mean")
    timing_check(aio["min"] >= 0.2 - EPS_SLEEP, "burn_async_io min %r, "
                 "expected at least 0.2" % aio["min"])
    eq(cpu["calls"], 1, "burn_cpu calls")
    # 0.2s of CPU: with two hogs per core and other load its wall time
    # was seen at 4.3s, so the run's wall time is the only upper bound.
    timing_check(0.18 <= cpu["own"] <= elapsed, "burn_cpu own %r, expected "
                 "0.2 (more on a busy machine)" % cpu["own"])
    approx(cpu["own"], cpu["total"], 0.05, 0.01, what="burn_cpu own")
    eq(cpu["suspended"], 0, "burn_cpu suspended")
    eq(io["calls"], 1, "burn_io calls")
    timing_check(0.2 - EPS_SLEEP <= io["total"] <= rest - aio["total"] + 0.05,
                 "burn_io total %r, expected at least 0.2" % io["total"])
    eq(io["suspended"], 0, "burn_io suspended")
    # The event loop ran foo, but foo's 0.4s of running is not its own.
    for name, file in (("Handle._run", "asyncio/events.py"),
                       ("BaseEventLoop._run_once", "asyncio/base_events.py"),
                       ("BaseEventLoop.run_forever",
                        "asyncio/base_events.py"),
                       ("BaseEventLoop.run_until_complete",
                        "asyncio/base_events.py")):
        for r in rows(doc, name, file):
            small(r["own"], 0.05, "%s own" % name)


@test
def gather_of_many_tasks():
    doc = profile("async_gather.py")
    eq(row(doc, "worker")["calls"], 200, "worker calls")
    eq(row(doc, "worker")["primitive_calls"], 200, "worker primitive")
    eq(row(doc, "step")["calls"], 600, "step calls")
    eq(row(doc, "main", "async_gather.py")["calls"], 1, "main calls")
    sleeps = row(doc, "sleep", "asyncio/tasks.py")
    eq(sleeps["calls"], 1200, "asyncio.sleep calls")


@test
def task_outliving_its_creator():
    doc = profile("async_overlap.py")
    creator, child = row(doc, "creator"), row(doc, "child")
    eq(creator["calls"], 1, "creator calls")
    eq(child["calls"], 1, "child calls")
    eq(row(doc, "burn")["calls"], 1, "burn calls")
    # child burns 0.05s of CPU while its creator is suspended: that is not
    # the creator's own time, nor the main coroutine's.
    small(creator["own"], 0.02, "creator own")
    small(row(doc, "main", "async_overlap.py")["own"], 0.02, "main own")
    small(child["own"], 0.02, "child own")
    # burn spins until perf_counter has moved 0.05s (more when preempted
    # at the end); child sleeps 0.1s more, its creator 0.02s.
    burn = row(doc, "burn")["own"]
    slept(burn, 0.05, 2.0, "burn own")
    slept(creator["total"], 0.02, 2.0, "creator total")
    slept(child["total"], burn + 0.1, 3.0, "child total")
    slept(child["suspended"], 0.1, child["total"] - burn + 1e-6,
          "child suspended")
    slept(row(doc, "main", "async_overlap.py")["total"], child["total"],
          3.0, "main total")


@test
def cancelled_tasks():
    doc = profile("async_cancel.py")
    s = row(doc, "sleeper")
    eq(s["calls"], 2, "sleeper calls (a task, then under wait_for)")
    # Both activations end when cancelled, long before their 10s sleep.
    slept(s["max"], 0.05, 2.0, "sleeper max")
    slept(s["min"], 0.03, 2.0, "sleeper min")
    # Nearly all suspended; load stretches the few running moments too.
    approx(s["suspended"], s["total"], 0.1, 0.03,
           what="sleeper suspended")
    c = row(doc, "cleaner")
    eq(c["calls"], 1, "cleaner calls")
    slept(c["total"], 0.07, 2.0, "cleaner total")
    check(c["total"] <= row(doc, "main", "async_cancel.py")["total"] + 1e-6,
          "cleaner total %r exceeds main's" % c["total"])
    n = row(doc, "never_started")
    check(n["calls"] in (0, 1), "never_started calls %r" % n["calls"])
    eq(row(doc, "main", "async_cancel.py")["calls"], 1, "main calls")


@test
def exception_after_await():
    doc = profile("async_exceptions.py")
    f = row(doc, "failing")
    eq(f["calls"], 1, "failing calls")
    slept(f["total"], 0.02, 2.0, "failing total")
    eq(row(doc, "catcher")["calls"], 1, "catcher calls")
    approx(row(doc, "catcher")["total"], f["total"], 0, 0.02,
           what="catcher total against failing total")


@test
def exception_thrown_into_coroutine():
    doc = profile("async_exceptions.py")
    t = row(doc, "thrown_into")
    eq(t["calls"], 1, "thrown_into calls (send, throw caught, throw out)")
    eq(row(doc, "suspend")["calls"], 2, "suspend calls")
    eq(row(doc, "drive_by_hand")["calls"], 1, "drive_by_hand calls")


@test
def async_generators():
    r = profile_run("async_gen.py")
    doc, span = r.doc, json.loads(r.out)["ticks"]
    t = row(doc, "ticks")
    eq(t["calls"], 1, "ticks calls (consumed by async for)")
    # Five 10ms sleeps: an exact lower bound for the total and for the
    # time suspended; the upper bound is the span the program measured
    # around the `async for` (late wake-ups on a busy machine included).
    timing_check(0.05 - EPS_SLEEP <= t["total"] <= span * 1.001 + 1e-4,
                 "ticks total %r, expected at least 0.05 and at most the "
                 "program's own %r" % (t["total"], span))
    timing_check(span - t["total"] <= 0.02 + 0.05 * span,
                 "ticks total %r, the program's own %r" % (t["total"], span))
    timing_check(0.05 - EPS_SLEEP <= t["suspended"] <= t["total"],
                 "ticks suspended %r, expected at least 0.05 (total %r)"
                 % (t["suspended"], t["total"]))
    e = row(doc, "endless")
    eq(e["calls"], 1, "endless calls (left early, aclose())")
    eq(row(doc, "main", "async_gen.py")["calls"], 1, "main calls")


@test
def recursive_coroutine():
    r = profile_run("async_recursive.py")
    doc, span = r.doc, json.loads(r.out)["descend"]
    d = row(doc, "descend")
    eq(d["calls"], 11, "descend calls")
    eq(d["primitive_calls"], 1, "descend primitive_calls")
    # The total counts the outermost activation once: at least the 11
    # sleeps of 5ms, and just under the span the program measured around
    # descend(10) however late the wake-ups come (counting the nested
    # activations too would make it about 6 times that).
    timing_check(0.055 - EPS_SLEEP <= d["total"] <= span * 1.001 + 1e-4,
                 "descend total %r, expected at least 0.055 and at most "
                 "the program's own %r" % (d["total"], span))
    timing_check(span - d["total"] <= 0.02 + 0.05 * span,
                 "descend total %r, the program's own %r" % (d["total"],
                                                             span))
    check(d["total"] <= row(doc, "main", "async_recursive.py")["total"] +
          1e-6, "descend total exceeds its caller's")
    n = row(doc, "no_suspend")
    eq(n["calls"], 50, "no_suspend calls")
    eq(n["suspended"], 0, "no_suspend suspended")


@test
def more_asyncio_shapes():
    doc = profile("async_misc.py")
    for name, calls in (("main", 1), ("job", 5), ("Resource.__aenter__", 2),
                        ("Resource.__aexit__", 2), ("echo", 1),
                        ("abandoned_agen", 1), ("blocking", 1),
                        ("resolve_later", 1)):
        eq(row(doc, name, "async_misc.py")["calls"], calls,
           "%s calls" % name)
    enter = row(doc, "Resource.__aenter__", "async_misc.py")
    slept(enter["total"], 0.02, 2.0, "__aenter__ total")
    slept(enter["suspended"], 0.02, enter["total"], "__aenter__ suspended")
    job = row(doc, "job", "async_misc.py")
    # A job(0.2) that ran its full sleep would last at least 0.2s, however
    # busy the machine; cancelled once job(0.01) is done, it lasts less.
    timing_check(job["max"] < 0.2 - EPS_SLEEP, "job max %r: the cancelled "
                 "job(0.2) ran its full sleep?" % job["max"])


@test
def task_group():
    if sys.version_info < (3, 11):
        skip("asyncio.TaskGroup needs Python 3.11")
    doc = profile("async_taskgroup.py")
    w = row(doc, "tg_worker")
    eq(w["calls"], 3, "tg_worker calls")
    slept(w["min"], 0.03, 2.0, "tg_worker min")
    slept(w["max"], 0.07, 2.0, "tg_worker max")
    eq(row(doc, "tg_failer")["calls"], 1, "tg_failer calls")
    eq(row(doc, "tg_victim")["calls"], 2, "tg_victim calls")
    m = row(doc, "main", "async_taskgroup.py")
    eq(m["calls"], 1, "main calls")
    # The two groups run one after the other: the longest worker, then
    # the failer's 20ms.
    slept(m["total"], w["max"] + 0.02, 3.0, "main total")


@test
def sys_exit_with_task_suspended():
    r = profile_run("async_exit_sys.py", expect_rc=4)
    eq(row(r.doc, "forever")["calls"], 1, "forever calls")
    eq(row(r.doc, "main", "async_exit_sys.py")["calls"], 1, "main calls")
    slept(row(r.doc, "main", "async_exit_sys.py")["total"], 0.05, 2.0,
          "main total")


@test
def coroutines_suspended_at_exit():
    r = profile_run("async_exit_pending.py")
    check("Segmentation" not in r.err and "Fatal" not in r.err,
          "stderr %r" % r.err[-1000:])
    f = row(r.doc, "forever")
    eq(f["calls"], 1, "forever calls")
    eq(row(r.doc, "halfway")["calls"], 1, "halfway calls")
    eq(row(r.doc, "main", "async_exit_pending.py")["calls"], 1, "main calls")
    rc, out, err = run([script("async_exit_pending.py")])
    eq(rc, 0, "exit status")
    check(has_table(err), "no table on stderr: %r" % err[-1000:])


@test
def os_exit_from_the_loop():
    r = profile_run("async_exit_os.py", expect_rc=5)
    # The report is written by os._exit itself. main is still running:
    # it ends at that instant. forever waits to be resumed: as at any
    # stop, it ends at its last suspension.
    main_row = row(r.doc, "main", "async_exit_os.py")
    eq(main_row["calls"], 1, "main calls")
    slept(main_row["total"], 0.05, 2.0, "main total")
    forever = row(r.doc, "forever", "async_exit_os.py")
    eq(forever["calls"], 1, "forever calls")
    eq(forever["suspended"], 0, "forever suspended")


@test
def cpu_timer_ignores_suspension():
    doc = profile("async_sleep.py", ["--timer=cpu"])
    eq(doc["timer"], "cpu", "timer")
    r = row(doc, "sleeper")
    eq(r["calls"], 1, "sleeper calls")
    small(r["total"], 0.05, "sleeper total")
    eq(r["suspended"], 0, "sleeper suspended")


@test
def cpu_timer_on_burn_example():
    doc = profile([os.path.join(EXAMPLES, "burn.py"), "0.2"], ["-t", "cpu"])
    f = "examples/burn.py"
    foo = row(doc, "foo", f)
    eq(foo["calls"], 1, "foo calls")
    eq(foo["suspended"], 0, "foo suspended")
    approx(foo["total"], 0.2, 0.4, 0.05, what="foo total (CPU)")
    eq(row(doc, "burn_async_io", f)["calls"], 2, "burn_async_io calls")
    small(row(doc, "burn_async_io", f)["total"], 0.05, "burn_async_io total")
    small(row(doc, "burn_io", f)["total"], 0.05, "burn_io total")
    approx(row(doc, "burn_cpu", f)["own"], 0.2, 0.4, 0.05,
           what="burn_cpu own")
    for r in doc["functions"]:
        eq(r["suspended"], 0, "%s suspended with the CPU timer" % r["name"])


if __name__ == "__main__":
    main()
