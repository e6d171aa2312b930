#!/usr/bin/env python3
"""Measures what `fullprof attach` costs the process it samples, and itself.

A target python runs a fixed CPU-bound workload (naive recursive fib, in
a loop) and times it itself, from the moment it is told to start. Each
round runs the target twice, interleaved and in alternating order: plain,
and with `fullprof attach -p PID --sample=INTERVAL` (default 1ms) sampling
it from before the start signal until it exits. The table gives the
median and fastest workload time of each, and their ratio; then what
fullprof itself used: its CPU time (user + system, from wait4's rusage)
over its lifetime as a share of one core, and the sampling rate it
achieved (samples taken per second of sampling, from its JSON output)
against the one requested.

The target is not stopped or slowed by the reads themselves
(process_vm_readv copies its memory without stopping it), so the ratio
should be within the machine's noise; on a machine with fewer idle cores
than busy processes, fullprof's own CPU use competes with the target's.
Standard library only. Usage:

    python3 bench/attach.py --fullprof ./fullprof [--python python3]
        [--interval 1ms] [--rounds 5] [--n 25] [--repeat 200]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

TARGET = r"""
import sys, time
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
n, repeat = int(sys.argv[1]), int(sys.argv[2])
print("ready", flush=True)
sys.stdin.readline()
t = time.perf_counter()
for _ in range(repeat):
    fib(n)
print(time.perf_counter() - t, flush=True)
"""


def start_target(python, n, repeat):
    """Starts the target; returns the Popen once it is ready."""
    p = subprocess.Popen([python, "-c", TARGET, str(n), str(repeat)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         text=True)
    if p.stdout.readline().strip() != "ready":
        raise SystemExit("the target did not start")
    return p


def finish_target(p):
    """Tells the target to start, returns the time its workload took."""
    p.stdin.write("go\n")
    p.stdin.flush()
    line = p.stdout.readline()
    p.wait()
    return float(line)


def run_plain(args):
    """One plain run: the workload's time."""
    return finish_target(start_target(args.python, args.n, args.repeat))


def run_attached(args, json_path):
    """One run under fullprof attach: (workload time, fullprof's CPU
    seconds, fullprof's wall seconds, the JSON document)."""
    t = start_target(args.python, args.n, args.repeat)
    began = time.perf_counter()
    f = subprocess.Popen([args.fullprof, "attach", "-p", str(t.pid),
                          "--sample=" + args.interval, "-q", "-o",
                          json_path], stdin=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    time.sleep(0.3)         # let the first samples be taken
    took = finish_target(t)
    _, status, usage = os.wait4(f.pid, 0)
    wall = time.perf_counter() - began
    f.returncode = os.waitstatus_to_exitcode(status)
    err = f.stderr.read()
    f.stderr.close()
    if f.returncode != 0:
        raise SystemExit("fullprof attach failed (%d): %s" % (
            f.returncode, err))
    with open(json_path) as fh:
        doc = json.load(fh)
    return took, usage.ru_utime + usage.ru_stime, wall, doc


def parse_interval(s):
    """Seconds of "1ms", "500us", "0.01s"."""
    for unit, scale in (("us", 1e-6), ("ms", 1e-3), ("s", 1.0)):
        if s.endswith(unit):
            return float(s[:-len(unit)]) * scale
    raise SystemExit("bad interval %r" % s)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fullprof", default="./fullprof")
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--interval", default="1ms")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--n", type=int, default=25)
    ap.add_argument("--repeat", type=int, default=200)
    args = ap.parse_args()
    interval = parse_interval(args.interval)
    plain, attached, cpu, rates, drops = [], [], [], [], []
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "attach.json")
        run_plain(args)                     # warm-up, untimed
        for r in range(args.rounds):
            order = (0, 1) if r % 2 == 0 else (1, 0)
            for which in order:
                if which == 0:
                    plain.append(run_plain(args))
                    continue
                took, used, wall, doc = run_attached(args, path)
                attached.append(took)
                cpu.append(used / wall)
                s = doc["samples"]
                rates.append(s["taken"] / doc["duration"])
                drops.append(s["dropped"] / max(s["requested"], 1))
    base = statistics.median(plain)
    print("target: fib(%d) x %d in %s; %d rounds; fullprof attach "
          "--sample=%s" % (args.n, args.repeat, args.python, args.rounds,
                           args.interval))
    print("%-24s %10s %10s %8s" % ("", "median", "fastest", "ratio"))
    for name, xs in (("plain", plain),
                     ("attached (%s)" % args.interval, attached)):
        print("%-24s %9.3fs %9.3fs %7.3fx" % (
            name, statistics.median(xs), min(xs),
            statistics.median(xs) / base))
    print("fullprof attach itself: %.1f%% of one core (median; max %.1f%%)"
          % (100 * statistics.median(cpu), 100 * max(cpu)))
    print("achieved rate: %.0f samples/s of %.0f requested (median; %.1f%% "
          "of ticks dropped)" % (statistics.median(rates), 1 / interval,
                                 100 * statistics.median(drops)))


if __name__ == "__main__":
    main()
