"""test_greenlet.py: greenlet switches are followed.

Each greenlet has a stack of its own, as each thread has: a function run by
a greenlet sits at the top of that greenlet's paths, not under whatever
the switching greenlet was running; a switched-out greenlet's open calls
count as suspended (own time never includes another greenlet's run);
gevent handlers count one call each, with no made-up recursion. A
program's own greenlet trace function that chains the previous one keeps
the switches followed and sees every switch. Skipped when the configured python has no greenlet
(gevent: no gevent).
"""
import json
import os
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fptest import (check, eq, main, profile_run, row, run_python, skip,
                    test, timing_check)


def need(module):
    """Skips the test unless the configured python can import module."""
    rc, _, _ = run_python(["-c", "import " + module])
    if rc != 0:
        skip("python3 has no %s" % module)


def _strings(text):
    """Returns the JSON values (strings or null) side by side in text."""
    dec, out, i = json.JSONDecoder(), [], 0
    while i < len(text):
        if text[i] == " ":
            i += 1
            continue
        v, i = dec.raw_decode(text, i)
        out.append(v)
    return out


def profile_paths(script, extra=()):
    """Profiles script with a JSON and a .fprof file; returns the Result
    and a dict: call path (function names, thread root first) -> calls,
    for every node of the call tree."""
    fd, fprof = tempfile.mkstemp(prefix="fptest-", suffix=".fprof")
    os.close(fd)
    try:
        r = profile_run(script, list(extra) + ["-o", fprof])
        with open(fprof, encoding="utf-8") as f:
            lines = f.read().splitlines()
    finally:
        os.unlink(fprof)
    funcs, nodes, paths = {}, {}, {}
    for ln in lines:
        kind, _, rest = ln.partition(" ")
        if kind == "func":
            idx, _line, strs = rest.split(" ", 2)
            funcs[int(idx)] = _strings(strs)[1]
        elif kind == "thread":
            nodes[int(rest.split(" ")[1])] = ()
        elif kind == "node":
            f = rest.split(" ")
            path = nodes[int(f[1])] + (funcs[int(f[2])],)
            nodes[int(f[0])] = path
            paths[path] = paths.get(path, 0) + int(f[3])
    return r, paths


def check_switch(extra):
    need("greenlet")
    r, paths = profile_paths("greenlet_switch.py", extra)
    doc = r.doc
    eq(r.out, "done\n", "stdout")
    for name in ("a", "b", "after"):
        eq(row(doc, name)["calls"], 1, name + " calls")
        eq(row(doc, name)["primitive_calls"], 1, name + " primitive calls")
    eq(row(doc, "leaf")["calls"], 5, "leaf calls")
    # Paths: a and b start their greenlets' stacks; after() is the main
    # greenlet's, under <module>, never under a or b.
    mine = {p: c for p, c in paths.items()
            if set(p) & {"a", "b", "after", "leaf"} and
            not p[-1].startswith(("<built-in", "<method"))}
    eq(mine, {("a",): 1, ("a", "leaf"): 2, ("b",): 1, ("b", "leaf"): 2,
              ("<module>", "after"): 1, ("<module>", "after", "leaf"): 1},
       "the paths through a, b, after and leaf, with their calls")
    # Time, as bounds that hold on a busy machine (a sleep never ends
    # early): while b runs, a is switched out, so a's total (wall)
    # includes that, as suspended, and its own time does not; what a
    # waited is one of b's two halves, less than b ran in all.
    a, b = row(doc, "a"), row(doc, "b")
    m, aft = row(doc, "<module>", "greenlet_switch.py"), row(doc, "after")
    timing_check(a["total"] >= 0.045, "a total %r < 45 ms" % a["total"])
    timing_check(a["suspended"] >= 0.025, "a suspended %r < 25 ms (b ran)"
                 % a["suspended"])
    timing_check(a["total"] - a["suspended"] >= 0.020, "a ran %r < 20 ms"
                 % (a["total"] - a["suspended"]))
    timing_check(a["own"] <= a["total"] - a["suspended"] + 1e-6,
                 "a's own time %r includes its time switched out (total %r, "
                 "suspended %r)" % (a["own"], a["total"], a["suspended"]))
    timing_check(a["suspended"] < b["total"] - b["suspended"],
                 "a suspended %r, more than b ran (%r)" % (
                     a["suspended"], b["total"] - b["suspended"]))
    timing_check(b["total"] >= 0.070, "b total %r < 70 ms" % b["total"])
    timing_check(b["suspended"] >= 0.020, "b suspended %r < 20 ms (a, "
                 "after ran)" % b["suspended"])
    timing_check(b["own"] <= b["total"] - b["suspended"] + 1e-6,
                 "b's own time %r includes its time switched out" % b["own"])
    timing_check(aft["total"] >= 0.010, "after total %r" % aft["total"])
    eq(aft["suspended"], 0, "after suspended")
    timing_check(m["suspended"] >= 0.070, "<module> suspended %r < 70 ms "
                 "(a, b ran)" % m["suspended"])
    timing_check(m["own"] <= m["total"] - m["suspended"] + 1e-6,
                 "<module>'s own time %r includes its time switched out"
                 % m["own"])


@test
def greenlets_have_stacks_of_their_own():
    check_switch(())


@test
def greenlets_have_stacks_of_their_own_with_builtins():
    check_switch(["--builtins"])


@test
def program_trace_function_that_chains():
    need("greenlet")
    r, paths = profile_paths("greenlet_chain.py")
    eq(r.out, "switch switch switch switch switch switch switch switch\n",
       "the program's trace function saw")
    # The program's function runs in the greenlet switched to, but
    # before fullprof's: its own frames are drawn where they ran, under
    # the greenlet switched from (README); the program's calls count right.
    eq(row(r.doc, "worker")["calls"], 1, "worker calls")
    eq(row(r.doc, "after")["calls"], 1, "after calls")
    eq(row(r.doc, "trace")["calls"], 8, "trace calls")
    check(("worker",) in paths, "worker not at the top of its greenlet: %r"
          % sorted(p for p in paths if "worker" in p))


@test
def gevent_handlers_count_one_call_each():
    need("gevent")
    r, paths = profile_paths("gevent_handlers.py")
    doc = r.doc
    h = row(doc, "handler")
    eq(h["calls"], 20, "handler calls")
    eq(h["primitive_calls"], 20, "handler primitive calls (recursion)")
    eq(row(doc, "work")["calls"], 20, "work calls")
    mine = {p: c for p, c in paths.items() if "handler" in p}
    eq(mine.get(("handler",)), 20, "handler calls at the top of greenlets")
    eq(mine.get(("handler", "work")), 20, "work calls under handler")
    for p in mine:
        check(p.count("handler") == 1 and p[0] == "handler",
              "handler on a wrong path: %r" % (p,))
    # Each waits its 20 ms (more on a busy machine, as the hub resumes
    # them one by one), switched out: suspended, not own time.
    timing_check(h["max"] < 1.0, "handler max %r" % h["max"])
    timing_check(h["own"] < 0.1 * h["total"], "handler own %r of total %r "
                 "includes the waits" % (h["own"], h["total"]))
    timing_check(h["suspended"] > 0.8 * h["total"], "handler suspended %r "
                 "of total %r" % (h["suspended"], h["total"]))


if __name__ == "__main__":
    main()
