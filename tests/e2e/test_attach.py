"""test_attach.py: `fullprof attach -p PID` samples a running Python process.

The targets are child processes running tests/e2e/scripts/attach_target.py
(a main thread spending about 3/4 of its time in heavy() and 1/4 in
light(), a thread sleeping, a function that never runs) with the python
fullprof was built for, and, when pyenv has it, with Python 3.13 (read
through its _Py_DebugOffsets). Covered: --dump (and the line each frame
of attach_lines.py is blocked at), the function filter with
"no data" for a function that never runs, the figures and sample counts
of the JSON file, intermediate results through commands on a pipe, the
target exiting mid-run, the cpu timer, the interactive prompt through a
pseudo-terminal (commands, exit and Ctrl-C), and every error: a process
that is not Python, one that does not exist, one fullprof may not read,
an unsupported version and bad options.
"""
import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fptest import (FULLPROF, PYTHON, TempDir, check, eq, main, run, script,
                    skip, test)

PY313 = "/root/.pyenv/versions/3.13.0/bin/python3"
PY310 = "/root/.pyenv/versions/3.10.13/bin/python3"
TARGET = script("attach_target.py")


class Target:
    """A child python running attach_target.py (or script_path), ready
    when returned; a with block kills it at the end."""

    def __init__(self, python=PYTHON, lifetime=60, script_path=TARGET):
        self.p = subprocess.Popen(
            [python, script_path, str(lifetime)], stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        r, _, _ = select.select([self.p.stdout], [], [], 15)
        line = self.p.stdout.readline() if r else b""
        if line.strip() != b"ready":
            self.close()
            raise AssertionError("the target did not start: %r" % line)
        self.pid = self.p.pid

    def close(self):
        if self.p.poll() is None:
            self.p.kill()
        self.p.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def python_minor(python):
    """Returns "3.X" of an interpreter."""
    out = subprocess.run([python, "-c", "import sys; print('%d.%d' % "
                          "sys.version_info[:2])"], capture_output=True,
                         text=True).stdout
    return out.strip()


def one_error_line(err, *words):
    """Checks that stderr is one line naming every word."""
    lines = err.strip().split("\n")
    eq(len(lines), 1, "stderr lines (%r)" % err)
    for w in words:
        check(w in lines[0], "%r not in %r" % (w, lines[0]))


def load(path):
    """Returns a JSON document."""
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def rows_by_name(doc):
    """Returns {name: row} of a document's functions."""
    return {r["name"]: r for r in doc["functions"]}


def read_until(fd, pattern, timeout=15):
    """Reads fd until the text read matches pattern; returns it."""
    buf = b""
    end = time.monotonic() + timeout
    while not re.search(pattern, buf.decode(errors="replace"), re.M):
        left = end - time.monotonic()
        r, _, _ = select.select([fd], [], [], max(left, 0))
        if not r:
            raise AssertionError("no %r within %ss; read %r" % (
                pattern, timeout, buf.decode(errors="replace")[-1500:]))
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            chunk = b""
        if not chunk:
            raise AssertionError("end of output before %r; read %r" % (
                pattern, buf.decode(errors="replace")[-1500:]))
        buf += chunk
    return buf.decode(errors="replace")


# ------------------------------------------------------------------ dump

@test
def dump_prints_every_thread():
    with Target() as t:
        rc, out, err = run(["attach", "--dump", "-p", str(t.pid)])
    eq(rc, 0, "exit status (stderr %r)" % err)
    eq(err, "", "stderr")
    check(out.startswith("Process %d (Python " % t.pid), out[:200])
    check("2 threads" in out, out[:200])
    blocks = out.strip().split("\n\n")[1:]
    eq(len(blocks), 2, "thread blocks")
    main_block = [b for b in blocks if "main thread" in b]
    eq(len(main_block), 1, "main thread blocks")
    frames = main_block[0].split("\n")[1:]
    check(re.search(r"attach_target\.py:\d+ (heavy|light|work)$",
                    frames[0]), "innermost frame %r" % frames[0])
    check(frames[-1].strip().endswith("<module>"), frames[-1])
    check(re.match(r"Thread \d+ \(native id %d, main thread\):" % t.pid,
                   main_block[0]), main_block[0][:100])
    other = [b for b in blocks if "main thread" not in b][0]
    check(" sleeper" in other, other)


def marked_lines(path):
    """Returns {function: line} of the "# at NAME" comments of a script."""
    lines = {}
    with open(path, encoding="utf-8") as f:
        for n, text in enumerate(f, 1):
            m = re.search(r"# at (\S+)$", text.rstrip())
            if m:
                lines[m.group(1)] = n
    return lines


@test
def dump_shows_current_lines():
    """Every frame of a target blocked at known lines shows that line
    (with the Python fullprof was built for, and 3.13 when pyenv has it,
    read through its debug offsets)."""
    path = script("attach_lines.py")
    want = marked_lines(path)
    eq(len(want), 5, "marked lines %r" % want)
    pythons = [PYTHON]
    if os.access(PY313, os.X_OK) and python_minor(PYTHON) != "3.13":
        pythons.append(PY313)
    for python in pythons:
        with Target(python=python, script_path=path) as t:
            # the threads may still be on their way to block
            for _ in range(50):
                rc, out, err = run(["attach", "--dump", "-p", str(t.pid)])
                eq(rc, 0, "exit status (stderr %r)" % err)
                got = {}
                for m in re.finditer(r"^  (\S+):(\d+) (\S+)$", out, re.M):
                    if m.group(1) == path:
                        got[m.group(3)] = int(m.group(2))
                if got == want:
                    break
                time.sleep(0.1)
        eq(got, want, "%s: lines of %s in\n%s" % (python, path, out))


# ------------------------------------------------------------------ sampling

@test
def function_filter_and_no_data():
    with TempDir() as d, Target() as t:
        path = os.path.join(d, "a.json")
        rc, out, err = run(["attach", "-p", str(t.pid), "--duration=1.5",
                            "-s", "5ms", "-F", "heavy", "-F", "light",
                            "-F", "never_called", "-o", path])
        eq(rc, 0, "exit status (stderr %r)" % err)
        doc = load(path)
    eq(doc["mode"], "sample", "mode")
    eq(doc["pid"], t.pid, "pid")
    check(doc["samples"]["taken"] > 50, "samples %r" % doc["samples"])
    check(doc["samples"]["requested"] >= doc["samples"]["taken"],
          "samples %r" % doc["samples"])
    rows = rows_by_name(doc)
    check("heavy" in rows and "light" in rows, "rows %r" % sorted(rows))
    check("work" not in rows or rows["work"]["samples"] <=
          rows["heavy"]["samples"] + rows["light"]["samples"],
          "work counted outside heavy and light")
    check("sleeper" not in rows, "the sleeper thread was counted")
    share = rows["heavy"]["total"] / (rows["heavy"]["total"] +
                                      rows["light"]["total"])
    check(0.5 < share < 0.95, "heavy's share %.2f, expected about 0.75"
          % share)
    check(rows["heavy"]["error"] > 0, "no error estimate")
    # The table: every requested function, never_called as "no data".
    check(re.search(r"never_called\s+no data", out), out)
    check(re.search(r"\bheavy\b", out), out)
    check("requested" in out and "dropped" in out, out)


@test
def functions_from_a_file():
    with TempDir() as d, Target() as t:
        names = os.path.join(d, "functions.txt")
        with open(names, "w", encoding="utf-8") as f:
            f.write("# what to watch\n\n  heavy   # the hot one\n"
                    "never_called\n")
        path = os.path.join(d, "a.json")
        rc, out, err = run(["attach", "-p", str(t.pid), "--duration=0.6",
                            "-s", "5ms", "--functions-from", names,
                            "-o", path])
        eq(rc, 0, "exit status (stderr %r)" % err)
        doc = load(path)
    rows = rows_by_name(doc)
    check("heavy" in rows and rows["heavy"]["samples"] > 0,
          "rows %r" % sorted(rows))
    check("light" not in rows, "light is not in the file: %r" % sorted(rows))
    check(rows["never_called"].get("no_data"), "never_called: %r" %
          rows["never_called"])
    check(re.search(r"never_called\s+no data", out), out)


@test
def every_function_without_filter():
    with TempDir() as d, Target() as t:
        path = os.path.join(d, "a.json")
        rc, out, err = run(["attach", "-p", str(t.pid), "-d", "1",
                            "-q", "-o", path])
        eq(rc, 0, "exit status (stderr %r)" % err)
        eq(out, "", "stdout with -q")
        doc = load(path)
    rows = rows_by_name(doc)
    for name in ("heavy", "light", "work", "sleeper", "<module>"):
        check(name in rows, "%s missing: %r" % (name, sorted(rows)))
    # Wall timer: the sleeping thread counts as much as the main one.
    approx_ratio = rows["sleeper"]["total"] / rows["<module>"]["total"]
    check(0.7 < approx_ratio < 1.3, "sleeper/main %.2f" % approx_ratio)


@test
def cpu_timer_leaves_sleeper_out():
    with TempDir() as d, Target() as t:
        path = os.path.join(d, "a.json")
        rc, out, err = run(["attach", "-p", str(t.pid), "-d", "1",
                            "--timer=cpu", "-q", "-o", path])
        eq(rc, 0, "exit status (stderr %r)" % err)
        doc = load(path)
    eq(doc["timer"], "cpu", "timer")
    rows = rows_by_name(doc)
    check("heavy" in rows, "rows %r" % sorted(rows))
    sleeper = rows.get("sleeper", {"total": 0})["total"]
    check(sleeper < 0.3 * rows["heavy"]["total"],
          "sleeper %r against heavy %r" % (sleeper, rows["heavy"]["total"]))


@test
def scripted_commands_give_intermediate_results():
    with Target() as t:
        p = subprocess.Popen(
            [FULLPROF, "attach", "-p", str(t.pid), "-F", "heavy"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)
        try:
            fd = p.stdout.fileno()
            time.sleep(0.5)
            p.stdin.write(b"results\n")
            p.stdin.flush()
            first = read_until(fd, r"requested.*dropped")
            check(re.search(r"\bheavy\b", first), first)
            check(not re.search(r"\blight\b", first), first)
            p.stdin.write(b"add light never_called\nstatus\n")
            p.stdin.flush()
            status = read_until(fd, r"^thread .*native id")
            check("counting: heavy light never_called" in status, status)
            check(re.search(r"^sampling PID %d .*samples taken [1-9]"
                            % t.pid, status, re.M), status)
            check(re.search(r"^thread MainThread: ident \d+, native id %d$"
                            % t.pid, status, re.M), status)
            time.sleep(0.5)
            p.stdin.write(b"bogus\nexit\n")
            p.stdin.flush()
            out, err = p.communicate(timeout=15)
        except BaseException:
            p.kill()
            p.communicate()
            raise
    final = out.decode()
    err = err.decode()
    eq(p.returncode, 1, "exit status after a bad command (stderr %r)" % err)
    one_error_line(err, "unknown command 'bogus'")
    check(re.search(r"\blight\b", final), final)
    check(re.search(r"never_called\s+no data", final), final)


@test
def stdin_end_does_not_stop_sampling():
    with Target() as t:
        p = subprocess.Popen(
            [FULLPROF, "attach", "-p", str(t.pid), "-F", "heavy"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)
        time.sleep(1)
        check(p.poll() is None, "ended at the end of its input")
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=15)
    eq(p.returncode, 0, "exit status after SIGTERM (stderr %r)" % err)
    check(re.search(r"\bheavy\b", out.decode()), out.decode())


@test
def target_exiting_mid_run():
    with TempDir() as d, Target(lifetime=1.5) as t:
        path = os.path.join(d, "a.json")
        start = time.monotonic()
        rc, out, err = run(["attach", "-p", str(t.pid), "-d", "30",
                            "-o", path])
        took = time.monotonic() - start
        eq(rc, 0, "exit status (stderr %r)" % err)
        doc = load(path)
    check(took < 15, "took %.1fs to notice the exit" % took)
    one_error_line(err, "PID %d exited" % t.pid)
    check(doc["samples"]["taken"] > 10, "samples %r" % doc["samples"])
    check("heavy" in rows_by_name(doc), "no heavy row")
    check(re.search(r"\bheavy\b", out), out)


@test
def output_formats():
    with TempDir() as d, Target() as t:
        folded = os.path.join(d, "a.folded")
        fprof = os.path.join(d, "a.fprof")
        rc, out, err = run(["attach", "-p", str(t.pid), "-d", "0.5",
                            "-q", "-o", folded, "-o", fprof])
        eq(rc, 0, "exit status (stderr %r)" % err)
        with open(folded) as f:
            text = f.read()
        check(re.search(r"\bheavy \([^)]*\);work \([^)]*\) \d+$", text,
                        re.M), text[:1000])
        rc, out, err = run(["report", fprof])
        eq(rc, 0, "fullprof report of the .fprof (stderr %r)" % err)
        check(re.search(r"\bheavy\b", out), out)


# ------------------------------------------------------------------ prompt

def interactive(commands, end):
    """Runs attach on a pseudo-terminal against a target, sends commands
    one at a time (waiting for the prompt), then ends with end ("exit" or
    "ctrl-c"); returns (exit status, everything printed)."""
    with Target() as t:
        pid, fd = pty.fork()
        if pid == 0:
            try:
                os.execv(FULLPROF, [FULLPROF, "attach", "-p", str(t.pid),
                                    "-F", "heavy"])
            finally:
                os._exit(127)
        text = ""
        try:
            text += read_until(fd, r"\(fullprof\) $")
            for c in commands:
                os.write(fd, c.encode() + b"\n")
                text += read_until(fd, r"\(fullprof\) $")
            if end == "exit":
                os.write(fd, b"exit\n")
            else:
                os.write(fd, b"\x03")       # the terminal sends SIGINT
            text += read_until(fd, r"requested.*dropped")
            _, status = os.waitpid(pid, 0)
        except BaseException:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise
        finally:
            os.close(fd)
    return os.waitstatus_to_exitcode(status), text.replace("\r\n", "\n")


@test
def prompt_commands_then_exit():
    rc, text = interactive(["status", "add light", "rate 2ms", "results",
                            "stop", "status", "start", "remove heavy",
                            "remove nothing", "help"], "exit")
    eq(rc, 0, "exit status (output %r)" % text[-2000:])
    check("type help for the commands" in text, text[:300])
    check("counting: heavy light" in text, text)
    check("sampling every 2.000ms" in text, text)
    check(re.search(r"^stopped:? ", text, re.M), text)
    check("a new profile" in text, text)
    check("counting: light" in text, text)
    check("remove: nothing was not named" in text, text)
    check("rate INTERVAL" in text, text)
    tables = re.findall(r"^fullprof: statistical profile", text, re.M)
    eq(len(tables), 3, "tables (results, stop, exit)")
    final = text[text.rindex("fullprof: statistical profile"):]
    check(re.search(r"\blight\b", final), final)


@test
def prompt_ctrl_c_prints_results():
    rc, text = interactive(["results"], "ctrl-c")
    eq(rc, 0, "exit status (output %r)" % text[-2000:])
    eq(len(re.findall(r"^fullprof: statistical profile", text, re.M)), 2,
       "tables (results, final)")


# ------------------------------------------------------------------ other Pythons

@test
def python313_through_debug_offsets():
    if not os.access(PY313, os.X_OK):
        skip("no %s" % PY313)
    if python_minor(PYTHON) == "3.13":
        skip("fullprof is built for 3.13: its own layout is used")
    with TempDir() as d, Target(python=PY313) as t:
        path = os.path.join(d, "a.json")
        rc, out, err = run(["attach", "-p", str(t.pid), "-d", "1",
                            "-F", "heavy", "-F", "never_called", "-o",
                            path])
        eq(rc, 0, "exit status (stderr %r)" % err)
        doc = load(path)
        rc, dump, err = run(["attach", "--dump", "-p", str(t.pid)])
        eq(rc, 0, "--dump exit status (stderr %r)" % err)
    check(doc["python"].startswith("3.13."), doc["python"])
    rows = rows_by_name(doc)
    check(rows["heavy"]["samples"] > 10, "heavy %r" % rows.get("heavy"))
    check(re.search(r"never_called\s+no data", out), out)
    check(re.search(r"attach_target\.py:\d+ (heavy|light|work)$", dump,
                    re.M), dump)
    check(re.search(r"attach_target\.py:\d+ sleeper$", dump, re.M), dump)


@test
def unsupported_version():
    if not os.access(PY310, os.X_OK):
        skip("no %s" % PY310)
    with Target(python=PY310) as t:
        rc, out, err = run(["attach", "-p", str(t.pid), "-d", "1"])
    eq(rc, 1, "exit status")
    one_error_line(err, "PID %d" % t.pid, "Python 3.10", "not supported",
                   "reads Python")


# ------------------------------------------------------------------ errors

@test
def not_a_python_process():
    p = subprocess.Popen(["sleep", "30"])
    try:
        time.sleep(0.2)
        rc, out, err = run(["attach", "-p", str(p.pid), "-d", "1"])
    finally:
        p.kill()
        p.wait()
    eq(rc, 1, "exit status")
    one_error_line(err, "PID %d" % p.pid, "not a Python process")


@test
def no_such_process():
    p = subprocess.Popen(["true"])
    p.wait()
    rc, out, err = run(["attach", "-p", str(p.pid), "-d", "1"])
    eq(rc, 1, "exit status")
    one_error_line(err, "PID %d" % p.pid, "no such process")
    rc, out, err = run(["attach", "--dump", "-p", str(p.pid)])
    eq(rc, 1, "--dump exit status")
    one_error_line(err, "no such process")


@test
def permission_denied():
    if os.geteuid() != 0:
        skip("needs root, to run fullprof as another user")

    def as_nobody():
        os.setgid(65534)
        os.setuid(65534)

    with Target() as t:
        try:
            p = subprocess.run([FULLPROF, "attach", "-p", str(t.pid), "-d",
                                "1"], capture_output=True, text=True,
                               timeout=20, preexec_fn=as_nobody)
        except OSError as e:
            # e.g. a build directory made by mktemp -d (mode 0700)
            skip("nobody cannot run %s: %s" % (FULLPROF, e.strerror))
    if not p.stderr.startswith("fullprof:"):
        skip("nobody cannot run %s: %s" % (FULLPROF, p.stderr.strip()))
    eq(p.returncode, 1, "exit status (stderr %r)" % p.stderr)
    one_error_line(p.stderr, "PID %d" % t.pid, "permission denied",
                   "CAP_SYS_PTRACE", "uid 0")


@test
def bad_options():
    cases = [
        ([], "no process to attach to"),
        (["-p", "abc"], "invalid PID 'abc'"),
        (["-p", "0"], "invalid PID '0'"),
        (["-p", "1", "--sample=1ns"], "out of range"),
        (["-p", "1", "--sample=10"], "invalid sampling interval '10'"),
        (["-p", "1", "--timer=process"], "unknown timer 'process'"),
        (["-p", "1", "--duration=soon"], "invalid duration 'soon'"),
        (["-p", "1", "--duration=0"], "invalid duration '0'"),
        (["-p", "1", "-f", "bogus"], "unknown format 'bogus'"),
        (["-p", "1", "-F", ""], "empty function name"),
        (["-p", "1", "--functions-from=/nonexistent/f.txt"],
         "cannot read functions file '/nonexistent/f.txt': No such file"),
        (["-p", "1", "--frobnicate"], "unknown option '--frobnicate'"),
        (["-p", "1", "--dump=yes"], "option '--dump' takes no value"),
        (["-p"], "option '-p' needs a value"),
        (["-p", "1", "script.py"], "unexpected argument 'script.py'"),
    ]
    for args, words in cases:
        rc, out, err = run(["attach"] + args)
        eq(rc, 2, "exit status of %r" % args)
        lines = err.strip().split("\n")
        eq(len(lines), 2, "stderr lines of %r (%r)" % (args, err))
        check(lines[0].startswith("fullprof: attach: ") and words in
              lines[0], "%r: %r" % (args, lines[0]))
        check("fullprof attach --help" in lines[1], lines[1])


@test
def help_lists_commands():
    rc, out, err = run(["attach", "--help"])
    eq(rc, 0, "exit status")
    eq(err, "", "stderr")
    check(out.startswith("usage: fullprof attach [OPTIONS] -p PID\n"),
          out[:100])
    for word in ("--pid", "--sample", "--timer", "--function", "--duration",
                 "--output", "--format", "--dump", "--functions-from", "ptrace_scope",
                 "start", "stop", "add NAME", "remove NAME", "results",
                 "status", "rate INTERVAL", "exit"):
        check(word in out, "%r not in --help" % word)


main()
