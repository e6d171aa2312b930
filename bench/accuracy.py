#!/usr/bin/env python3
"""Accuracy of fullprof's statistical mode against the measured truth.

Runs bench/workloads/ratio.py (heavy() does three times light()'s work,
alternating) under `fullprof --sample=INTERVAL --timer=TIMER` for each
interval and timer, several times, and prints for each: the reported
heavy/light ratio of total time (the truth is the workload's own
measurement, about 3), each function's reported total against the time
the workload measured around its calls, and the share of requested samples
that were taken. The targets: ratio and totals within 10%, at least 90% of
the samples taken at 1ms.

Each run lasts long enough for about --samples samples at its interval
(2000 by default: 2s at 1ms, 20s at 10ms), since the error of a sampled
estimate is about 1/sqrt(samples): light() alone, a quarter of them, is
then known to about 4%, and their ratio to about 5%.

usage: accuracy.py --fullprof PATH [--samples N] [--runs N]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
WORKLOAD = os.path.join(HERE, "workloads", "ratio.py")


def one_run(fullprof, interval, timer, seconds, tmpdir):
    """Profiles the workload once; returns (truth, rows by name, counts)."""
    out = os.path.join(tmpdir, "p.json")
    proc = subprocess.run(
        [fullprof, "-q", "--sample=" + interval, "--timer=" + timer,
         "-o", out, WORKLOAD, str(seconds)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        check=False)
    if proc.returncode != 0:
        raise SystemExit("accuracy.py: fullprof failed: %s" % proc.stderr)
    truth = json.loads(proc.stdout)["cpu" if timer == "cpu" else "wall"]
    with open(out) as f:
        doc = json.load(f)
    rows = {r["name"]: r for r in doc["functions"]
            if r["file"].endswith("ratio.py")}
    return truth, rows, doc["samples"]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--fullprof", required=True)
    p.add_argument("--samples", type=int, default=2000)
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    failed = False
    print("%-6s %-5s %8s %8s %10s %10s %8s" % (
        "timer", "every", "ratio", "err", "heavy err", "light err",
        "taken"))
    with tempfile.TemporaryDirectory(prefix="fullprof-acc-") as tmpdir:
        for timer in ("wall", "cpu"):
            for interval in ("10ms", "1ms"):
                ratios, herr, lerr, taken = [], [], [], []
                seconds = args.samples * (0.01 if interval == "10ms"
                                          else 0.001)
                for _ in range(args.runs):
                    truth, rows, counts = one_run(
                        args.fullprof, interval, timer, seconds, tmpdir)
                    h, l = rows["heavy"]["total"], rows["light"]["total"]
                    true_ratio = truth["heavy"] / truth["light"]
                    ratios.append((h / l) / true_ratio - 1 if l else 1)
                    herr.append(h / truth["heavy"] - 1)
                    lerr.append(l / truth["light"] - 1)
                    taken.append(counts["taken"] / max(counts["requested"], 1))
                r = statistics.median(ratios)
                he, le = statistics.median(herr), statistics.median(lerr)
                tk = statistics.median(taken)
                ok = abs(r) <= 0.10 and abs(he) <= 0.10 and abs(le) <= 0.10
                if interval == "1ms":
                    ok = ok and tk >= 0.90
                failed |= not ok
                print("%-6s %-5s %+7.1f%% %8s %+9.1f%% %+9.1f%% %7.1f%%%s" % (
                    timer, interval, 100 * r, "", 100 * he, 100 * le,
                    100 * tk, "" if ok else "  MISSED"))
    print("(ratio: reported heavy/light over the measured one, minus 1; "
          "err: reported total over the measured, minus 1; medians of %d "
          "runs of about %d samples each)" % (args.runs, args.samples))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
