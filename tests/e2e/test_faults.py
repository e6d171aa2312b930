"""test_faults.py: what goes wrong around the program does not lose what
could still be written, and never leaves a broken file behind.

Outputs that cannot be written (a full device, a directory removed while
the program runs, a read-only file or directory, a file size limit) are
each named on one line with the cause, the others are still written, the
table still reaches stderr, and a file that was there before is left
whole. Files are never written through a symlink planted in a shared
directory, and get the user's umask. A forked child that runs on to its
end never replaces its parent's file. SIGINT and SIGTERM sent at random
moments, SIGKILL, and os._exit never crash fullprof nor leave a partial
or temporary file; os._exit writes the report first. `fullprof attach` to a process that is not Python,
that ends while it is read, or that belongs to another user, says so in
one line. (test_output.py covers a single unwritable -o file and
test_signals.py signals sent at a known point.)
"""
import glob
import json
import os
import pwd
import random
import re
import signal
import subprocess
import stat
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fptest import (FULLPROF, TempDir, check, eq, has_table, main, row,
                    UNDER_VALGRIND, run, run_cmd, script, skip, start, test,
                    write)

CRASH_SIGNALS = (signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS,
                 signal.SIGFPE, signal.SIGILL)


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def error_lines(err, path):
    """Returns fullprof's lines on stderr that name path."""
    return [ln for ln in err.split("\n")
            if ln.startswith("fullprof: ") and path in ln]


def one_error(err, path, cause):
    lines = error_lines(err, path)
    eq(len(lines), 1, "lines naming %s in %r" % (path, err[-800:]))
    check(cause in lines[0], "%r does not give the cause %r" % (lines[0],
                                                               cause))


def no_temporaries(d):
    left = glob.glob(os.path.join(d, ".fullprof-*"))
    eq(left, [], "temporary files left in %s" % d)


def not_a_crash(rc, err, what):
    check(rc is not None and -rc not in CRASH_SIGNALS,
          "%s: status %r; stderr %r" % (what, rc, err[-1500:]))
    for bad in ("Fatal Python error", "Segmentation fault",
                "AddressSanitizer", "runtime error:"):
        # Ctrl-C while python3 itself starts (importing site, setting up
        # sys.stdout: "Fatal Python error: init_import_site" or
        # "init_sys_streams") is a fatal error, status 1, in python3 too.
        if bad == "Fatal Python error" and "KeyboardInterrupt" in err and \
                re.search(r"Fatal Python error: init_\w+:", err) and rc == 1:
            continue
        check(bad not in err, "%s: %r on stderr: %r" % (what, bad,
                                                       err[-1500:]))


def nobody():
    """Returns (uid, gid) to drop to when running as root, or None."""
    if os.geteuid() != 0:
        return None
    try:
        pw = pwd.getpwnam("nobody")
    except KeyError:
        skip("running as root and there is no user 'nobody'")
    ids = pw.pw_uid, pw.pw_gid
    try:
        rc, out, err = run_as_user(["--version"], ids)
    except OSError as e:
        # e.g. a build directory made by mktemp -d (mode 0700)
        skip("user nobody cannot run %s: %s" % (FULLPROF, e.strerror))
    if rc != 0:
        skip("fullprof cannot run as user nobody here: %s" %
             (err.strip().split("\n") or ["?"])[0][:200])
    return ids


def run_as_user(args, ids, **kw):
    """Runs fullprof with args, as the user ids (uid, gid) if given."""
    if ids is None:
        return run(args, **kw)

    def drop():
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.setgroups([])
        os.setgid(ids[1])
        os.setuid(ids[0])
    import subprocess
    p = subprocess.Popen([FULLPROF] + list(args), stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         preexec_fn=drop, **kw)
    out, err = p.communicate(timeout=20)
    return (p.returncode, out.decode("utf-8", "replace"),
            err.decode("utf-8", "replace"))


# ------------------------------------------------------------- outputs

@test
def full_device_among_other_outputs():
    if not os.path.exists("/dev/full"):
        skip("no /dev/full")
    with TempDir() as d:
        good = os.path.join(d, "good.json")
        fprof = os.path.join(d, "good.fprof")
        rc, out, err = run(["-o", good, "-o", "/dev/full", "-f", "json",
                            "-o", fprof, script("fib.py")])
        eq(rc, 73, "exit status (stderr %r)" % err[-600:])
        one_error(err, "/dev/full", "No space left on device")
        check(has_table(err), "no table on stderr")
        eq(row(load(good), "fib")["calls"], 1973, "fib calls in good.json")
        eq(row(load(fprof), "fib")["calls"], 1973, "fib calls in -f json "
           "good.fprof")
        no_temporaries(d)


@test
def output_directory_removed_while_running():
    with TempDir() as d:
        gone = os.path.join(d, "gone")
        os.mkdir(gone)
        lost = os.path.join(gone, "p.json")
        kept = os.path.join(d, "kept.json")
        code = ("import shutil, sys\n"
                "def work():\n    return sum(range(100))\n"
                "work()\nshutil.rmtree(sys.argv[1])\nwork()\n")
        prog = write(os.path.join(d, "rm.py"), code)
        rc, out, err = run(["-q", "-o", lost, "-o", kept, prog, gone])
        eq(rc, 73, "exit status (stderr %r)" % err[-600:])
        one_error(err, lost, "No such file or directory")
        check(has_table(err), "the table must reach stderr even with -q "
              "when a file is lost: %r" % err[-600:])
        eq(row(load(kept), "work")["calls"], 2, "work calls in kept.json")
        check(not os.path.exists(gone), "the directory came back")
        no_temporaries(d)


@test
def read_only_file_is_left_alone():
    ids = nobody()
    with TempDir() as d:
        if ids:
            os.chown(d, *ids)
        path = write(os.path.join(d, "p.json"), "precious\n")
        os.chmod(path, 0o444)
        if ids:
            os.chown(path, *ids)
        rc, out, err = run_as_user(["-q", "-o", path, script("fib.py")], ids)
        eq(rc, 73, "exit status (stderr %r)" % err[-600:])
        one_error(err, path, "Permission denied")
        with open(path) as f:
            eq(f.read(), "precious\n", "the read-only file")
        eq(stat.S_IMODE(os.stat(path).st_mode), 0o444, "its mode")
        no_temporaries(d)


@test
def read_only_directory():
    ids = nobody()
    with TempDir() as d:
        ro = os.path.join(d, "ro")
        os.mkdir(ro)
        if ids:
            os.chown(ro, *ids)
        os.chmod(ro, 0o555)
        path = os.path.join(ro, "p.json")
        try:
            rc, out, err = run_as_user(["-o", path, script("fib.py")], ids)
        finally:
            os.chmod(ro, 0o755)
        eq(rc, 73, "exit status (stderr %r)" % err[-600:])
        one_error(err, path, "Permission denied")
        check(has_table(err), "no table on stderr")
        eq(os.listdir(ro), [], "files in the read-only directory")


@test
def file_size_limit_keeps_the_old_file():
    # RLIMIT_FSIZE makes the write fail part-way (EFBIG; Python ignores
    # SIGXFSZ): the complete file from before must stay as it was.
    import resource
    with TempDir() as d:
        path = os.path.join(d, "p.json")
        prog = write(os.path.join(d, "many.py"), "".join(
            "def function_number_%d():\n    pass\nfunction_number_%d()\n" %
            (i, i) for i in range(300)))
        rc, out, err = run(["-q", "-o", path, prog])
        eq(rc, 0, "first run")
        with open(path, "rb") as f:
            before = f.read()
        check(len(before) > 8192, "the profile is only %d bytes" %
              len(before))
        import subprocess

        def limit():
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        p = subprocess.Popen([FULLPROF, "-q", "-o", path, prog],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL, preexec_fn=limit)
        out, err = p.communicate(timeout=20)
        err = err.decode("utf-8", "replace")
        eq(p.returncode, 73, "exit status (stderr %r)" % err[-600:])
        one_error(err, path, "File too large")
        with open(path, "rb") as f:
            check(f.read() == before, "the old file was changed")
        no_temporaries(d)


@test
def planted_symlink_is_not_followed():
    # In a shared sticky directory like /tmp, someone else plants the
    # output name as a link to a file of the victim's; fullprof replaces
    # the link with its file and never writes through it.
    with TempDir() as d:
        shared = os.path.join(d, "shared")
        os.mkdir(shared)
        os.chmod(shared, 0o1777)
        victim = write(os.path.join(d, "victim.txt"), "do not touch\n")
        for name, target in (("p.json", victim),
                             ("dangling.json", os.path.join(d, "new.txt"))):
            path = os.path.join(shared, name)
            os.symlink(target, path)
            rc, out, err = run(["-q", "-o", path, script("fib.py")])
            eq(rc, 0, "exit status (stderr %r)" % err[-600:])
            check(not os.path.islink(path), "%s is still a link" % name)
            eq(row(load(path), "fib")["calls"], 1973, "fib calls in " + name)
        with open(victim) as f:
            eq(f.read(), "do not touch\n", "the link's target")
        check(not os.path.exists(os.path.join(d, "new.txt")),
              "a file was created through the dangling link")
        no_temporaries(shared)


@test
def files_get_the_users_umask():
    with TempDir() as d:
        for mask, mode in ((0o022, 0o644), (0o027, 0o640), (0o077, 0o600)):
            path = os.path.join(d, "p%o.json" % mask)
            rc, out, err = run_cmd(["sh", "-c", 'umask %o && exec "$@"' % mask,
                                    "sh", FULLPROF, "-q", "-o", path,
                                    "-o", path + ".fprof", script("fib.py")])
            eq(rc, 0, "exit status (stderr %r)" % err[-600:])
            for p in (path, path + ".fprof"):
                eq(oct(stat.S_IMODE(os.stat(p).st_mode)), oct(mode),
                   "mode of %s under umask %o" % (os.path.basename(p), mask))


@test
def writing_files_never_changes_the_umask():
    # umask() can only be read by changing it, and for that moment every
    # file another thread creates gets mode 0666; fullprof creates its
    # files with 0666 and lets the kernel apply the umask instead.
    import shutil
    strace = shutil.which("strace")
    if strace is None:
        skip("no strace")
    with TempDir() as d:
        log = os.path.join(d, "strace.log")
        rc, out, err = run_cmd([strace, "-f", "-qq", "-e", "trace=umask",
                                "-o", log, "true"])
        if rc != 0:
            skip("strace cannot trace here: %s" % err.strip()[-200:])
        path = os.path.join(d, "p.json")
        rc, out, err = run_cmd([strace, "-f", "-qq", "-e", "trace=umask",
                                "-o", log, FULLPROF, "-q", "-o", path, "-o",
                                path + ".svg", script("fib.py")])
        eq(rc, 0, "exit status (stderr %r)" % err[-600:])
        check(os.path.exists(path + ".svg"), "no file written")
        with open(log) as f:
            calls = [ln for ln in f if "umask(" in ln]
        eq(calls, [], "umask calls")


# ------------------------------------------------------------- processes

FORKER = """\
import os, sys, time
def work(n):
    return sum(range(n))
def child_only():
    return work(10)
for i in range(5):
    work(1000)
pid = os.fork()
if pid == 0:
    child_only()
    time.sleep(float(sys.argv[1]))
    sys.stdout.write("child ends\\n")
else:
    if sys.argv[2] == "wait":
        os.waitpid(pid, 0)
    for i in range(3):
        work(1000)
    sys.stdout.write("parent %d ends\\n" % os.getpid())
"""


@test
def forked_child_never_replaces_the_parents_file():
    with TempDir() as d:
        prog = write(os.path.join(d, "forker.py"), FORKER)
        path = os.path.join(d, "p.json")
        # The parent waits for its child, then ends.
        rc, out, err = run(["-q", "-o", path, prog, "0", "wait"])
        eq(rc, 0, "exit status (stderr %r)" % err[-600:])
        parent = int(re.search(r"parent (\d+) ends", out).group(1))
        doc = load(path)
        eq(doc["pid"], parent, "pid in the file")
        eq(row(doc, "work")["calls"], 8, "work calls")
        # With -q the child prints nothing, as under python3; but 3.12 and
        # later warn at fork() in a process with more than one OS thread,
        # and fullprof's SIGTERM watcher is one (a known difference, in the
        # README's caveats).
        if sys.version_info >= (3, 12):
            err = re.sub(r"\S*forker\.py:\d+: DeprecationWarning: This "
                         r"process \(pid=\d+\) is multi-threaded, use of "
                         r"fork\(\) may lead to deadlocks in the child\.\n"
                         r"  pid = os\.fork\(\)\n", "", err)
        eq(err, "", "stderr with -q")
        rc, out, err = run(["-o", path, prog, "0", "wait"])
        eq(rc, 0, "exit status (stderr %r)" % err[-600:])
        parent = int(re.search(r"parent (\d+) ends", out).group(1))
        check(any("forked from %d" % parent in ln and path in ln
                  for ln in err.split("\n")), "no line about the child's "
              "profile: %r" % err[-600:])
        # The parent ends first; the child ends later and must not
        # replace the parent's file with its own.
        rc, out, err = run(["-q", "-o", path, prog, "0.5", "nowait"])
        eq(rc, 0, "exit status")
        parent = int(re.search(r"parent (\d+) ends", out).group(1))
        time.sleep(1.5)
        doc = load(path)
        eq(doc["pid"], parent, "pid in the file after the child ended")
        eq(row(doc, "work")["calls"], 8, "work calls")
        no_temporaries(d)


@test
def sigkill_leaves_the_old_file():
    with TempDir() as d:
        path = write(os.path.join(d, "p.json"), '{"old": true}\n')
        p = start(["-q", "-o", path, script("busy.py")])
        p.stdout.readline()
        time.sleep(0.1)
        p.kill()
        p.communicate()
        eq(p.returncode, -signal.SIGKILL, "status")
        eq(load(path), {"old": True}, "the file from before")
        no_temporaries(d)


def random_signal_run(d, rng, sig, prog, i):
    """Starts prog under fullprof, sends sig after a random delay (also
    during start-up and while the report is written), and checks what is
    left: no crash, and a whole JSON file or none at all (a whole one
    whenever the program had started)."""
    path = os.path.join(d, "p%d.json" % i)
    p = start(["-q", "-o", path, script(prog)])
    time.sleep(rng.uniform(0, 0.25))
    sent = p.poll() is None
    second = False
    if sent:
        p.send_signal(sig)
        if rng.random() < 0.25:
            time.sleep(rng.uniform(0, 0.02))
            if p.poll() is None:
                p.send_signal(rng.choice((signal.SIGINT, signal.SIGTERM)))
                second = True
    try:
        out, err = p.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        # python3 itself swallows a Ctrl-C that lands in parts of its
        # start-up (it prints "Exception ignored in: ..." or "Failed
        # checking if argv[0] is an import path entry" with the
        # KeyboardInterrupt, and runs the program on): the program is
        # still busy, as it would be without fullprof. SIGTERM must then
        # still end it with its report.
        p.send_signal(signal.SIGTERM)
        try:
            out, err = p.communicate(timeout=20)
        except BaseException:
            p.kill()
            p.communicate()
            raise
        if not (sig == signal.SIGINT and b"KeyboardInterrupt" in err):
            raise AssertionError("%s %s (run %d): still running 20s later "
                                 "(stderr %r)" % (prog, sig.name, i,
                                                  err[-800:]))
        sent, second = False, False
    except BaseException:
        p.kill()
        p.communicate()
        raise
    out, err = out.decode(errors="replace"), err.decode(errors="replace")
    what = "%s %s after a random delay (run %d)" % (prog, sig.name, i)
    not_a_crash(p.returncode, err, what)
    if os.path.exists(path):
        try:
            load(path)
        except ValueError as e:
            raise AssertionError("%s: %s is not whole JSON: %s" % (
                what, path, e))
    elif ("ready" in out or not sent) and not second:
        # (A second signal may come once python3 has put back the default
        # action while it finalises: the process then dies at once, as
        # python3 would, and the report is lost.)
        raise AssertionError("%s: no file although the program ran "
                             "(status %r, stderr %r)" % (
                                 what, p.returncode, err[-800:]))
    # Even a second signal that ends the report mid-write removes the
    # temporary file first.
    no_temporaries(d)


@test
def signals_at_random_moments():
    rng = random.Random(int(os.environ.get("FULLPROF_FAULT_SEED", "7")))
    with TempDir() as d:
        i = 0
        for prog in ("busy.py", "busy_async.py", "fib.py"):
            for sig in (signal.SIGINT, signal.SIGTERM):
                for _ in range(4):
                    random_signal_run(d, rng, sig, prog, i)
                    i += 1


OS_EXIT = """\
import os, sys
def work():
    return sum(range(100))
def child_work():
    return work()
for i in range(4):
    work()
try:
    os._exit("not a status")
except TypeError as e:
    print("TypeError:", e)
if sys.argv[2] == "fork":
    pid = os.fork()
    if pid == 0:
        child_work()
        os._exit(9)
    print("child status", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
sys.stdout.flush()
os._exit(int(sys.argv[1]))
"""


@test
def os_exit_writes_the_report_and_keeps_the_status():
    # os._exit skips atexit and finalisation; fullprof's os._exit writes
    # the report first, then ends the process with the program's status.
    # A bad status raises as under python3, and the program goes on.
    with TempDir() as d:
        prog = write(os.path.join(d, "osexit.py"), OS_EXIT)
        path = write(os.path.join(d, "p.json"), '{"old": true}\n')
        rc, out, err = run(["-o", path, prog, "6", "nofork"])
        eq(rc, 6, "exit status (python3 gives 6)")
        not_a_crash(rc, err, "os._exit")
        eq(out, "TypeError: 'str' object cannot be interpreted as an "
           "integer\n", "stdout")
        check(has_table(err), "no table on stderr: %r" % err[-600:])
        doc = load(path)
        eq(row(doc, "work")["calls"], 4, "work calls in the file")
        eq(row(doc, "<module>", "osexit.py")["calls"], 1, "module calls")
        no_temporaries(d)


@test
def os_exit_in_a_forked_child_writes_nothing():
    # The -o file is the parent's: a child forked without --subprocesses
    # that ends with os._exit prints and writes nothing, as under python3.
    with TempDir() as d:
        prog = write(os.path.join(d, "osexit.py"), OS_EXIT)
        path = os.path.join(d, "p.json")
        rc, out, err = run(["-o", path, prog, "6", "fork"])
        eq(rc, 6, "exit status")
        check("child status 9" in out, "child status: %r" % out)
        eq(len(re.findall(r"^fullprof: \w+ timer, ", err, re.M)), 1,
           "tables on stderr (the parent's only): %r" % err[-900:])
        doc = load(path)
        eq(row(doc, "work")["calls"], 4, "work calls (the parent's)")
        check(not any(f["name"] == "child_work" for f in doc["functions"]),
              "the child's calls are in the parent's file")
        no_temporaries(d)


# ------------------------------------------------------------- attach

def attach_or_skip():
    rc, out, err = run(["attach", "--help"])
    if rc != 0:
        skip("no fullprof attach here")


def attach_error(args, cause, ids=None, expect_rc=1):
    rc, out, err = run_as_user(["attach"] + args, ids)
    not_a_crash(rc, err, "attach %s" % " ".join(args))
    eq(rc, expect_rc, "status of attach %s (stderr %r)" % (" ".join(args),
                                                          err[-600:]))
    lines = [ln for ln in err.split("\n") if ln]
    eq(len(lines), 1, "lines on stderr: %r" % lines)
    check(lines[0].startswith("fullprof: attach: ") and cause in lines[0],
          "%r does not say %r" % (lines[0], cause))


@test
def attach_to_processes_that_are_not_python():
    attach_or_skip()
    import subprocess
    p = subprocess.Popen(["sleep", "30"])
    try:
        attach_error(["-d", "0.2", "-p", str(p.pid)], "not a Python process")
    finally:
        p.kill()
        p.wait()
    # Now gone, and its number not reused this soon.
    attach_error(["-d", "0.2", "-p", str(p.pid)], "no such process")
    attach_error(["-d", "0.2", "-p", str(os.getpid() + 400000)],
                 "no such process")


@test
def attach_to_a_process_that_ends_while_read():
    attach_or_skip()
    import subprocess
    with TempDir() as d:
        path = os.path.join(d, "a.json")
        p = subprocess.Popen([sys.executable, script("busy.py")],
                             stdout=subprocess.PIPE)
        p.stdout.readline()
        # Killed once attach samples: after 0.5s, or 8s under valgrind,
        # where fullprof takes seconds to start.
        delay = 8.0 if UNDER_VALGRIND else 0.5
        killer = __import__("threading").Timer(delay, p.kill)
        killer.start()
        try:
            rc, out, err = run(["attach", "-q", "-d", "%g" % (delay + 4.5),
                                "-o", path, "-p", str(p.pid)])
        finally:
            killer.cancel()
            p.kill()
            p.wait()
        not_a_crash(rc, err, "attach to a process killed while read")
        eq(rc, 0, "status (stderr %r)" % err[-600:])
        check("exited" in err, "no word of the end: %r" % err[-600:])
        doc = load(path)
        check(any(r["name"] == "spin" for r in doc["functions"]),
              "no spin row in what was sampled before the end")
        no_temporaries(d)


@test
def attach_to_another_users_process():
    attach_or_skip()
    ids = nobody()
    if ids is None:
        # Not root: a process of root's, if one can be found, is another
        # user's.
        target = 1
    else:
        target = None
    import subprocess
    p = None
    if target is None:
        p = subprocess.Popen([sys.executable, script("busy.py")],
                             stdout=subprocess.PIPE)
        p.stdout.readline()
        target = p.pid
    try:
        attach_error(["-d", "0.2", "-p", str(target)], "permission denied",
                     ids)
    finally:
        if p is not None:
            p.kill()
            p.wait()


if __name__ == "__main__":
    main()
