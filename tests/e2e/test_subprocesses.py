"""test_subprocesses.py: `fullprof --subprocesses` profiles the program's
Python children too.

Children started by multiprocessing (fork, spawn and forkserver, Process
and Pool, including a pool terminated by SIGTERM), by subprocess with
sys.executable (a script, -c, -m, and a grandchild) and by os.fork each
write NAME.<pid>.fprof beside the first -o file, and the parent's report
adds in those that ended before it: counts are exact, and a forked child
never reports the parent's calls again. Children run python3's own
command line exactly as python3 would (the same output for its options),
multiprocessing's forkserver and resource tracker write nothing of their
own, and without -o the children's files live in a temporary directory
that is gone afterwards. The scripts are tests/e2e/scripts/sub_*.py.
"""
import glob
import json
import os
import re
import signal
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fptest
from fptest import (FULLPROF, PYTHON, TempDir, check, eq, main, parse_table,
                    script, test)

# Children under the profiler start slowly on a loaded machine.
TREE_TIMEOUT = 90


def run_tree(argv, env=None, cwd=None, timeout=TREE_TIMEOUT):
    """Runs argv in a process group of its own; returns (returncode,
    stdout, stderr) as text. On timeout the whole group is killed (the
    program's children included, which could otherwise hold the pipes
    open) and the test fails with what was printed."""
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=fptest._env(env), cwd=cwd,
                         start_new_session=True)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        try:
            out, err = p.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            out, err = b"", b""
        raise AssertionError("timed out after %ss: %s\n--- stderr:\n%s" % (
            timeout, " ".join(argv), err.decode("utf-8", "replace")[-3000:]))
    return (p.returncode, out.decode("utf-8", "surrogateescape"),
            err.decode("utf-8", "surrogateescape"))


def run(args, **kw):
    """Runs fullprof with args, as run_tree does."""
    return run_tree([FULLPROF] + list(args), **kw)


def run_python(args, **kw):
    """Runs plain python3 with args, as run_tree does."""
    return run_tree([PYTHON] + list(args), **kw)


def result(out):
    """Returns the object a script printed as `RESULT <json>`."""
    for line in out.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    raise AssertionError("no RESULT line in %r" % out[-2000:])


def load(path):
    """Returns a JSON document."""
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def calls(doc, names):
    """Returns {name: calls} of the rows named in names (0 when absent)."""
    found = {n: 0 for n in names}
    for r in doc["functions"]:
        if r["name"] in found:
            found[r["name"]] += r["calls"]
    return found


def child_files(d, name="run"):
    """Returns {pid: path} of the NAME.<pid>.fprof files in d."""
    out = {}
    for p in glob.glob(os.path.join(d, name + ".*.fprof")):
        m = re.match(r"^%s\.(\d+)\.fprof$" % re.escape(name),
                     os.path.basename(p))
        if m:
            out[int(m.group(1))] = p
    return out


def report_json(d, paths):
    """Returns the JSON document `fullprof report` makes of paths."""
    out = os.path.join(d, "report-%d.json" % len(os.listdir(d)))
    rc, _, err = run(["report", "-q", "-o", out] + list(paths))
    eq(rc, 0, "fullprof report status (stderr %r)" % err)
    return load(out)


def run_sub(d, target, extra=(), expect_rc=0, **kw):
    """Runs fullprof --subprocesses -q -o D/run.json TARGET; returns
    (stdout, stderr, the JSON document)."""
    path = os.path.join(d, "run.json")
    rc, out, err = run(["--subprocesses", "-q", "-o", path] + list(extra) +
                       list(target), cwd=d, **kw)
    eq(rc, expect_rc, "exit status (stderr %r)" % err[-3000:])
    return out, err, load(path)


# -------------------------------------------------------- multiprocessing

def check_multiprocessing(method):
    with TempDir() as d:
        out, err, doc = run_sub(d, [script("sub_mp.py"), method])
        seen = result(out)
        eq(seen["exitcodes"], [0, 0, 0], "the Process children's status")
        eq(seen["total"], 45, "what the pool computed")
        eq(os.path.realpath(seen["executable"]), os.path.realpath(FULLPROF),
           "sys.executable in the program")
        eq(calls(doc, ["work", "pooled", "leaf"]),
           {"work": 3, "pooled": 10, "leaf": 20}, "merged calls")
        files = child_files(d)
        # One file per child that ran Python code: none of the parent's,
        # none of the forkserver's nor the resource tracker's. (A pool
        # worker that the pool terminates while it is still starting, with
        # nothing done yet, may die before it can write one.)
        procs = seen["children"][:3]
        check(set(procs) <= set(files) <= set(seen["children"]),
              "the children's files %r, the children %r" % (
                  sorted(files), seen["children"]))
        check(err == "", "stderr: %r" % err[-2000:])
        # Each Process child reports its own work call and nothing of the
        # parent's main().
        for pid, n in zip(procs, (2, 3, 4)):
            one = report_json(d, [files[pid]])
            eq(calls(one, ["work", "leaf", "main"]),
               {"work": 1, "leaf": n, "main": 0}, "child %d's calls" % pid)


@test
def multiprocessing_fork():
    check_multiprocessing("fork")


@test
def multiprocessing_spawn():
    check_multiprocessing("spawn")


@test
def multiprocessing_forkserver():
    check_multiprocessing("forkserver")


# ------------------------------------------------------------- exec, fork

@test
def children_running_sys_executable():
    with TempDir() as d:
        out, err, doc = run_sub(d, [script("sub_exec.py")])
        eq(result(out)["codes"], [0, 0, 0], "the children's status")
        eq(calls(doc, ["child_fn"]), {"child_fn": 10},
           "child_fn: 2 + 3 (grandchild) + 1 (-c) + 4 (-m)")
        eq(len(child_files(d)), 4, "files: script, grandchild, -c, -m")


@test
def a_broken_child_file_is_named_and_skipped():
    with TempDir() as d:
        out, err, doc = run_sub(d, [script("sub_exec.py"),
                                    os.path.join(d, "run")])
        eq(calls(doc, ["child_fn"]), {"child_fn": 10}, "the good files")
        lines = [ln for ln in err.splitlines() if ln]
        eq(len(lines), 1, "lines on stderr (%r)" % err)
        check(lines[0].startswith("fullprof: cannot add the child profile "
                                  "%s: " % os.path.join(d, "run.1.fprof")),
              "message %r" % lines[0])


@test
def forked_child_never_reports_the_parent_again():
    with TempDir() as d:
        out, err, doc = run_sub(d, [script("sub_fork.py")])
        child = result(out)["child"]
        eq(calls(doc, ["f", "g", "main"]), {"f": 6, "g": 1, "main": 1},
           "merged calls")
        files = child_files(d)
        eq(sorted(files), [child], "the child's file")
        eq(calls(report_json(d, [files[child]]), ["f", "g", "main"]),
           {"f": 2, "g": 1, "main": 0}, "the child's own calls")


@test
def forked_child_ending_with_os_exit_writes_its_file():
    with TempDir() as d:
        out, err, doc = run_sub(d, [script("sub_fork.py"), "os_exit"])
        child = result(out)["child"]
        eq(calls(doc, ["f", "g", "main"]), {"f": 6, "g": 1, "main": 1},
           "merged calls")
        eq(sorted(child_files(d)), [child], "the child's file")


@test
def older_files_beside_the_output_are_left_out():
    with TempDir() as d:
        run_sub(d, [script("sub_fork.py")])
        old = list(child_files(d).values())[0]
        stale = os.path.join(d, "run.4242.fprof")
        os.rename(old, stale)
        os.utime(stale, (1e9, 1e9))	# 2001
        out, err, doc = run_sub(d, [script("sub_fork.py")])
        eq(calls(doc, ["f", "g"]), {"f": 6, "g": 1}, "calls, stale file "
           "left out")
        check(os.path.exists(stale), "the stale file was removed")


@test
def output_name_without_its_format_ending():
    with TempDir() as d:
        rc, out, err = run(["--subprocesses", "-q", "-o",
                            os.path.join(d, "prof.speedscope.json"),
                            "-o", os.path.join(d, "t.json"),
                            script("sub_fork.py")], cwd=d)
        eq(rc, 0, "exit status (stderr %r)" % err)
        eq(len(child_files(d, "prof")), 1, "prof.<pid>.fprof files")
        eq(calls(load(os.path.join(d, "t.json")), ["f"]), {"f": 6},
           "the second output merges too")


@test
def without_output_the_table_merges_and_nothing_is_left():
    with TempDir() as d:
        tmp = os.path.join(d, "tmp")
        os.mkdir(tmp)
        rc, out, err = run(["--subprocesses", "--limit=0",
                            script("sub_mp.py"), "fork"], cwd=d,
                           env={"TMPDIR": tmp})
        eq(rc, 0, "exit status (stderr %r)" % err[-2000:])
        title, rows, footer = parse_table(err)
        got = {r["function"]: r["calls"] for r in rows
               if r["function"] in ("work", "pooled", "leaf")}
        eq(got, {"work": "3", "pooled": "10", "leaf": "20"}, "table calls")
        eq(os.listdir(tmp), [], "left in TMPDIR")
        eq(sorted(os.listdir(d)), ["tmp"], "files written beside")


# ------------------------------------------------------- python3's options

@test
def children_take_python3_options():
    py_rc, py_out, py_err = run_python([script("sub_flags.py")])
    eq(py_rc, 0, "plain python3 status (stderr %r)" % py_err)
    with TempDir() as d:
        out, err, doc = run_sub(d, [script("sub_flags.py")])
        eq(out, py_out, "what the children printed")
        eq(len(child_files(d)), 9, "one file per child")


@test
def without_the_option_children_are_plain_python():
    with TempDir() as d:
        path = os.path.join(d, "run.json")
        rc, out, err = run(["-q", "-o", path, script("sub_exec.py")], cwd=d)
        eq(rc, 0, "exit status (stderr %r)" % err)
        eq(calls(load(path), ["child_fn"]), {"child_fn": 0},
           "children's calls")
        eq(child_files(d), {}, "children's files")
        rc, out, err = run(["-c", "import os, sys; print(sys.executable, "
                            "'FULLPROF_CHILD' in os.environ)"])
        check(out.split()[1] == "False" and
              os.path.realpath(out.split()[0]) !=
              os.path.realpath(FULLPROF), "sys.executable / env: %r" % out)


@test
def invalid_child_settings():
    rc, out, err = run(["-c", "print('ran')"],
                       env={"FULLPROF_CHILD": "garbage"})
    eq(rc, 2, "exit status")
    eq(out, "", "stdout")
    check(err.startswith("fullprof: the environment variable FULLPROF_CHILD "
                         "is not valid"), "message %r" % err)


@test
def help_lists_the_option():
    rc, out, err = run(["--help"])
    check("--subprocesses" in out, "--subprocesses not in --help")


if __name__ == "__main__":
    main()
