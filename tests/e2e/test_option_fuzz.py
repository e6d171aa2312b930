"""test_option_fuzz.py: every command-line option, and the environment
variables fullprof reads, given odd values: empty, huge, negative, not a
number, not UTF-8, a format string, a control character.

The options are taken from each subcommand's --help, so an option added
later is fuzzed too. Whatever the value, fullprof must not crash nor hang:
it either runs the program (status 0, or Python's own 1 for a bad -c or
-m), or refuses the value with status 2 and one line "fullprof: ..."
(followed only by the "Try 'fullprof --help'" hint). Bad input for
`fullprof report`, and a target `fullprof attach` cannot read (status 1),
is one line per file or process too.
"""
import os
import re
import signal
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fptest import (FULLPROF, TempDir, check, eq, main, run, script, skip,
                    test)

ODD = [
    b"", b" ", b"0", b"-1", b"-0", b"+5", b"1e309", b"-1e309", b"nan",
    b"inf", b"0x10", b"1.5", b"1 ", b"9" * 400,
    b"-9223372036854775809", b"18446744073709551616", b"4294967297",
    b"\xff\xfe\x80", b"caf\xc3", b"%s%n%s%n", b"a\nb", b"\x1b[31m",
    b"x" * 100000, b"=", b"--", b"-", b"/dev/null", b"/",
]
CRASH = (signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS, signal.SIGFPE,
         signal.SIGILL, signal.SIGKILL)
HINT = re.compile(r"^Try 'fullprof( \w+)? --help' for more information\.$")


def run_bytes(argv, cwd, env=None, timeout=20):
    """Runs argv (bytes allowed) in cwd; returns (status, stdout, stderr)
    as text; a hang fails the test."""
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=e)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        raise AssertionError("hung: %r" % [a[:60] for a in argv])
    return (p.returncode, out.decode("utf-8", "replace"),
            err.decode("utf-8", "replace"))


def options_of(help_text):
    """Returns [(spellings, takes_value)] from a --help text: spellings
    such as ['-o', '--output']."""
    found = []
    for ln in help_text.split("\n"):
        m = re.match(r"^\s+(?:(-\w), )?(--[\w-]+)(=\w+)?", ln)
        if m:
            names = [n for n in (m.group(1), m.group(2)) if n]
            found.append((names, m.group(3) is not None))
        m = re.match(r"^\s+(-\w) (\w+)\s", ln)
        if m and not ln.strip().startswith("--"):
            found.append(([m.group(1)], True))
    return found


def check_outcome(rc, err, what, allowed=(0, 1, 2, 73), python_error=False):
    check(rc is not None and rc >= 0 and -rc not in CRASH,
          "%s: killed by signal %r; stderr %r" % (what, -rc, err[-1500:]))
    check(rc in allowed, "%s: status %r; stderr %r" % (what, rc,
                                                       err[-800:]))
    for bad in ("Fatal Python error", "AddressSanitizer", "runtime error:",
                "Segmentation fault"):
        check(bad not in err, "%s: %r on stderr: %r" % (what, bad,
                                                       err[-1500:]))
    if rc == 2 and python_error and ": can't open file " in err:
        return    # python3's own error for a script it cannot open
    if rc == 2:
        lines = [ln for ln in err.split("\n") if ln != ""]
        check(lines and lines[0].startswith("fullprof: "),
              "%s: the error does not start with 'fullprof: ': %r" % (
                  what, err[:300]))
        rest = [ln for ln in lines[1:] if not HINT.match(ln)]
        # A value holding a newline is echoed in the message as is.
        check(len(rest) <= what.count("\\n"), "%s: more than one line: "
              "%r" % (what, err[:600]))


def describe(argv):
    return " ".join(repr(a[:40]) if isinstance(a, bytes) else a[:40]
                    for a in argv)


@test
def help_lists_options_to_fuzz():
    rc, out, err = run(["--help"])
    eq(rc, 0, "status of --help")
    opts = options_of(out)
    names = {n for spell, _ in opts for n in spell}
    for must in ("--output", "--timer", "--limit", "-m", "-c"):
        check(must in names, "%s not found in --help: %r" % (must, names))


@test
def run_options_with_odd_values():
    rc, out, err = run(["--help"])
    opts = options_of(out)
    fp = os.fsencode(FULLPROF)
    n = 0
    with TempDir() as d:
        for spellings, takes_value in opts:
            if not takes_value:
                # A flag given a value, or given twice.
                for spell in spellings:
                    for argv in ([fp, spell, spell, b"-c", b"pass"],
                                 [fp, spell.encode() + b"=1", b"-c",
                                  b"pass"]):
                        if spell in ("-h", "--help", "-V", "--version"):
                            argv = argv[:3]
                        rc, out, err = run_bytes(argv, d)
                        check_outcome(rc, err, describe(argv))
                        n += 1
                continue
            for spell in spellings:
                for value in ODD:
                    if spell.startswith("--"):
                        forms = [[spell.encode() + b"=" + value],
                                 [spell.encode(), value]]
                    else:
                        forms = [[spell.encode(), value],
                                 [spell.encode() + value]]
                    for form in forms:
                        if spell in ("-m", "-c"):
                            argv = [fp, b"-q"] + form
                        else:
                            argv = [fp, b"-q"] + form + [b"-c", b"pass"]
                        rc, out, err = run_bytes(argv, d)
                        check_outcome(rc, err, describe(argv),
                                      python_error=True)
                        n += 1
    check(n > 300, "only %d command lines tried" % n)


@test
def option_values_missing_at_the_end():
    rc, out, err = run(["--help"])
    with TempDir() as d:
        for spellings, takes_value in options_of(out):
            if not takes_value:
                continue
            for spell in spellings:
                argv = [FULLPROF, spell]
                rc, out2, err = run_bytes(argv, d)
                check_outcome(rc, err, describe(argv), allowed=(2,))
                check(spell.split("=")[0] in err.split("\n")[0],
                      "%s: the error does not name the option: %r" % (
                          spell, err[:300]))


@test
def many_repeated_options():
    with TempDir() as d:
        argv = [FULLPROF, "-q"] + ["-F", "f"] * 5000 + ["-c", "pass"]
        rc, out, err = run_bytes(argv, d)
        check_outcome(rc, err, "-F f x 5000", allowed=(0,))
        argv = [FULLPROF, "-q"] + ["--limit=7"] * 5000 + ["-c", "pass"]
        rc, out, err = run_bytes(argv, d)
        check_outcome(rc, err, "--limit x 5000", allowed=(0,))


@test
def odd_functions_files():
    with TempDir() as d:
        cases = {
            "binary": bytes(range(256)) * 8,
            "long_line": b"f" * 100000 + b"\n",
            "empty": b"",
            "only_comments": b"# x\n#\n   # y\n",
            "no_newline": b"a.b",
            "crlf": b"f\r\ng\r\n",
        }
        for name, data in cases.items():
            path = os.path.join(d, name)
            with open(path, "wb") as f:
                f.write(data)
            argv = [FULLPROF, "-q", "--functions-from", path, "-c", "pass"]
            rc, out, err = run_bytes(argv, d)
            check_outcome(rc, err, "--functions-from " + name)
        for path in (d, os.path.join(d, "missing"), "/dev/null"):
            argv = [FULLPROF, "-q", "--functions-from", path, "-c", "pass"]
            rc, out, err = run_bytes(argv, d)
            check_outcome(rc, err, "--functions-from " + path)


@test
def environment_with_odd_values():
    # Variables fullprof reads itself (see ENVIRONMENT in fullprof(1)).
    names = ["FULLPROF_CLOCK", "FULLPROF_CHILD", "TMPDIR", "VIRTUAL_ENV"]
    with TempDir() as d:
        for name in names:
            for value in ODD[:20]:
                if b"\x00" in value:
                    continue
                env = {name: os.fsdecode(value)}
                argv = [FULLPROF, "-q", "-c", "pass"]
                rc, out, err = run_bytes(argv, d, env)
                check_outcome(rc, err, "%s=%r" % (name, value[:40]))


@test
def report_options_with_odd_values():
    rc, out, err = run(["report", "--help"])
    eq(rc, 0, "status of report --help")
    opts = options_of(out)
    check(len(opts) >= 5, "report options %r" % opts)
    with TempDir() as d:
        good = os.path.join(d, "good.fprof")
        rc, out, err = run(["-q", "-o", good, script("fib.py")])
        eq(rc, 0, "recording good.fprof")
        fp = os.fsencode(FULLPROF)
        for spellings, takes_value in opts:
            if not takes_value:
                continue
            for spell in spellings:
                for value in ODD:
                    argv = [fp, b"report", b"-q", spell.encode(), value,
                            good.encode()]
                    rc, out, err = run_bytes(argv, d)
                    check_outcome(rc, err, describe(argv),
                                  allowed=(0, 1, 2, 73))
        for value in ODD:
            argv = [fp, b"report", b"-q", value]
            rc, out, err = run_bytes(argv, d)
            check_outcome(rc, err, describe(argv), allowed=(0, 1, 2))
            if rc == 1:
                # One line, but a name holding a newline is echoed as is.
                lines = [ln for ln in err.split("\n") if ln]
                check(lines[0].startswith("fullprof: ") and
                      len(lines) <= 1 + value.count(b"\n"),
                      "report %r: %r" % (value[:40], err[:600]))


@test
def attach_options_with_odd_values():
    rc, out, err = run(["attach", "--help"])
    if rc != 0:
        skip("no fullprof attach here")
    opts = options_of(out)
    check(len(opts) >= 5, "attach options %r" % opts)
    fp = os.fsencode(FULLPROF)
    # A process that is not Python: the options are read before that is
    # found out, and the run ends at once.
    target = subprocess.Popen(["sleep", "60"])
    pid = str(target.pid).encode()
    try:
        with TempDir() as d:
            for spellings, takes_value in opts:
                if not takes_value:
                    continue
                for spell in spellings:
                    for value in ODD:
                        argv = [fp, b"attach", b"-q", b"-d", b"0.05",
                                spell.encode(), value]
                        if spell not in ("-p", "--pid"):
                            argv += [b"-p", pid]
                        rc, out, err = run_bytes(argv, d)
                        check_outcome(rc, err, describe(argv),
                                      allowed=(0, 1, 2, 73))
                        if rc == 1:
                            lines = [ln for ln in err.split("\n") if ln]
                            check(len(lines) == 1 and
                                  lines[0].startswith("fullprof: "),
                                  "%s: %r" % (describe(argv), err[:600]))
    finally:
        target.kill()
        target.wait()


@test
def subcommand_names_with_odd_values():
    fp = os.fsencode(FULLPROF)
    with TempDir() as d:
        for value in ODD:
            argv = [fp, value]
            rc, out, err = run_bytes(argv, d)
            # A script name: python3's own "can't open file" gives 2.
            check_outcome(rc, err, describe(argv), python_error=True)


if __name__ == "__main__":
    main()
