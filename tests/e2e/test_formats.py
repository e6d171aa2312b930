"""test_formats.py: the files other tools read: pstats, callgrind and
collapsed stacks.

One run of scripts/formats_mix.py (nested calls, a recursion, a coroutine
that waits) writes x.json, x.prof, callgrind.out.1 and x.folded together.
Then: x.prof loads with pstats.Stats under every Python 3.8 to 3.13 found
in /root/.pyenv/versions and under /usr/bin/python3 (one test line each, a
SKIP line for each version not found), with the JSON's counts exactly and
its times within 1µs, and the callers of each function as the call tree
has them; callgrind_annotate --inclusive=yes (when valgrind is installed)
prints each function's JSON total as its inclusive cost; and the folded
lines add up to the JSON's own time, each line well formed.
"""
import glob
import json
import os
import re
import shutil
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fptest import (TempDir, check, eq, check_invariants, main, run,
                    run_cmd, script, skip, test)

US = 1e-6
SLEEP = "<built-in method time.sleep>"

# Loads a pstats file, prints every view of it (so that printing works
# too), and writes its figures as JSON.
LOADER = r"""
import io, json, pstats, sys
s = pstats.Stats(sys.argv[1], stream=io.StringIO())
s.sort_stats("cumulative").print_stats()
s.print_callers()
s.print_callees()
rows = []
for (f, l, n), (cc, nc, tt, ct, callers) in s.stats.items():
    rows.append([f, l, n, cc, nc, tt, ct,
                 [[cf, cl, cn] + list(v) for (cf, cl, cn), v in
                  callers.items()]])
print(json.dumps({"version": sys.version.split()[0], "rows": rows,
                  "total_calls": s.total_calls}))
"""

_files = {}


def files():
    """Profiles formats_mix.py once, writing the four files; returns a dict
    with their contents: json (parsed), prof (path), callgrind (path),
    folded (text)."""
    if _files:
        return _files
    tmp = TempDir().__enter__()
    paths = {"json": os.path.join(tmp, "x.json"),
             "prof": os.path.join(tmp, "x.prof"),
             "callgrind": os.path.join(tmp, "callgrind.out.1"),
             "folded": os.path.join(tmp, "x.folded")}
    args = ["-q", "--builtins"]
    for k in ("json", "prof", "callgrind", "folded"):
        args += ["-o", paths[k]]
    rc, out, err = run(args + [script("formats_mix.py")])
    eq(rc, 0, "exit status (stderr: %s)" % err[-2000:])
    for k, p in paths.items():
        check(os.path.exists(p), "%s not written: %s" % (p, err[-2000:]))
    with open(paths["json"], encoding="utf-8") as f:
        doc = json.load(f)
    check_invariants(doc)
    with open(paths["folded"], encoding="utf-8") as f:
        folded = f.read()
    _files.update(json=doc, prof=paths["prof"],
                  callgrind=paths["callgrind"], folded=folded, tmp=tmp)
    return _files


def json_rows():
    """Returns the JSON rows by (file, line, name)."""
    return {(r["file"], r["line"], r["name"]): r
            for r in files()["json"]["functions"]}


def key(name):
    """Returns the (file, line, name) of a function of formats_mix.py (or
    of time.sleep)."""
    for k in json_rows():
        if k[2] == name and (name == SLEEP or
                             k[0].endswith("formats_mix.py")):
            return k
    raise AssertionError("no row for %s" % name)


def close(a, b, what):
    """Fails unless the times a and b (seconds) are within 1µs."""
    check(abs(a - b) <= US, "%s: %r, expected %r (within 1µs)" % (what, a, b))


def load_pstats(python):
    """Loads x.prof under python; returns (version, rows by key, total
    calls)."""
    rc, out, err = run_cmd([python, "-I", "-c", LOADER, files()["prof"]])
    check(rc == 0, "%s could not load the file:\n%s" % (python, err[-3000:]))
    doc = json.loads(out)
    rows = {}
    for f, l, n, cc, nc, tt, ct, callers in doc["rows"]:
        rows[(f, l, n)] = (cc, nc, tt, ct, {
            (c[0], c[1], c[2]): tuple(c[3:]) for c in callers})
    return doc["version"], rows, doc["total_calls"]


def check_pstats(python):
    """Compares what python's pstats reads with the JSON rows."""
    version, rows, total_calls = load_pstats(python)
    want = json_rows()
    for k, r in want.items():
        check(k in rows, "%s: no entry for %r" % (version, k))
        cc, nc, tt, ct, callers = rows[k]
        what = "%s %s" % (version, k[2])
        eq((cc, nc), (r["primitive_calls"], r["calls"]), what + " cc, nc")
        close(tt, r["own"], what + " tt")
        close(ct, r["total"], what + " ct")
    for k, v in rows.items():
        check(k in want or v[:4] == (0, 0, 0.0, 0.0),
              "%s: entry %r has figures but no JSON row" % (version, k))
    eq(total_calls, sum(r["calls"] for r in want.values()),
       version + " total calls")


def pythons():
    """Returns [(label, path or None)]: every Python 3.8 to 3.13 under
    /root/.pyenv/versions (None for a version not found), then
    /usr/bin/python3 when present."""
    found = []
    for minor in range(8, 14):
        paths = sorted(glob.glob("/root/.pyenv/versions/3.%d.*/bin/python3"
                                 % minor))
        paths = [p for p in paths if re.search(r"/3\.%d\.\d+/" % minor, p)]
        found.append(("3.%d" % minor, paths[-1] if paths else None))
    found.append(("/usr/bin/python3", "/usr/bin/python3"
                  if os.access("/usr/bin/python3", os.X_OK) else None))
    return found


def register_pythons():
    """Registers one pstats test per Python (a skip when it is missing)."""
    for label, path in pythons():
        def one(label=label, path=path):
            if path is None:
                skip("no python%s in /root/.pyenv/versions" % label)
            check_pstats(path)
        test(one, name="pstats_loads_under %s (%s)" % (
            label, path or "not found"))


@test
def pstats_loads_under_configured_python():
    check_pstats(sys.executable)


register_pythons()


@test
def pstats_callers_follow_the_tree():
    version, rows, _ = load_pstats(sys.executable)
    leaf, mid, rec, main_, co, sleep = (key(n) for n in (
        "leaf", "mid", "rec", "main", "co", SLEEP))
    eq({k: v[:2] for k, v in rows[leaf][4].items()},
       {mid: (4, 4), rec: (1, 1)}, "callers of leaf (nc, cc)")
    eq({k: v[:2] for k, v in rows[rec][4].items()},
       {main_: (1, 1), rec: (3, 0)}, "callers of rec (nc, cc)")
    eq({k: v[:2] for k, v in rows[mid][4].items()},
       {main_: (1, 1), co: (1, 1)}, "callers of mid (nc, cc)")
    eq({k: v[:2] for k, v in rows[sleep][4].items()},
       {leaf: (5, 5)}, "callers of time.sleep (nc, cc)")
    eq(rows[rec][4][rec][3], 0.0, "ct of rec's recursive calls")
    # Edges add up to the function: no call of these is at the top.
    for k in (leaf, mid, rec, sleep):
        cc, nc, tt, ct, callers = rows[k]
        eq(sum(v[0] for v in callers.values()), nc, "%s nc" % k[2])
        eq(sum(v[1] for v in callers.values()), cc, "%s cc" % k[2])
        close(sum(v[2] for v in callers.values()), tt, "%s tt" % k[2])
        close(sum(v[3] for v in callers.values()), ct, "%s ct" % k[2])
    eq(rows[key("<module>")][4], {}, "callers of <module> (a root)")


@test
def pstats_coroutine_total_includes_suspension():
    _, rows, _ = load_pstats(sys.executable)
    r = json_rows()[key("co")]
    check(r["suspended"] >= 0.009, "co suspended %r" % r["suspended"])
    cc, nc, tt, ct, _ = rows[key("co")]
    close(ct, r["total"], "co ct")
    # Suspended 10ms, then running mid() (two 2ms sleeps): the total has
    # both, the own time neither.
    check(ct >= r["suspended"] + 0.004 and tt <= ct - r["suspended"],
          "co tt %r ct %r suspended %r" % (tt, ct, r["suspended"]))


def annotate_inclusive():
    """Runs callgrind_annotate --inclusive=yes; returns {"file:fn": ns}."""
    tool = shutil.which("callgrind_annotate")
    if tool is None:
        skip("callgrind_annotate not installed (valgrind)")
    rc, out, err = run_cmd([tool, "--inclusive=yes", "--threshold=100",
                            "--auto=no", files()["callgrind"]], cwd="/")
    eq(rc, 0, "callgrind_annotate status (%s)" % err[-2000:])
    check("WARNING" not in err, "callgrind_annotate: %s" % err[-2000:])
    got = {}
    for line in out.split("\n"):
        m = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+(\S.*?)\s*$", line)
        if m and not m.group(2).startswith(("PROGRAM", "=>")):
            got[m.group(2)] = int(m.group(1).replace(",", ""))
    return got


@test
def callgrind_annotate_inclusive_is_total():
    got = annotate_inclusive()
    rows = json_rows()
    names = {}
    for f, l, n in rows:
        names.setdefault((f, n), []).append(l)
    checked = 0
    for (f, l, n), r in rows.items():
        label = "%s:%s%s" % (f, n, ":%d" % l if len(names[(f, n)]) > 1
                             else "")
        ns = round(r["total"] * 1e9)
        if ns == 0:
            continue
        check(label in got, "callgrind_annotate shows no %s" % label)
        eq(got[label], ns, "inclusive ns of " + label)
        checked += 1
    check(checked > 20, "only %d functions checked" % checked)
    for n in ("leaf", "rec", "co"):
        f, l, _ = key(n)
        eq(got["%s:%s" % (f, n)], round(rows[key(n)]["total"] * 1e9),
           "inclusive of " + n)
    eq(got["~:<thread MainThread>"] > 0, True, "thread root shown")


@test
def folded_lines_add_up_to_own_time():
    text = files()["folded"]
    lines = text.split("\n")
    eq(lines[-1], "", "last line ends with a newline")
    total = 0
    for ln in lines[:-1]:
        m = re.fullmatch(r"([^;\n]+(?:;[^;\n]+)*) ([1-9]\d*)", ln)
        check(m is not None, "bad line %r" % ln)
        check(not ln.startswith("<thread "), "thread frame in %r" % ln)
        total += int(m.group(2))
    own_us = sum(r["own"] for r in files()["json"]["functions"]) / US
    check(abs(total - own_us) <= 1, "folded total %dµs, JSON own %.3fµs" % (
        total, own_us))


@test
def folded_recursion_path():
    text = files()["folded"]
    f = key("rec")[0]
    rec, leaf, main_ = ("%s (%s:%d)" % (n, f, key(n)[1])
                        for n in ("rec", "leaf", "main"))
    path = ";".join([main_] + [rec] * 4 + [leaf, SLEEP])
    check(re.search(r"(^|;)%s \d+$" % re.escape(path), text, re.M),
          "no line for %s" % path)


@test
def other_file_names_select_the_formats():
    with TempDir() as d:
        names = ["a.pstats", "b.collapsed", "c.callgrind"]
        args = []
        for n in names:
            args += ["-o", os.path.join(d, n)]
        rc, out, err = run(["-q"] + args + ["-c", "sum(range(9))"])
        eq(rc, 0, "exit status (%s)" % err[-2000:])
        with open(os.path.join(d, "a.pstats"), "rb") as f:
            eq(f.read(1), b"{", "pstats file starts a dict")
        with open(os.path.join(d, "b.collapsed"), encoding="utf-8") as f:
            check(re.fullmatch(r"(\S.* \d+\n)*", f.read()), "folded lines")
        with open(os.path.join(d, "c.callgrind"), encoding="utf-8") as f:
            eq(f.readline(), "# callgrind format\n", "callgrind header")


if __name__ == "__main__":
    try:
        main()
    finally:
        if _files.get("tmp"):
            shutil.rmtree(_files["tmp"], ignore_errors=True)
