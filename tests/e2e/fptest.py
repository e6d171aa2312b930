"""fptest.py: the small helper shared by fullprof's end-to-end tests.

It runs the built fullprof (named by $FULLPROF) on the little programs in
tests/e2e/scripts, reads back its JSON report, and offers a tiny test
registry: each test_*.py file decorates functions with @test and ends with
main(), which runs them and prints one "ok - NAME", "FAIL - NAME: REASON"
or "SKIP - NAME: WHY" line per test, then "N passed, N failed".
Standard library only, so `make check` needs nothing but the configured
python.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import traceback

HERE = os.path.dirname(os.path.realpath(__file__))
SRCDIR = os.environ.get("FULLPROF_SRCDIR") or os.path.dirname(
    os.path.dirname(HERE))
# Resolved, as Python resolves sys.path[0] ("_build/sub/../.." in distcheck).
SCRIPTS = os.path.realpath(os.path.join(SRCDIR, "tests", "e2e", "scripts"))
if not os.path.isdir(SCRIPTS):
    SCRIPTS = os.path.join(HERE, "scripts")
EXAMPLES = os.path.join(SRCDIR, "examples")

# The interpreter fullprof embeds: the configured python runs the tests.
PYTHON = sys.executable
# Seconds a fullprof run may take before it is killed as hung;
# tests/valgrind-e2e.sh raises it (valgrind runs a program 20 to 50 times
# slower, and a program with a thread spinning against the GIL far slower).
TIMEOUT = float(os.environ.get("FULLPROF_TEST_TIMEOUT", "20"))
# Set by tests/valgrind-e2e.sh: every fullprof runs under valgrind, 20 to 50
# times slower, so figures of time mean nothing there and approx() and
# timing_check() do not assert them (main() says how many it left out);
# counts and everything else are still checked.
UNDER_VALGRIND = os.environ.get("FULLPROF_UNDER_VALGRIND") == "1"
_timing_left_out = 0
# Test-only: FULLPROF_TEST_LOAD=1 runs the script's tests on a busy
# machine, with two CPU-hog processes per core (4 on 2 cores) spinning for
# the whole script (FULLPROF_TEST_LOAD=N: N hogs). Timing assertions must
# hold there too: a test that fails only because the machine is busy is a
# broken test.
TEST_LOAD = os.environ.get("FULLPROF_TEST_LOAD", "")
# With the hogs, a run gets a third of a core or less: it may take three
# times as long before it counts as hung (unless FULLPROF_TEST_TIMEOUT says).
if TEST_LOAD not in ("", "0") and "FULLPROF_TEST_TIMEOUT" not in os.environ:
    TIMEOUT = 3 * TIMEOUT


def _find_fullprof():
    """Returns the fullprof binary under test, or None."""
    path = os.environ.get("FULLPROF")
    if path:
        return path
    build = os.environ.get("FULLPROF_BUILDDIR")
    if build and os.access(os.path.join(build, "fullprof"), os.X_OK):
        return os.path.join(build, "fullprof")
    return shutil.which("fullprof")


FULLPROF = _find_fullprof()


class Skip(Exception):
    """Raised by skip(): the test does not apply here."""


def skip(why):
    """Ends the current test as skipped."""
    raise Skip(why)


# --------------------------------------------------------------- running

def script(name):
    """Returns the absolute path of tests/e2e/scripts/NAME."""
    return os.path.join(SCRIPTS, name)


def _default_signals():
    # Background jobs of a non-interactive shell start with SIGINT
    # ignored, and python3 then leaves it ignored: give the child the
    # default disposition so it behaves as from a terminal.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _env(env, unset=()):
    e = dict(os.environ)
    e.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    for k in unset:
        e.pop(k, None)
    if env:
        e.update(env)
    return e


def run_cmd(argv, input=None, env=None, cwd=None, timeout=TIMEOUT,
            unset=()):
    """Runs argv; returns (returncode, stdout, stderr) as text.

    input is text fed to stdin (stdin is /dev/null otherwise); env adds to
    the current environment; a run longer than timeout seconds is killed
    and fails the test with what it printed so far.
    """
    p = subprocess.Popen(
        argv, stdin=subprocess.PIPE if input is not None else
        subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=_env(env, unset), cwd=cwd, preexec_fn=_default_signals)
    try:
        out, err = p.communicate(
            input.encode() if input is not None else None, timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        raise AssertionError(
            "timed out after %ss: %s\n--- stdout:\n%s\n--- stderr:\n%s" % (
                timeout, " ".join(argv), _text(out)[-2000:],
                _text(err)[-4000:]))
    return p.returncode, _text(out), _text(err)


def _text(b):
    return b.decode("utf-8", "surrogateescape")


def run(args, **kw):
    """Runs fullprof with args; returns (returncode, stdout, stderr)."""
    if FULLPROF is None:
        skip("no fullprof binary: set FULLPROF")
    return run_cmd([FULLPROF] + list(args), **kw)


def run_python(args, **kw):
    """Runs plain python3 (the interpreter fullprof embeds) with args."""
    return run_cmd([PYTHON] + list(args), **kw)


def start(args, env=None, cwd=None, python=False):
    """Starts fullprof (or plain python3) with args without waiting; returns
    the Popen with text pipes for stdout and stderr."""
    if not python and FULLPROF is None:
        skip("no fullprof binary: set FULLPROF")
    return subprocess.Popen(
        [PYTHON if python else FULLPROF] + list(args),
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, env=_env(env), cwd=cwd,
        preexec_fn=_default_signals)


def _target(x):
    """Turns 'name.py' into the path of that test script; keeps the rest."""
    if isinstance(x, str):
        if not os.path.isabs(x) and os.sep not in x and x.endswith(".py"):
            x = script(x)
        return [x]
    return [script(a) if i == 0 and isinstance(a, str) and a.endswith(".py")
            and not os.path.isabs(a) and os.sep not in a else a
            for i, a in enumerate(x)]


class Result:
    """What one profiled run gave: returncode, stdout, stderr, doc."""

    def __init__(self, rc, out, err, doc):
        self.rc, self.out, self.err, self.doc = rc, out, err, doc


def profile_run(script_or_args, extra_opts=(), expect_rc=0,
                check=True, **kw):
    """Runs `fullprof -o TMP.json EXTRA_OPTS SCRIPT [ARGS]` and returns a
    Result with the parsed JSON document.

    script_or_args is a script name from tests/e2e/scripts (or a path), or
    a list (script and its arguments, or ['-m', mod, ...] / ['-c', code]).
    The exit status must be expect_rc (None: anything); with check, the
    document's invariants are checked too.
    """
    fd, path = tempfile.mkstemp(prefix="fptest-", suffix=".json")
    os.close(fd)
    os.unlink(path)
    try:
        rc, out, err = run(["-o", path] + list(extra_opts) +
                           _target(script_or_args), **kw)
        if expect_rc is not None and rc != expect_rc:
            raise AssertionError(
                "exit status %r, expected %r\n--- stdout:\n%s\n--- stderr:"
                "\n%s" % (rc, expect_rc, out[-2000:], err[-4000:]))
        if not os.path.exists(path):
            raise AssertionError("no JSON file written (status %r)\n"
                                 "--- stderr:\n%s" % (rc, err[-4000:]))
        with open(path, encoding="utf-8") as f:
            text = f.read()
        try:
            doc = json.loads(text)
        except ValueError as e:
            raise AssertionError("invalid JSON (%s): %r" % (e, text[:500]))
    finally:
        if os.path.exists(path):
            os.unlink(path)
    if check:
        check_invariants(doc)
    return Result(rc, out, err, doc)


def profile(script_or_args, extra_opts=(), **kw):
    """Like profile_run, but returns only the parsed JSON document."""
    return profile_run(script_or_args, extra_opts, **kw).doc


# ------------------------------------------------------------ documents

def rows(doc, name, file=None):
    """Returns every row called name (whose file ends with file, if
    given)."""
    return [r for r in doc["functions"] if r["name"] == name and
            (file is None or r["file"].endswith(file))]


def row(doc, name, file=None):
    """Returns the one row called name (and in a file ending with file);
    fails the test when there is none or more than one."""
    found = rows(doc, name, file)
    if len(found) != 1:
        near = sorted({r["name"] for r in doc["functions"]
                       if name.split(".")[-1] in r["name"]})[:20]
        raise AssertionError("%d rows named %r%s (similar: %s)" % (
            len(found), name, " in *" + file if file else "", near))
    return found[0]


def find_row(doc, name, file=None):
    """Returns the row called name, or None."""
    found = rows(doc, name, file)
    return found[0] if found else None


EPS = 2e-9   # JSON seconds are rounded nanoseconds


def check_invariants(doc):
    """Checks what must hold for every row: numbers >= 0, min <= mean <=
    max, suspended <= total, and 0 <= own <= total when not recursive."""
    bad = []
    for r in doc["functions"]:
        what = "%s (%s:%s)" % (r["name"], r["file"], r["line"])
        for k in ("calls", "primitive_calls", "own", "total", "suspended",
                  "min", "mean", "max"):
            if not isinstance(r[k], (int, float)) or r[k] < 0:
                bad.append("%s: %s = %r" % (what, k, r[k]))
        if r["primitive_calls"] > r["calls"]:
            bad.append("%s: primitive_calls %r > calls %r" % (
                what, r["primitive_calls"], r["calls"]))
        if r["calls"] > 0 and not (r["min"] - EPS <= r["mean"] and
                                   r["mean"] <= r["max"] + EPS):
            bad.append("%s: min %r mean %r max %r" % (
                what, r["min"], r["mean"], r["max"]))
        if r["suspended"] > r["total"] + EPS:
            bad.append("%s: suspended %r > total %r" % (
                what, r["suspended"], r["total"]))
        if r["calls"] == r["primitive_calls"] and \
                r["own"] > r["total"] + EPS:
            bad.append("%s: own %r > total %r" % (what, r["own"],
                                                    r["total"]))
    if doc.get("duration", 0) < 0:
        bad.append("duration %r" % doc["duration"])
    if bad:
        raise AssertionError("invariants broken in %d rows:\n  %s" % (
            len(bad), "\n  ".join(bad[:20])))


def approx(actual, expected, rel=0.4, abs_=0.1, what="value"):
    """Fails unless actual is within rel (a fraction) or abs_ (seconds) of
    expected, whichever is looser: timings on a shared machine are noisy.
    Not asserted under valgrind."""
    global _timing_left_out
    if UNDER_VALGRIND:
        _timing_left_out += 1
        return
    margin = max(abs(expected) * rel, abs_)
    if abs(actual - expected) > margin:
        raise AssertionError("%s = %r, expected %r +- %.3g" % (
            what, actual, expected, margin))


def eq(actual, expected, what="value"):
    """Fails unless actual == expected."""
    if actual != expected:
        raise AssertionError("%s = %r, expected %r" % (what, actual,
                                                         expected))


def check(cond, message):
    """Fails with message unless cond."""
    if not cond:
        raise AssertionError(message)


def timing_check(cond, message):
    """check() for a condition on figures of time: not asserted under
    valgrind."""
    global _timing_left_out
    if UNDER_VALGRIND:
        _timing_left_out += 1
        return
    check(cond, message)


def has_table(stderr):
    """Returns True when stderr holds fullprof's table header."""
    return re.search(r"^fullprof: \w+ timer, ", stderr, re.M) is not None


def parse_table(stderr):
    """Parses the table printed on stderr; returns (title, rows, footer)
    where rows are dicts with file, line, function, calls, own, total,
    suspended, min, mean, max as strings. Fails if there is no table."""
    lines = stderr.split("\n")
    for i, ln in enumerate(lines):
        if re.match(r"fullprof: \w+ timer, ", ln):
            break
    else:
        raise AssertionError("no table on stderr:\n" + stderr[-3000:])
    title, header = lines[i], lines[i + 1]
    check(header.startswith("file") and "function" in header,
          "bad column header %r" % header)
    fstart = header.index("function")
    out, footer = [], []
    for ln in lines[i + 2:]:
        if not ln:
            continue
        if ln.startswith("(") or ln.startswith("fullprof:"):
            footer.append(ln)
            continue
        if footer:
            break
        left, right = ln[:fstart], ln[fstart:]
        parts = right.rsplit(None, 7)
        lparts = left.rstrip().rsplit(None, 1)
        check(len(parts) == 8 and len(lparts) == 2, "bad row %r" % ln)
        r = dict(file=lparts[0].strip(), line=lparts[1],
                 function=parts[0].strip())
        for k, v in zip(("calls", "own", "total", "suspended", "min",
                         "mean", "max"), parts[1:]):
            r[k] = v
        out.append(r)
    return title, out, footer


class TempDir:
    """A temporary directory removed at the end of a with block."""

    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="fptest-")
        return self.path

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)


def write(path, text):
    """Writes text (UTF-8) to path, creating directories; returns path."""
    d = os.path.dirname(path)
    if d:
        os.makedirs(d, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


# ------------------------------------------------------------------ load

def start_load(spec):
    """Starts the CPU hogs FULLPROF_TEST_LOAD asks for ("1": two per
    core; a larger number: that many) and returns their Popen objects."""
    if spec in ("", "0"):
        return []
    n = int(spec)
    if n == 1:
        n = 2 * (os.cpu_count() or 1)
    # Each hog is plain python3 spinning until it is killed, or until its
    # parent (this script) is gone: a hog never outlives the script.
    code = ("import os\nparent = os.getppid()\nwhile os.getppid() == "
            "parent:\n    for _ in range(100000): pass\n")
    return [subprocess.Popen([PYTHON, "-c", code],
                             stdin=subprocess.DEVNULL) for _ in range(n)]


def stop_load(hogs):
    """Kills and reaps the CPU hogs start_load started."""
    for p in hogs:
        p.kill()
    for p in hogs:
        p.wait()


# --------------------------------------------------------------- registry

_tests = []


def test(fn=None, name=None):
    """Registers a test function (usable as @test or @test(name=...))."""
    def register(f):
        _tests.append((name or f.__name__, f))
        return f
    if fn is not None:
        return register(fn)
    return register


def main(argv=None):
    """Runs the registered tests (or those named in argv), prints a line
    per test and the summary, and exits 1 if any failed (77, automake's
    "skipped", when there is no fullprof to test)."""
    argv = sys.argv[1:] if argv is None else argv
    if FULLPROF is None:
        print("SKIP - all: no fullprof binary (set FULLPROF)")
        sys.exit(77)
    if not os.access(FULLPROF, os.X_OK):
        print("FAIL - setup: %s is not an executable" % FULLPROF)
        print("0 passed, 1 failed")
        sys.exit(1)
    chosen = [(n, f) for n, f in _tests
              if not argv or any(a in n for a in argv)]
    hogs = start_load(TEST_LOAD)
    if hogs:
        print("# FULLPROF_TEST_LOAD: %d CPU hogs running" % len(hogs))
    try:
        passed, failed = _run_tests(chosen)
    finally:
        stop_load(hogs)
    if _timing_left_out:
        print("# %d timing assertions left out under valgrind"
              % _timing_left_out)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


def _run_tests(chosen):
    """Runs the chosen (name, function) tests, printing a line for each;
    returns (passed, failed)."""
    passed = failed = skipped = 0
    for name, fn in chosen:
        try:
            fn()
        except Skip as e:
            skipped += 1
            print("SKIP - %s: %s" % (name, e))
        except Exception as e:
            failed += 1
            reason = str(e).split("\n")[0] or type(e).__name__
            print("FAIL - %s: %s" % (name, reason))
            for ln in traceback.format_exc().rstrip().split("\n"):
                print("#   " + ln)
        else:
            passed += 1
            print("ok - %s" % name)
        sys.stdout.flush()
    return passed, failed
