"""test_signals.py: SIGTERM and SIGINT end the program as they would end
python3, and the table is printed first.

Every expectation is taken from plain python3 running the same script the
same way, so the tests hold whatever python3 does with these signals.
"""
import json
import os
import select
import signal
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fptest import (TempDir, check, check_invariants, eq, has_table, main,
                    parse_table, profile_run, row, run, run_python, script,
                    start, test)


def wait_ready(p, timeout=10):
    """Waits for the "ready" line on p's stdout; returns it."""
    fd = p.stdout.fileno()
    buf = b""
    end = time.monotonic() + timeout
    while b"\n" not in buf:
        left = end - time.monotonic()
        r, _, _ = select.select([fd], [], [], max(left, 0))
        if not r:
            p.kill()
            out, err = p.communicate()
            raise AssertionError("no 'ready' within %ss; stderr %r" % (
                timeout, err.decode(errors="replace")[-1000:]))
        chunk = os.read(fd, 4096)
        if not chunk:
            out, err = p.communicate()
            raise AssertionError("exited (%r) before 'ready'; stderr %r" % (
                p.returncode, err.decode(errors="replace")[-1000:]))
        buf += chunk
    return buf


def signalled(name, sig, delay=0.3, args=(), python=False, timeout=15):
    """Runs the script, sends sig delay seconds after it is ready; returns
    (returncode, stdout, stderr)."""
    p = start(list(args) + [script(name)], python=python)
    try:
        first = wait_ready(p)
        time.sleep(delay)
        p.send_signal(sig)
        out, err = p.communicate(timeout=timeout)
    except BaseException:
        p.kill()
        p.communicate()
        raise
    return (p.returncode, (first + out).decode(errors="replace"),
            err.decode(errors="replace"))


def check_table_has(err, function):
    title, rows, footer = parse_table(err)
    check(any(r["function"] == function for r in rows),
          "%s not in the table: %r" % (function, [r["function"]
                                                  for r in rows]))


@test
def sigterm_busy_program():
    prc, pout, perr = signalled("busy.py", signal.SIGTERM, python=True)
    rc, out, err = signalled("busy.py", signal.SIGTERM, args=["--limit=0"])
    eq(prc, -signal.SIGTERM, "python3's status")
    eq(rc, prc, "status (python3 gives %r); stderr %r" % (prc, err[-500:]))
    eq(out, pout, "stdout")
    check(has_table(err), "no table on stderr: %r" % err[-500:])
    check_table_has(err, "spin")
    check_table_has(err, "busy")


@test
def sigterm_json_output():
    with TempDir() as d:
        path = os.path.join(d, "p.json")
        rc, out, err = signalled("busy.py", signal.SIGTERM,
                                 args=["-q", "-o", path])
        eq(rc, -signal.SIGTERM, "status")
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    check_invariants(doc)
    spin = [r for r in doc["functions"] if r["name"] == "spin"]
    check(spin and spin[0]["calls"] > 10, "spin %r" % spin)
    busy = [r for r in doc["functions"] if r["name"] == "busy"]
    check(busy and busy[0]["calls"] == 1, "busy %r" % busy)
    check(busy[0]["total"] >= 0.2, "busy total %r" % busy[0]["total"])
    eq(err, "", "stderr with -q")


@test
def sigterm_in_event_loop():
    prc, pout, perr = signalled("busy_async.py", signal.SIGTERM,
                                python=True)
    rc, out, err = signalled("busy_async.py", signal.SIGTERM,
                             args=["--limit=0"])
    eq(rc, prc, "status (python3 gives %r); stderr %r" % (prc, err[-500:]))
    check(has_table(err), "no table on stderr: %r" % err[-500:])
    check_table_has(err, "napper")
    check_table_has(err, "worker")


@test
def sigint_busy_program():
    prc, pout, perr = signalled("busy.py", signal.SIGINT, python=True)
    rc, out, err = signalled("busy.py", signal.SIGINT, args=["--limit=0"])
    eq(rc, prc, "status (python3 gives %r); stderr %r" % (prc, err[-500:]))
    check(prc in (-signal.SIGINT, 130), "python3's status %r" % prc)
    eq(out, pout, "stdout")
    check("KeyboardInterrupt" in perr, "python3 stderr %r" % perr)
    check("Traceback (most recent call last):" in err and
          "KeyboardInterrupt" in err, "no KeyboardInterrupt traceback: %r"
          % err[-800:])
    check(has_table(err), "no table on stderr: %r" % err[-500:])
    check(err.index("KeyboardInterrupt") < err.index("fullprof: "),
          "the table must follow the traceback")
    check_table_has(err, "spin")
    check_table_has(err, "busy")


@test
def sigint_in_event_loop():
    prc, pout, perr = signalled("busy_async.py", signal.SIGINT, python=True)
    rc, out, err = signalled("busy_async.py", signal.SIGINT,
                             args=["--limit=0"])
    eq(rc, prc, "status (python3 gives %r); stderr %r" % (prc, err[-500:]))
    check("KeyboardInterrupt" in err, "no KeyboardInterrupt: %r" %
          err[-800:])
    check(has_table(err), "no table on stderr: %r" % err[-500:])
    check_table_has(err, "worker")
    check_table_has(err, "napper")


@test
def sigint_json_output_in_event_loop():
    with TempDir() as d:
        path = os.path.join(d, "p.json")
        rc, out, err = signalled("busy_async.py", signal.SIGINT,
                                 args=["-q", "-o", path])
        check(rc in (-signal.SIGINT, 130), "status %r" % rc)
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    check_invariants(doc)
    eq(row(doc, "napper")["calls"], 1, "napper calls")
    eq(row(doc, "worker")["calls"], 1, "worker calls")
    eq(row(doc, "main", "busy_async.py")["calls"], 1, "main calls")
    check(row(doc, "spin")["calls"] > 10, "spin calls")
    check(row(doc, "napper")["suspended"] >= 0.2, "napper suspended %r" %
          row(doc, "napper")["suspended"])


@test
def keyboard_interrupt_raised_by_the_program():
    prc, pout, perr = run_python([script("raise_kbint.py")])
    rc, out, err = run([script("raise_kbint.py")])
    eq(rc, prc, "status (python3 gives %r); stderr %r" % (prc, err[-500:]))
    check("KeyboardInterrupt" in err, "no KeyboardInterrupt: %r" % err)
    check(has_table(err), "no table on stderr: %r" % err[-500:])
    r = profile_run("raise_kbint.py", expect_rc=prc)
    eq(row(r.doc, "interrupted")["calls"], 1, "interrupted calls")


@test
def program_handling_sigterm_itself():
    prc, pout, perr = signalled("term_handler.py", signal.SIGTERM,
                                python=True)
    eq(prc, 7, "python3's status")
    rc, out, err = signalled("term_handler.py", signal.SIGTERM,
                             args=["--limit=0"])
    eq(rc, 7, "status (stderr %r)" % err[-500:])
    eq(out, pout, "stdout")
    eq(out, "ready\ngot TERM\n", "stdout")
    check(has_table(err), "no table on stderr: %r" % err[-500:])
    check_table_has(err, "spin")
    check_table_has(err, "on_term")


@test
def program_ignoring_sigterm():
    prc, pout, perr = signalled("term_ignored.py", signal.SIGTERM, 0.1,
                                python=True)
    eq(prc, 0, "python3's status")
    rc, out, err = signalled("term_ignored.py", signal.SIGTERM, 0.1)
    eq(rc, 0, "status (stderr %r)" % err[-500:])
    eq(out, "ready\nfinished\n", "stdout")
    title, rows, footer = parse_table(err)
    nap = [r for r in rows if r["function"] == "nap"]
    check(nap and nap[0]["calls"] == "12", "nap row %r" % nap)


def wait_for_fifo_open(p, timeout=15):
    """Waits until one of p's threads is blocked opening a FIFO for
    writing (the report, written to a FIFO nobody reads yet)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        check(p.poll() is None, "fullprof ended before writing its "
              "report (status %r)" % p.returncode)
        for task in os.listdir("/proc/%d/task" % p.pid):
            try:
                with open("/proc/%d/task/%s/wchan" % (p.pid, task)) as f:
                    if f.read().strip() == "wait_for_partner":
                        return
            except OSError:
                pass
        time.sleep(0.02)
    p.kill()
    p.communicate()
    raise AssertionError("fullprof never opened the FIFO")


def read_fifo(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def interrupt_the_report(d, second):
    """Runs fib.py with its JSON report going to a FIFO in d and sends
    SIGINT once fullprof waits there for a reader; then sends a second
    SIGINT (second) or reads the FIFO. Returns (status, what was read or
    None, stderr)."""
    fifo = os.path.join(d, "report.json")
    os.mkfifo(fifo)
    p = start(["-q", "-f", "json", "-o", fifo, script("fib.py")])
    text = None
    try:
        wait_for_fifo_open(p)
        p.send_signal(signal.SIGINT)
        time.sleep(0.2)
        if second:
            p.send_signal(signal.SIGINT)
        else:
            text = read_fifo(fifo)
        out, err = p.communicate(timeout=15)
    except BaseException:
        p.kill()
        p.communicate()
        raise
    return p.returncode, text, err


@test
def one_ctrl_c_while_the_report_is_written():
    """A Ctrl-C that lands while the report is written (here: while
    fullprof waits for a reader of its -o FIFO) is held until the report
    is out; the process then ends by SIGINT, as python3 would have."""
    with TempDir() as d:
        rc, text, err = interrupt_the_report(d, second=False)
        eq(rc, -signal.SIGINT, "status; stderr %r" % err[-500:])
        doc = json.loads(text)
        check_invariants(doc)
        fib = [r for r in doc["functions"] if r["name"] == "fib"]
        check(fib and fib[0]["calls"] == 1973, "fib %r" % fib)
        eq(os.listdir(d), ["report.json"], "files left beside the FIFO")


@test
def second_ctrl_c_abandons_the_report():
    """A second Ctrl-C ends a report that cannot be written (nobody reads
    the FIFO) at once, and leaves no temporary file."""
    with TempDir() as d:
        rc, text, err = interrupt_the_report(d, second=True)
        eq(rc, -signal.SIGINT, "status; stderr %r" % err[-500:])
        eq(os.listdir(d), ["report.json"], "files left beside the FIFO")


if __name__ == "__main__":
    main()
