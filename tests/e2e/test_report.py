"""test_report.py: `fullprof report` reads .fprof files and merges them.

Programs are profiled with `fullprof -o x.fprof -o x.json`; `fullprof
report` of one file must give back what the run itself wrote (byte for
byte, in every format that does not shorten paths by where Python lives),
and of several files a JSON document whose figures are exactly the sums of
theirs. A directory is read whole or by --prefix. Every kind of bad input
(missing, truncated, corrupt, another version, sample mode among trace
mode, random bytes) gives exactly one line naming the file and exit status
1, while the good files are still reported.
"""
import json
import os
import random
import re
import shutil
import sys
from decimal import Decimal

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fptest import (TempDir, check, eq, has_table, main, run, script, test,
                    write)

# The -o names that select each format in a run (see runtime/report/formats.c).
SUFFIX = {"table": "%s.txt", "json": "%s.json", "fprof": "%s.fprof",
          "pstats": "%s.prof", "callgrind": "callgrind.out.%s",
          "collapsed": "%s.folded", "svg": "%s.svg",
          "speedscope": "%s.speedscope.json"}
FIGURES = ("calls", "primitive_calls", "own", "total", "suspended")


def record(d, name, target, outputs=("fprof", "json")):
    """Profiles target (a script of tests/e2e/scripts) writing d/NAME in
    each format of outputs; returns {format: path}."""
    paths = {f: os.path.join(d, SUFFIX[f] % name) for f in outputs}
    args = ["-q"]
    for p in paths.values():
        args += ["-o", p]
    rc, out, err = run(args + [script(target)], cwd=d)
    eq(rc, 0, "exit status of the profiled run (stderr %r)" % err)
    for f, p in paths.items():
        check(os.path.exists(p), "the run wrote no %s file" % f)
    return paths


def load(path):
    """Returns a JSON document with seconds as exact Decimals."""
    with open(path, encoding="utf-8") as f:
        return json.loads(f.read(), parse_float=Decimal)


def ns(x):
    """Exact nanoseconds of a JSON seconds value."""
    return int(Decimal(x) * 1000000000)


def by_function(doc):
    """Returns {(file, line, name): row} of a document."""
    out = {}
    for r in doc["functions"]:
        key = (r["file"], r["line"], r["name"])
        check(key not in out, "two rows for %r" % (key,))
        out[key] = r
    return out


def check_sum(merged, parts):
    """Checks that every figure of the merged document is the exact sum
    (or min, or max) of those of the parts, function by function."""
    m = by_function(merged)
    ps = [by_function(p) for p in parts]
    keys = set()
    for p in ps:
        keys |= set(p)
    eq(set(m), keys, "the merged functions")
    for key in sorted(keys):
        rows = [p[key] for p in ps if key in p]
        for k in FIGURES:
            want = sum(ns(r[k]) if k not in ("calls", "primitive_calls")
                       else r[k] for r in rows)
            got = ns(m[key][k]) if k not in ("calls", "primitive_calls") \
                else m[key][k]
            eq(got, want, "%s of %s" % (k, key[2]))
        called = [r for r in rows if r["calls"] > 0]
        if called:
            eq(ns(m[key]["min"]), min(ns(r["min"]) for r in called),
               "min of %s" % key[2])
            eq(ns(m[key]["max"]), max(ns(r["max"]) for r in called),
               "max of %s" % key[2])
            # Each part's mean is its sum / calls rounded down, so the sum
            # of the parts lies in [sum(mean*calls), sum((mean+1)*calls)).
            lo = sum(ns(r["mean"]) * r["calls"] for r in called)
            hi = sum((ns(r["mean"]) + 1) * r["calls"] for r in called)
            total_calls = m[key]["calls"]
            mean = ns(m[key]["mean"])
            check(mean * total_calls < hi and (mean + 1) * total_calls > lo,
                  "mean of %s: %r for sums in [%r, %r)" % (
                      key[2], mean, lo, hi))
    eq(ns(merged["duration"]), sum(ns(p["duration"]) for p in parts),
       "duration")
    eq(merged["lost_calls"], sum(p["lost_calls"] for p in parts),
       "lost_calls")


def report(args, **kw):
    """Runs fullprof report with args; returns (rc, out, err)."""
    return run(["report"] + list(args), **kw)


def one_error_line(err, path, what):
    """Checks that stderr is exactly one line naming path."""
    lines = err.splitlines()
    eq(len(lines), 1, "lines on stderr for %s (%r)" % (what, err))
    check(lines[0].startswith("fullprof: report: %s: " % path),
          "the error for %s does not name %s: %r" % (what, path, lines[0]))
    check(len(lines[0]) > len("fullprof: report: %s: " % path) + 3,
          "the error for %s says nothing: %r" % (what, lines[0]))
    return lines[0]


def registered_formats():
    """Returns the format names `fullprof report --help` lists."""
    rc, out, err = report(["--help"])
    eq(rc, 0, "exit status of report --help")
    m = re.search(r"--format=FORMAT\s+the format of every -o file:\s*"
                  r"([a-z, \n]+?);", out)
    check(m is not None, "report --help lists no formats: %r" % out)
    names = [w for w in re.split(r"[,\s]+", m.group(1)) if w and w != "or"]
    for must in ("table", "json", "fprof"):
        check(must in names, "%s is not among the formats %r" % (must, names))
    return names


@test
def single_file_gives_back_every_format_of_the_run():
    formats = registered_formats()
    known = [f for f in formats if f in SUFFIX]
    with TempDir() as d:
        a = record(d, "run", "threads.py", outputs=known)
        for f in known:
            out = os.path.join(d, SUFFIX[f] % "rep")
            rc, _, err = report(["-q", "-o", out, a["fprof"]], cwd=d)
            if f in ("table", "json", "fprof"):
                eq(rc, 0, "exit status writing %s (%r)" % (f, err))
            elif rc != 0:
                print("# %s: report could not write it: %s" % (f, err.strip()))
                continue
            with open(a[f], "rb") as x, open(out, "rb") as y:
                ran, reported = x.read(), y.read()
            check(reported, "the reported %s file is empty" % f)
            # Even the table and svg, which show the standard library as
            # <stdlib>/...: a report knows it by its shape.
            check(ran == reported, "report of the .fprof file differs "
                  "from the run's own %s file" % f)


@test
def every_registered_format_by_name():
    with TempDir() as d:
        a = record(d, "a", "fib.py")
        for f in registered_formats():
            out = os.path.join(d, "out-" + f)
            rc, _, err = report(["-q", "-f", f, "-o", out, a["fprof"]])
            if f in ("table", "json", "fprof") or rc == 0:
                eq(rc, 0, "exit status of -f %s (%r)" % (f, err))
                check(os.path.getsize(out) > 0, "%s output is empty" % f)
            else:
                eq(rc, 73, "exit status of -f %s that failed" % f)
                one_error_line(err.replace("cannot write ", ""), out, f)


@test
def fprof_round_trip_is_byte_identical():
    with TempDir() as d:
        a = record(d, "a", "threads.py")
        b = os.path.join(d, "b.fprof")
        rc, out, err = report(["-q", "-o", b, a["fprof"]])
        eq(rc, 0, "exit status (%r)" % err)
        eq(out, "", "stdout with -q")
        with open(a["fprof"], "rb") as x, open(b, "rb") as y:
            check(x.read() == y.read(), "report -o x.fprof changed the file")


@test
def merged_figures_add_up_exactly():
    with TempDir() as d:
        a = record(d, "a", "chain.py")
        b = record(d, "b", "fib.py")
        c = record(d, "c", "chain.py")
        m = os.path.join(d, "m.json")
        rc, out, err = report(["-o", m, a["fprof"], b["fprof"], c["fprof"]])
        eq(rc, 0, "exit status (%r)" % err)
        eq(err, "", "stderr")
        check(has_table(out), "no table on stdout: %r" % out[:300])
        merged = load(m)
        check_sum(merged, [load(a["json"]), load(b["json"]),
                           load(c["json"])])
        eq(merged["mode"], "trace", "mode")
        fib = [r for r in merged["functions"] if r["name"] == "fib"]
        eq(fib[0]["calls"], 1973, "fib calls")
        chain = [r for r in merged["functions"] if r["name"] == "c"]
        eq(chain[0]["calls"], 2, "c calls, once per process")


@test
def directory_and_prefix():
    with TempDir() as d:
        src = os.path.join(d, "src")
        os.mkdir(src)
        a = record(src, "a", "chain.py")
        b = record(src, "b", "fib.py")
        prof = os.path.join(d, "profiles")
        os.mkdir(prof)
        shutil.copy(a["fprof"], os.path.join(prof, "app-1.fprof"))
        shutil.copy(a["fprof"], os.path.join(prof, "app-2.fprof"))
        shutil.copy(b["fprof"], os.path.join(prof, "other-1.fprof"))
        write(os.path.join(prof, "app-notes.txt"), "not a profile\n")
        os.mkdir(os.path.join(prof, "app-dir.fprof"))
        m = os.path.join(d, "m.json")
        rc, out, err = report(["-q", "--prefix", "app-", "-o", m, prof])
        eq(rc, 0, "exit status with --prefix (%r)" % err)
        check_sum(load(m), [load(a["json"]), load(a["json"])])
        rc, out, err = report(["-q", "-o", m, prof + "/"])
        eq(rc, 0, "exit status without --prefix (%r)" % err)
        check_sum(load(m), [load(a["json"]), load(a["json"]),
                            load(b["json"])])
        rc, out, err = report(["-q", "--prefix=zz", "-o", m, prof])
        eq(rc, 1, "exit status when nothing matches")
        one_error_line(err, prof, "a directory without matches")


def bad_files(d, good):
    """Writes one bad file of each kind next to good; returns
    [(what, path)]."""
    with open(good, encoding="utf-8") as f:
        text = f.read()
    lines = text.splitlines(True)
    node = next(i for i, ln in enumerate(lines) if ln.startswith("node "))
    corrupt = list(lines)
    fields = corrupt[node].split(" ")
    fields[2] = "99999"
    corrupt[node] = " ".join(fields)
    rng = random.Random(4)
    out = [
        ("missing", os.path.join(d, "missing.fprof"), None),
        ("empty", os.path.join(d, "empty.fprof"), ""),
        ("truncated", os.path.join(d, "truncated.fprof"),
         text[:len(text) // 2]),
        ("truncated at a line end", os.path.join(d, "cut.fprof"),
         "".join(lines[:-1])),
        ("corrupt", os.path.join(d, "corrupt.fprof"), "".join(corrupt)),
        ("another version", os.path.join(d, "v2.fprof"),
         text.replace("fullprof-profile 1\n", "fullprof-profile 2\n", 1)),
        ("sample mode", os.path.join(d, "sample.fprof"),
         text.replace('"mode": "trace"', '"mode": "sample"', 1)),
        ("cpu timer", os.path.join(d, "cpu.fprof"),
         text.replace('"timer": "wall"', '"timer": "cpu"', 1)),
        ("a JSON file", os.path.join(d, "json.fprof"), '{"functions": []}\n'),
    ]
    files = []
    for what, path, content in out:
        if content is not None:
            with open(path, "w", encoding="utf-8") as f:
                f.write(content)
        files.append((what, path))
    path = os.path.join(d, "random.fprof")
    with open(path, "wb") as f:
        f.write(bytes(rng.randrange(256) for _ in range(3000)))
    files.append(("random bytes", path))
    return files


@test
def bad_inputs_are_named_and_the_rest_reported():
    with TempDir() as d:
        a = record(d, "a", "chain.py")
        expected = load(a["json"])
        for what, path in bad_files(d, a["fprof"]):
            m = os.path.join(d, "m.json")
            if os.path.exists(m):
                os.unlink(m)
            rc, out, err = report(["-q", "-o", m, a["fprof"], path])
            eq(rc, 1, "exit status with a %s file (%r)" % (what, err))
            line = one_error_line(err, path, what)
            print("# %s: %s" % (what, line))
            check(os.path.exists(m), "nothing written with a %s file" % what)
            check_sum(load(m), [expected])
            # Alone, it gives only its error, and nothing else (a file of
            # another mode or timer is fine alone).
            rc, out, err = report([path])
            if what in ("sample mode", "cpu timer"):
                eq(rc, 0, "exit status of a %s file alone" % what)
                continue
            eq(rc, 1, "exit status of a %s file alone" % what)
            eq(out, "", "stdout of a %s file alone" % what)
            one_error_line(err, path, what)


@test
def the_mode_and_timer_of_most_files_win():
    with TempDir() as d:
        a = record(d, "a", "fib.py")
        with open(a["fprof"], encoding="utf-8") as f:
            text = f.read()
        cpu = [write(os.path.join(d, "cpu%d.fprof" % i),
                     text.replace('"timer": "wall"', '"timer": "cpu"', 1))
               for i in range(2)]
        m = os.path.join(d, "m.json")
        rc, out, err = report(["-q", "-o", m, a["fprof"]] + cpu)
        eq(rc, 1, "exit status (%r)" % err)
        line = one_error_line(err, a["fprof"], "the one wall-timer file")
        check("wall timer, unlike the 2 files reported (trace mode, cpu "
              "timer)" in line, "message %r" % line)
        eq(load(m)["timer"], "cpu", "timer of the report")


@test
def a_directory_with_bad_files_is_still_reported():
    with TempDir() as d:
        src = os.path.join(d, "src")
        os.mkdir(src)
        a = record(src, "a", "chain.py")
        prof = os.path.join(d, "p")
        os.mkdir(prof)
        bad = bad_files(prof, a["fprof"])
        # Two good files: their mode and timer are those most files share,
        # though cpu.fprof comes first.
        shutil.copy(a["fprof"], os.path.join(prof, "good-1.fprof"))
        shutil.copy(a["fprof"], os.path.join(prof, "good-2.fprof"))
        m = os.path.join(d, "m.json")
        rc, out, err = report(["-q", "-o", m, prof])
        eq(rc, 1, "exit status (%r)" % err)
        lines = err.splitlines()
        on_disk = [p for _, p in bad if os.path.exists(p)]
        eq(len(lines), len(on_disk), "one line per bad file: %r" % lines)
        for p in on_disk:
            check(any(ln.startswith("fullprof: report: %s: " % p)
                      for ln in lines), "no line names %s" % p)
        check_sum(load(m), [load(a["json"]), load(a["json"])])


@test
def random_bytes_never_crash():
    rng = random.Random(1)
    with TempDir() as d:
        a = record(d, "a", "fib.py")
        with open(a["fprof"], "rb") as f:
            good = f.read()
        for i in range(40):
            data = bytearray(good)
            for _ in range(rng.randrange(1, 8)):
                op = rng.randrange(3)
                pos = rng.randrange(len(data))
                if op == 0:
                    data[pos] = rng.randrange(256)
                elif op == 1:
                    del data[pos:pos + rng.randrange(1, 40)]
                else:
                    data[pos:pos] = bytes(rng.randrange(256)
                                          for _ in range(rng.randrange(1, 9)))
            path = os.path.join(d, "m%d.fprof" % i)
            with open(path, "wb") as f:
                f.write(bytes(data))
            rc, out, err = report(["-q", "-o", os.path.join(d, "x.json"),
                                   path])
            check(rc in (0, 1), "exit status %r for %s" % (rc, path))
            if rc == 1:
                one_error_line(err, path, "mutated file %d" % i)


@test
def output_choices():
    with TempDir() as d:
        a = record(d, "a", "chain.py")
        rc, out, err = report(["-f", "json", a["fprof"]])
        eq(rc, 0, "exit status of -f json (%r)" % err)
        eq(json.loads(out)["mode"], "trace", "JSON on stdout")
        rc, out, err = report(["-o", "-", "-f", "json", a["fprof"]])
        eq(rc, 0, "exit status of -o - (%r)" % err)
        json.loads(out)     # once, not followed by the table
        rc, out, err = report(["--sort=name", "--limit=2", a["fprof"]])
        eq(rc, 0, "exit status of --sort/--limit (%r)" % err)
        check(has_table(out), "no table: %r" % out)
        rows = [ln for ln in out.splitlines()[2:]
                if ln and not ln.startswith(("(", "fullprof:"))]
        eq(len(rows), 2, "rows with --limit=2: %r" % out)
        with open(a["fprof"], encoding="utf-8") as f:
            text = f.read()
        rc, out, err = report(["-q", "-o", os.path.join(d, "s.json"), "-"],
                              input=text)
        eq(rc, 0, "exit status reading standard input (%r)" % err)
        rc, out, err = report(["-q", "--width=300", "--threshold=1%", "-o",
                               os.path.join(d, "g.svg"), a["fprof"]])
        eq(rc, 0, "exit status with --width/--threshold (%r)" % err)
        bad_out = os.path.join(d, "no", "such", "dir", "x.json")
        rc, out, err = report(["-q", "-o", bad_out, a["fprof"]])
        eq(rc, 73, "exit status when an output cannot be written")
        check(err.startswith("fullprof: report: cannot write %s: " % bad_out),
              "error %r" % err)


@test
def usage_errors():
    for args, what in ((["report"], "no profile to read"),
                       (["report", "--bogus", "x.fprof"], "unknown option"),
                       (["report", "--limit=-1", "x.fprof"], "invalid limit"),
                       (["report", "--sort=size", "x.fprof"], "sort key"),
                       (["report", "-f", "pdf", "x.fprof"], "unknown format"),
                       (["report", "--width=5", "x.fprof"], "invalid width"),
                       (["report", "--threshold=2", "x.fprof"], "threshold"),
                       (["report", "--quiet=1", "x.fprof"], "takes no value"),
                       (["report", "x.fprof", "-o"], "needs a value")):
        rc, out, err = run(args)
        eq(rc, 2, "exit status of %r" % args)
        eq(out, "", "stdout of %r" % args)
        lines = err.splitlines()
        eq(len(lines), 2, "stderr of %r: %r" % (args, err))
        check(lines[0].startswith("fullprof: report: ") and what in lines[0],
              "message of %r: %r" % (args, lines[0]))
        eq(lines[1], "Try 'fullprof report --help' for more information.",
           "hint")
    rc, out, err = run(["report", "--help"])
    eq(rc, 0, "exit status of --help")
    check(out.startswith("usage: fullprof report [OPTIONS] FILE|DIR...\n"),
          "help %r" % out[:200])
    eq(err, "", "stderr of --help")


if __name__ == "__main__":
    main()
