"""test_sample.py: statistical mode (fullprof --sample=INTERVAL).

A sampler thread reads every Python thread's stack each interval without
the GIL; rows carry sample counts, estimated own/total seconds and a
standard error. Bounds are loose: this runs on a shared, noisy machine.
"""
import json
import os
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fptest import (EXAMPLES, FULLPROF, approx, check, eq, find_row, main,
                    profile, profile_run, row, run, run_cmd, script, start,
                    test)


def sampled(target, *opts):
    """Profiles target in sample mode; returns the JSON document."""
    doc = profile(target, list(opts), check=False)
    eq(doc["mode"], "sample", "mode")
    check_sample_invariants(doc)
    return doc


def check_sample_invariants(doc):
    """What holds for every sampled row: counts and estimates >= 0, own
    within total, no call counts, and the sample counts add up."""
    s = doc["samples"]
    check(s["taken"] + s["dropped"] == s["requested"],
          "taken %(taken)s + dropped %(dropped)s != requested "
          "%(requested)s" % s)
    for r in doc["functions"]:
        if r.get("no_data"):
            continue
        what = "%s (%s)" % (r["name"], r["file"])
        check(r.get("calls") is None, "%s: calls %r in sample mode" % (
            what, r.get("calls")))
        for k in ("samples", "own_samples", "own", "total", "error"):
            check(r[k] >= 0, "%s: %s = %r" % (what, k, r[k]))
        check(r["own_samples"] <= r["samples"] or r["total"] == 0,
              "%s: own_samples %r > samples %r" % (
                  what, r["own_samples"], r["samples"]))


@test
def ratio_wall():
    doc = sampled(["ratio.py", "1.5"], "--sample=1ms")
    heavy, light = row(doc, "heavy"), row(doc, "light")
    ratio = heavy["total"] / max(light["total"], 1e-9)
    check(2.0 < ratio < 4.5, "heavy/light = %.2f, expected about 3" % ratio)
    spin = row(doc, "spin")
    approx(spin["own"] + row(doc, "alternate")["own"] + heavy["own"] +
           light["own"], row(doc, "alternate")["total"], rel=0.15,
           what="own times add up to the caller's total")
    approx(row(doc, "alternate")["total"], 1.5, rel=0.2,
           what="alternate total (the run lasts 1.5s)")


@test
def ratio_cpu():
    doc = sampled(["ratio.py", "1.5"], "--sample=1ms", "--timer=cpu")
    eq(doc["timer"], "cpu", "timer")
    heavy, light = row(doc, "heavy"), row(doc, "light")
    ratio = heavy["total"] / max(light["total"], 1e-9)
    check(2.0 < ratio < 4.5, "heavy/light = %.2f, expected about 3" % ratio)


@test
def cpu_timer_skips_sleep():
    doc = sampled(["-c", "import time\ndef nap(): time.sleep(0.5)\n"
                   "def work():\n x=0\n for i in range(3000000): x+=i\n"
                   "nap(); work()"], "--sample=1ms", "--timer=cpu")
    check(find_row(doc, "nap") is None or row(doc, "nap")["total"] < 0.1,
          "a sleeping function gets CPU time: %r" % (find_row(doc, "nap"),))
    check(row(doc, "work")["total"] > 0.02, "work has no CPU time")


def burn_nap_cpu(interval):
    """The CPU of bursts between sleeps goes to the bursts: burn's sampled
    CPU against its own thread_time() measure, nap next to nothing. (The
    CPU a thread used since its last sample used to go to where it was at
    the sample, most often asleep in nap.)"""
    out = os.path.join(tempfile.mkdtemp(), "truth.json")
    doc = sampled(["burn_nap.py", "2", out], "--sample=" + interval,
                  "--timer=cpu")
    with open(out) as f:
        truth = json.load(f)["burn_cpu"]
    burn = row(doc, "burn")["total"]
    nap = find_row(doc, "nap")
    # On a busy machine a thread that holds the GIL is sometimes preempted,
    # and its CPU then goes to where it waits for a CPU (a few % to nap,
    # which takes the GIL back after each sleep); 25-35% off was seen in
    # CI at 10ms on 3.12. The bias this guards against was far larger:
    # burn 15% of its CPU, nap 90%.
    approx(burn, truth, rel=0.4, abs_=0.02, what="burn's sampled CPU "
           "(its own thread_time() says %.3fs)" % truth)
    check(nap is None or nap["total"] < 0.25 * truth,
          "nap (asleep) got %.3fs of CPU, burn used %.3fs" % (
              nap["total"] if nap else 0, truth))


@test
def cpu_goes_to_bursts_not_sleeps_10ms():
    burn_nap_cpu("10ms")


@test
def cpu_goes_to_bursts_not_sleeps_1ms():
    burn_nap_cpu("1ms")


@test
def starved_sampler_says_what_it_missed():
    """A sampler held up for longer than 8 intervals (here the whole
    process stopped for 0.6s) covers that time with no sample: the JSON
    says how much, the footer its share, and the estimates stay within
    the covered time instead of silently shrinking."""
    import signal
    import time
    out = os.path.join(tempfile.mkdtemp(), "p.json")
    p = start(["--sample=1ms", "-o", out, "-c",
                   "import time\ndef nap(): time.sleep(1.5)\nnap()"])
    time.sleep(0.4)
    os.kill(p.pid, signal.SIGSTOP)
    time.sleep(0.6)
    os.kill(p.pid, signal.SIGCONT)
    _, err = p.communicate(timeout=30)
    err = err.decode() if isinstance(err, bytes) else err
    eq(p.returncode, 0, "exit status")
    with open(out) as f:
        doc = json.load(f)
    uncovered = doc["samples"]["uncovered"]
    check(0.5 <= uncovered <= 1.2, "uncovered %r s, the process was "
          "stopped 0.6s" % uncovered)
    check("covered by no sample" in err, "no footer line:\n" + err)
    approx(row(doc, "nap")["total"] + uncovered, 1.5, rel=0.15,
           what="nap's estimate plus the uncovered time")


@test
def wall_timer_counts_sleep():
    doc = sampled(["-c", "import time\ndef nap(): time.sleep(0.4)\nnap()"],
                  "--sample=2ms")
    approx(row(doc, "nap")["total"], 0.4, rel=0.25, what="nap total")


@test
def async_waiting_goes_to_the_coroutine():
    doc = sampled([os.path.join(EXAMPLES, "burn.py"), "0.3"],
                  "--sample=1ms")
    f = "examples/burn.py"
    foo = row(doc, "foo", f)
    # foo runs 4 x 0.3s: CPU, await, blocking sleep, await. The event
    # loop's time, waiting included, goes to the coroutine: foo's total is
    # about asyncio.run's (not 0.9 of the whole run: on a busy machine the
    # imports before it take longer, and the 0.3s of CPU too).
    loop = row(doc, "run", "asyncio/runners.py")["total"]
    check(foo["total"] >= 0.9 * loop,
          "foo total %r of asyncio.run's %r" % (foo["total"], loop))
    bai = row(doc, "burn_async_io", f)["total"]
    approx(row(doc, "sleep", "asyncio/tasks.py")["total"], bai, rel=0.1,
           abs_=0.01, what="asyncio.sleep total (burn_async_io's %r)" % bai)
    # Awaiting 2 x 0.3s weighs as much as two blocking 0.3s sleeps, busy
    # machine or not.
    approx(bai, 2 * row(doc, "burn_io", f)["total"], rel=0.35, abs_=0.05,
           what="burn_async_io total against 2 x burn_io's")
    # The estimates shrink when the sampler thread does not get the CPU
    # (ticks it missed count as dropped, and a late tick weighs at most 8
    # intervals): the absolute figures hold on a machine where it does.
    s = doc["samples"]
    if s["dropped"] <= 0.05 * s["requested"]:
        approx(bai, 0.6, rel=0.25, what="burn_async_io total")
    select = find_row(doc, "EpollSelector.select")
    check(select is None or select["total"] < 0.15,
          "the event loop's select() kept the waiting time: %r" % (select,))


@test
def threads_each_sampled():
    d = tempfile.mkdtemp(prefix="fptest-sample-")
    path = os.path.join(d, "p.speedscope.json")
    res = profile_run(["ratio.py", "0.6", "threads"],
                      ["--sample=1ms", "-o", path], check=False)
    doc = res.doc
    with open(path, encoding="utf-8") as f:
        names = " ".join(p["name"] for p in json.load(f)["profiles"])
    for n in ("heavy-thread", "light-thread"):
        check(n in names, "thread %r missing from %r" % (n, names))
    threads = {t["name"]: t for t in doc["threads"]}
    for n in ("heavy-thread", "light-thread", "MainThread"):
        check(n in threads, "thread %r missing from the JSON %r" % (
            n, sorted(threads)))
    check(threads["heavy-thread"]["native_id"] !=
          threads["light-thread"]["native_id"], "native ids")
    check(threads["heavy-thread"]["samples"] > 50, "heavy-thread samples")
    heavy, light = row(doc, "heavy"), row(doc, "light")
    check(heavy["samples"] > 50 and light["samples"] > 50,
          "a thread barely sampled: heavy %r, light %r" % (
              heavy["samples"], light["samples"]))
    # Both threads sleep on the GIL half the time: in wall time each is
    # on its stack for the whole run.
    approx(heavy["total"], 0.6, rel=0.3, what="heavy total")
    approx(light["total"], 0.6, rel=0.3, what="light total")


@test
def helper_threads_never_sampled():
    # fullprof learns thread names from a short-lived helper thread that
    # takes the GIL; reading this script's thread name runs 30ms of Python
    # code in it. The helper is fullprof's, not the program's: no third
    # thread, and nothing sampled in the name's getter.
    doc = sampled(["thread_slow_name.py", "0.4"], "--sample=1ms")
    names = sorted(t["name"] for t in doc["threads"])
    eq(names, ["MainThread", "slow-named"], "threads sampled")
    check(find_row(doc, "SlowName._name") is None,
          "the name getter, run by fullprof's helper, was sampled")


@test
def requested_function_never_run():
    doc = sampled(["ratio.py", "0.3"], "--sample=1ms", "-F", "heavy",
                  "-F", "never_called")
    nd = [r for r in doc["functions"] if r.get("no_data")]
    eq([r["name"] for r in nd], ["never_called"], "no-data rows")
    check(find_row(doc, "light") is None, "light is outside the filter")
    check(row(doc, "spin")["samples"] > 0, "heavy's callee is kept")
    check(find_row(doc, "alternate") is None, "heavy's caller is kept")


@test
def table_shows_error_and_counts():
    rc, out, err = run(["--sample=1ms", script("ratio.py"), "0.3"])
    eq(rc, 0, "exit status")
    check("\u00b1" in err, "no '\u00b1' in the table:\n" + err[-1500:])
    check("requested" in err and "dropped" in err,
          "no sample counts in the table:\n" + err[-1500:])
    check("1 thread: MainThread (ident " in err,
          "no thread line in the table:\n" + err[-1500:])


@test
def enough_samples_taken_at_1ms():
    doc = sampled(["ratio.py", "1"], "--sample=1ms")
    s = doc["samples"]
    # The benchmark asks for 90% on an idle machine; tests share it
    # with other tests (make -j2 check), so the bound here is loose.
    check(s["taken"] >= 0.4 * s["requested"], "only %(taken)s of "
          "%(requested)s samples taken" % s)
    check(s["requested"] >= 800, "requested %(requested)s over 1s" % s)


@test
def every_format_works():
    d = tempfile.mkdtemp(prefix="fptest-sample-")
    names = {"json": "p.json", "fprof": "p.fprof", "pstats": "p.prof",
             "callgrind": "callgrind.out.1", "collapsed": "p.folded",
             "svg": "p.svg", "speedscope": "p.speedscope.json",
             "trace": "p.trace.json", "table": "p.txt"}
    args = ["--sample=1ms", "-q"]
    for n in names.values():
        args += ["-o", os.path.join(d, n)]
    rc, out, err = run(args + [script("ratio.py"), "0.3"])
    eq(rc, 0, "exit status (stderr: %s)" % err[-800:])
    for fmt, n in names.items():
        p = os.path.join(d, n)
        check(os.path.exists(p) and os.path.getsize(p) > 0,
              "%s output missing" % fmt)
    with open(os.path.join(d, "p.trace.json"), encoding="utf-8") as f:
        trace = json.load(f)
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    spans = [e for e in events if e.get("ph") == "X" and
             e.get("name") == "heavy"]
    check(spans, "no span of heavy in the trace")
    check(sum(e["dur"] for e in spans) > 0.1e6,
          "heavy spans add up to %r us" % sum(e["dur"] for e in spans))
    rc, out, err = run(["report", "-f", "json", "-o", "-",
                        os.path.join(d, "p.fprof")])
    eq(rc, 0, "report exit status (%s)" % err[-500:])
    back = json.loads(out)
    eq(back["mode"], "sample", "mode after the round trip")
    check(row(back, "heavy")["samples"] > 0, "heavy lost in the round trip")


@test
def bad_intervals():
    for bad, word in (("10", "invalid"), ("abc", "invalid"),
                      ("", "invalid"), ("10us", "out of range"),
                      ("20s", "out of range"), ("-1ms", "invalid")):
        rc, out, err = run(["--sample=" + bad, "-c", "pass"])
        eq(rc, 2, "exit status for --sample=%r" % bad)
        first = err.splitlines()[0] if err else ""
        check(word in first and "'%s'" % bad in first,
              "message for %r: %r" % (bad, err))
    rc, out, err = run(["--sample=1ms", "--timer=process", "-c", "pass"])
    eq(rc, 2, "exit status for --timer=process")


@test
def program_behaves_as_under_python():
    rc, out, err = run(["--sample=5ms", "-q", "-c",
                        "import sys; print('hi', sys.argv[1:]); "
                        "sys.exit(3)", "a", "b"])
    eq(rc, 3, "exit status")
    eq(out, "hi ['a', 'b']\n", "stdout")


MODULE_SCRIPT = """
import fullprof, sys
def spin(n):
    x = 0
    for i in range(n):
        x += i
if "--paused" not in sys.argv:
    fullprof.start(sample="1ms")
else:
    fullprof.start()
spin(4000000)
rows = {r["name"]: r for r in fullprof.stats()}
assert rows["spin"]["samples"] > 10, rows["spin"]
assert rows["spin"]["calls"] is None, rows["spin"]
# spin is on the stack in every sample: a binomial error of 0.
assert 0 <= rows["spin"]["error"] < 0.1 * rows["spin"]["total"], rows["spin"]
fullprof.stop()
for bad in ("10", "1us", 20, [1]):
    try:
        fullprof.start(sample=bad)
    except (ValueError, TypeError) as e:
        print(type(e).__name__)
try:
    fullprof.start(sample=0)
except ValueError:
    print("mode kept")
fullprof.clear()
fullprof.start(sample=0)
spin(10)
fullprof.stop()
print([r["calls"] for r in fullprof.stats() if r["name"] == "spin"])
"""


@test
def module_sample_in_plain_python():
    builddir = os.environ.get("FULLPROF_BUILDDIR") or os.path.dirname(
        FULLPROF or "")
    env = {"PYTHONPATH": builddir}
    rc, out, err = run_cmd([sys.executable, "-c", MODULE_SCRIPT], env=env)
    eq(rc, 0, "exit status (stderr: %s)" % err[-1500:])
    eq(out.split(), ["ValueError", "ValueError", "ValueError", "TypeError",
                     "mode", "kept", "[1]"], "output")


@test
def module_start_in_launcher_sample_mode():
    rc, out, err = run(["--sample=1ms", "--paused", "-q", "-c",
                        MODULE_SCRIPT, "--paused"])
    eq(rc, 0, "exit status (stderr: %s)" % err[-1500:])


if __name__ == "__main__":
    main()
