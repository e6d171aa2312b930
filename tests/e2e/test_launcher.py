"""test_launcher.py: fullprof runs a program exactly as python3 would.

sys.argv, __name__, sys.path[0], -m and -c, stdin and stdout, exit
statuses and tracebacks are compared with plain python3 (the interpreter
fullprof embeds); the command line's own errors must end with status 2 and
a one-line message.
"""
import glob
import json
import os
import resource
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fptest import (FULLPROF, PYTHON, SCRIPTS, TempDir, check, eq,
                    has_table, main, parse_table, profile_run, row, rows,
                    run, run_cmd, run_python, script, skip, test, write)


def same_as_python(args, input=None, env=None, cwd=None):
    """Runs args under fullprof -q and under python3; checks that stdout
    and the exit status are the same; returns python3's stdout."""
    rc, out, err = run(["-q"] + args, input=input, env=env, cwd=cwd)
    prc, pout, perr = run_python(args, input=input, env=env, cwd=cwd)
    eq(rc, prc, "exit status (python3 gave %r, stderr %r)" % (prc, err))
    eq(out, pout, "stdout")
    return pout


@test
def argv_passed_through():
    out = same_as_python([script("argv_dump.py"), "a", "b c", ""])
    d = json.loads(out)
    eq(d["argv"], [script("argv_dump.py"), "a", "b c", ""], "sys.argv")
    eq(d["name"], "__main__", "__name__")
    eq(d["path0"], SCRIPTS, "sys.path[0]")


@test
def script_args_that_look_like_options():
    args = [script("argv_dump.py"), "-q", "--limit", "3", "--", "-x",
            "--help", "-m", "json"]
    rc, out, err = run(args)
    eq(rc, 0, "exit status")
    eq(json.loads(out)["argv"], args, "sys.argv")
    # "-q" belonged to the script: fullprof still prints its table, and
    # "--limit 3" did not cut it.
    check(has_table(err), "no table on stderr: %r" % err[-500:])
    title, table, footer = parse_table(err)
    check(len(table) > 3, "the script's --limit 3 reached fullprof: %d "
          "rows" % len(table))


@test
def relative_script_path():
    out = same_as_python(["argv_dump.py", "x"], cwd=SCRIPTS)
    d = json.loads(out)
    eq(d["argv"], ["argv_dump.py", "x"], "sys.argv")
    eq(d["path0"], SCRIPTS, "sys.path[0]")


@test
def run_subcommand_is_the_same():
    rc, out, err = run(["run", "-q", script("argv_dump.py"), "z"])
    eq(rc, 0, "exit status")
    eq(json.loads(out)["argv"], [script("argv_dump.py"), "z"], "sys.argv")
    eq(err, "", "stderr with -q")


@test
def json_argv_is_sys_argv():
    r = profile_run([script("argv_dump.py"), "-v", "ü"])
    eq(r.doc["argv"], json.loads(r.out)["argv"], "JSON argv")
    eq(row(r.doc, "<module>", "argv_dump.py")["calls"], 1, "<module> calls")


@test
def module_from_package_dir():
    with TempDir() as d:
        write(os.path.join(d, "e2epkg", "__init__.py"), "")
        write(os.path.join(d, "e2epkg", "cli.py"),
              "import json, sys\n"
              "def hello():\n"
              "    return 'hi'\n"
              "hello()\n"
              "json.dump({'argv': sys.argv, 'name': __name__,\n"
              "           'path0': sys.path[0],\n"
              "           'spec': __spec__.name}, sys.stdout)\n")
        env = {"PYTHONPATH": d}
        out = same_as_python(["-m", "e2epkg.cli", "one", "--two"], env=env,
                             cwd=SCRIPTS)
        got = json.loads(out)
        eq(got["argv"], [os.path.join(d, "e2epkg", "cli.py"), "one",
                         "--two"], "sys.argv")
        eq(got["name"], "__main__", "__name__")
        r = profile_run(["-m", "e2epkg.cli", "one"], env=env)
        eq(row(r.doc, "hello", "e2epkg/cli.py")["calls"], 1, "hello calls")
        eq(row(r.doc, "<module>", "e2epkg/cli.py")["calls"], 1,
           "<module> calls")
        runpy = [f["name"] for f in r.doc["functions"]
                 if f["file"].endswith("/runpy.py")
                 or f["file"] == "<frozen runpy>"]
        eq(runpy, [], "runpy rows")
        # The manual: argv is the command line as given to fullprof.
        eq(r.doc["argv"], ["-m", "e2epkg.cli", "one"], "JSON argv")


@test
def module_from_stdlib_with_stdin():
    text = '{"b": [1, 2], "a": "\u00e9"}\n'
    out = same_as_python(["-m", "json.tool", "--sort-keys"], input=text)
    check('"a"' in out and out.index('"a"') < out.index('"b"'),
          "json.tool output %r" % out)
    r = profile_run(["-m", "json.tool"], input=text)
    check(rows(r.doc, "main", "json/tool.py"), "no json.tool main row")
    runpy = [f["name"] for f in r.doc["functions"]
             if f["file"].endswith("/runpy.py")]
    eq(runpy, [], "runpy rows")


@test
def package_with_main_module():
    with TempDir() as d:
        write(os.path.join(d, "e2eapp", "__init__.py"), "")
        write(os.path.join(d, "e2eapp", "__main__.py"), DUMP)
        out = same_as_python(["-m", "e2eapp", "z"], cwd=d)
        eq(json.loads(out)[0], [os.path.join(d, "e2eapp", "__main__.py"),
                                "z"], "sys.argv")


DUMP = ("import json, sys\n"
        "print(json.dumps([sys.argv, __name__, sys.path[0]]))\n")


@test
def directory_and_zip_as_script():
    import zipfile
    with TempDir() as d:
        write(os.path.join(d, "app", "__main__.py"), DUMP)
        with zipfile.ZipFile(os.path.join(d, "app.zip"), "w") as z:
            z.writestr("__main__.py", DUMP)
        for target in ("app", "app.zip"):
            out = same_as_python([target, "x"], cwd=d)
            eq(json.loads(out)[:2], [[target, "x"], "__main__"], target)


@test
def script_from_stdin():
    with open(script("argv_dump.py"), encoding="utf-8") as f:
        text = f.read()
    out = same_as_python(["-", "a", "-q"], input=text)
    eq(json.loads(out)["argv"], ["-", "a", "-q"], "sys.argv")


@test
def module_not_found_like_python():
    rc, out, err = run(["-q", "-m", "e2e_no_such_module"])
    prc, pout, perr = run_python(["-m", "e2e_no_such_module"])
    eq(rc, prc, "exit status")
    check("No module named e2e_no_such_module" in err, "stderr %r" % err)


@test
def command_string():
    out = same_as_python(["-c", DUMP, "x", "-q", "--y"])
    eq(json.loads(out)[:2], [["-c", "x", "-q", "--y"], "__main__"], "argv")
    r = profile_run(["-c", "def f():\n    return 1\nf()\nf()\n", "a1"])
    eq(row(r.doc, "f")["calls"], 2, "f calls")
    # The manual and README: argv is "-c", the code and the arguments.
    eq(r.doc["argv"][0], "-c", "JSON argv")
    eq(r.doc["argv"][2:], ["a1"], "JSON argv")


@test
def exit_status_zero():
    rc, out, err = run([script("exit_code.py"), "0"])
    eq(rc, 0, "exit status")
    eq(out, "before exit\n", "stdout")
    check(has_table(err), "no table on stderr")


@test
def exit_status_three():
    same_as_python([script("exit_code.py"), "3"])
    rc, out, err = run([script("exit_code.py"), "3"])
    eq(rc, 3, "exit status")
    check(has_table(err), "no table on stderr")
    r = profile_run([script("exit_code.py"), "3"], expect_rc=3)
    eq(row(r.doc, "work")["calls"], 1, "work calls")


@test
def uncaught_exception():
    rc, out, err = run([script("raise_error.py")])
    prc, pout, perr = run_python([script("raise_error.py")])
    eq(rc, 1, "exit status")
    eq(prc, 1, "python3's exit status")
    eq(out, pout, "stdout")
    check(perr in err, "python3's traceback %r is not in fullprof's stderr "
          "%r" % (perr, err[:1500]))
    check("Traceback (most recent call last):" in err and
          "ValueError: e2e-boom" in err, "no traceback: %r" % err[:1000])
    check(has_table(err) and err.index("ValueError") < err.index(
        "fullprof: "), "the table must follow the traceback")
    r = profile_run(script("raise_error.py"), expect_rc=1)
    eq(row(r.doc, "inner")["calls"], 1, "inner calls")
    eq(row(r.doc, "outer")["calls"], 1, "outer calls")


@test
def stdin_passed_through():
    text = "hello\nwörld\n" * 100
    out = same_as_python([script("echo_stdin.py")], input=text)
    eq(out, text.upper(), "stdout")
    r = profile_run(script("echo_stdin.py"), input=text)
    eq(row(r.doc, "shout")["calls"], 200, "shout calls")


@test
def stdout_not_mixed_with_table():
    rc, out, err = run([script("echo_stdin.py")], input="abc\n")
    eq(rc, 0, "exit status")
    eq(out, "ABC\n", "stdout")
    check(has_table(err), "no table on stderr")
    check("ABC" not in err, "program output on stderr")


@test
def missing_script_like_python():
    missing = os.path.join(SCRIPTS, "e2e-does-not-exist.py")
    rc, out, err = run([missing])
    prc, pout, perr = run_python([missing])
    eq(rc, prc, "exit status")
    eq(rc, 2, "exit status")
    eq(out, "", "stdout")
    # python3 names itself first; the rest of the message must match.
    tail = perr.split(": ", 1)[1]
    check(tail.strip() in err, "expected %r in %r" % (tail, err))
    check("No such file or directory" in err, "stderr %r" % err)


def usage_error(args, *needles):
    rc, out, err = run(args)
    eq(rc, 2, "exit status of fullprof %s" % " ".join(args))
    eq(out, "", "stdout")
    lines = err.rstrip("\n").split("\n")
    check(lines[0].startswith("fullprof: "), "message %r" % lines[0])
    for n in needles:
        check(n in lines[0], "fullprof %s: %r not named in %r" % (
            " ".join(args), n, lines[0]))
    check(len(lines) <= 2, "more than a message and a hint: %r" % err)
    check("--help" in err, "no hint to --help in %r" % err)


def usage_errors(cases):
    """Checks every (args, needles...) case; fails with all the problems."""
    problems = []
    for case in cases:
        try:
            usage_error(case[0], *case[1:])
        except AssertionError as e:
            problems.append(str(e))
    if problems:
        raise AssertionError("%d of %d cases wrong: %s" % (
            len(problems), len(cases), "; ".join(problems)))


@test
def bad_options():
    usage_errors([(["--bogus", script("argv_dump.py")], "--bogus"),
                  (["-Z", script("argv_dump.py")], "-Z"),
                  (["--quiet=yes", script("argv_dump.py")], "--quiet"),
                  (["--builtins=no", script("argv_dump.py")],
                   "--builtins")])


@test
def bad_timer():
    usage_errors([(["--timer=sundial", script("argv_dump.py")], "sundial"),
                  (["-t", "sundial", script("argv_dump.py")], "sundial"),
                  (["-tsundial", script("argv_dump.py")], "sundial")])


@test
def bad_sort_and_format():
    usage_errors([(["--sort=size", script("argv_dump.py")], "size"),
                  (["--sort", "", script("argv_dump.py")], "sort"),
                  (["-f", "xml", script("argv_dump.py")], "xml"),
                  (["--format=xml", script("argv_dump.py")], "xml")])


@test
def bad_limit():
    usage_errors([(["--limit=" + v, script("argv_dump.py")], "limit")
                  for v in ("-1", "abc", "", "3x", "99999999999999999999")])


@test
def missing_option_value():
    usage_errors([(["-o"], "-o"), (["-t"], "-t"), (["-f"], "-f"),
                  (["--timer"], "--timer"), (["--format"], "--format"),
                  (["--sort"], "--sort"), (["--limit"], "--limit"),
                  (["--output"], "--output"), (["-m"], "-m"),
                  (["-c"], "-c")])


@test
def no_script():
    usage_errors([([],), (["-q", "--timer=cpu"],), (["run"],)])


@test
def help_to_stdout():
    for opt in ("--help", "-h"):
        rc, out, err = run([opt])
        eq(rc, 0, "exit status of %s" % opt)
        eq(err, "", "stderr")
        check(out.startswith("usage: "), "help starts %r" % out[:40])
        for o in ("--timer", "--format", "--output", "--sort", "--limit",
                  "--builtins", "--quiet", "-m MODULE", "-c CODE",
                  "--version"):
            check(o in out, "%s not in --help" % o)


@test
def version():
    prc, pver, _ = run_python(["-c", "import platform; "
                               "print(platform.python_version())"])
    for opt in ("--version", "-V"):
        rc, out, err = run([opt])
        eq(rc, 0, "exit status")
        check(out.startswith("fullprof "), "version %r" % out)
        check("Python " + pver.strip() in out,
              "embedded Python %s not in %r" % (pver.strip(), out))


@test
def virtualenv_packages_importable():
    with TempDir() as d:
        venv = os.path.join(d, "venv")
        rc, out, err = run_python(["-m", "venv", "--without-pip", venv],
                                  timeout=60)
        if rc != 0:
            skip("cannot create a virtualenv here: %s" % err.strip()[-200:])
        site = glob.glob(os.path.join(venv, "lib", "python*",
                                      "site-packages"))
        check(len(site) == 1, "site-packages: %r" % site)
        mod = write(os.path.join(site[0], "e2e_venv_mod.py"),
                    "def answer():\n    return 42\n")
        env = {"VIRTUAL_ENV": venv,
               "PATH": os.path.join(venv, "bin") + os.pathsep +
               os.environ.get("PATH", "")}
        rc, out, err = run(["-q", script("venv_import.py")], env=env)
        eq(rc, 0, "exit status (stderr %r)" % err[-800:])
        got = json.loads(out)
        eq(got["answer"], 42, "answer")
        eq(os.path.realpath(got["file"]), os.path.realpath(mod),
           "module file")
        # The venv's own python gives the same sys.prefix.
        vpy = os.path.join(venv, "bin", "python3")
        prc, pout, perr = run_cmd([vpy, script("venv_import.py")],
                                  env=env)
        eq(prc, 0, "venv python status")
        eq(got["prefix"], json.loads(pout)["prefix"], "sys.prefix")
        # Without VIRTUAL_ENV the module is not there, as for python3.
        rc, out, err = run(["-q", script("venv_import.py")],
                           unset=("VIRTUAL_ENV",))
        eq(rc, 1, "exit status without VIRTUAL_ENV")
        check("ModuleNotFoundError" in err, "stderr %r" % err[-500:])


# The modes the program may run in: trace, with builtins, statistical.
MODES = ([], ["--builtins"], ["--sample=1ms"])


def seen_by_program(args, opts=(), python=False, cwd=None):
    """Runs tests/e2e/scripts/main_thread.py as args name it (a script
    path, -m main_thread or -c CODE) under fullprof -q OPTS or under
    python3; returns what it printed, parsed."""
    if python:
        rc, out, err = run_python(args, cwd=cwd)
    else:
        rc, out, err = run(["-q"] + list(opts) + args, cwd=cwd)
    eq(rc, 0, "exit status (stderr %r)" % err[-800:])
    return json.loads(out)


@test
def program_runs_on_the_first_thread():
    for opts in MODES:
        got = seen_by_program([script("main_thread.py")], opts)
        check(got["first_thread"], "%s: threading.get_native_id() != "
              "os.getpid()" % " ".join(opts))
        check(got["main_thread"], "%s: not threading's main thread" %
              " ".join(opts))


@test
def orig_argv_as_python3_gives_it():
    code = open(script("main_thread.py"), encoding="utf-8").read()
    forms = ([script("main_thread.py"), "a", "-b", ""],
             ["-m", "main_thread", "a", "--", "-c"],
             ["-c", code, "a", "-m", "x"])
    for args in forms:
        mine = seen_by_program(args, cwd=SCRIPTS)
        theirs = seen_by_program(args, python=True, cwd=SCRIPTS)
        # python3 keeps argv[0] as it was typed (here the path the tests
        # run python3 by); fullprof gives the interpreter python3 would
        # be, as sys.executable names it.
        eq(theirs["orig_argv"][0], PYTHON, "python3's orig_argv[0]")
        eq(mine["orig_argv"][0], mine["executable"], "orig_argv[0]")
        check(os.path.basename(mine["orig_argv"][0]).startswith("python"),
              "orig_argv[0] %r is not a python" % mine["orig_argv"][0])
        eq(mine["orig_argv"][1:], theirs["orig_argv"][1:],
           "sys.orig_argv after the interpreter (%s)" % args[0][:20])
        eq(mine["argv"], theirs["argv"], "sys.argv")


@test
def environment_and_thread_stacks_as_python3():
    # fullprof may execute itself again for a bigger main-thread stack:
    # the program sees the environment and the new threads' stack size
    # python3 gives.
    theirs = seen_by_program([script("main_thread.py")], python=True)
    for opts in MODES:
        mine = seen_by_program([script("main_thread.py")], opts)
        eq(mine["environ"], theirs["environ"], "%s: os.environ" %
           " ".join(opts))
        eq(mine["thread_stack"], theirs["thread_stack"], "%s: a new "
           "thread's stack size" % " ".join(opts))


@test
def deep_recursion_on_the_main_thread():
    prc, pout, perr = run_python([script("deep_main.py")])
    eq(prc, 0, "python3's exit status (stderr %r)" % perr[-500:])
    for opts in MODES:
        rc, out, err = run(["-q"] + list(opts) + [script("deep_main.py")])
        eq(rc, 0, "%s: exit status (stderr %r)" % (" ".join(opts),
                                                   err[-500:]))
        eq(out, pout, "%s: stdout" % " ".join(opts))


def _stack_limit(size):
    """Returns a preexec_fn that sets the soft and hard stack limits."""
    def set_limit():
        resource.setrlimit(resource.RLIMIT_STACK, (size, size))
    return set_limit


@test
def small_stack_limit_is_a_recursion_error():
    # A hard limit of 8 MiB leaves fullprof the stack there is: a
    # RecursionError that names the cause, never a crash.
    soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
    size = 8 * 1024 * 1024
    if hard != resource.RLIM_INFINITY and hard < size:
        skip("the hard stack limit is below 8 MiB here")
    p = subprocess.run([FULLPROF, "-q", script("deep_main.py")],
                       stdin=subprocess.DEVNULL, capture_output=True,
                       preexec_fn=_stack_limit(size), timeout=120)
    err = p.stderr.decode("utf-8", "replace")
    eq(p.returncode, 1, "exit status (stderr %r)" % err[-500:])
    check("RecursionError" in err and "C stack" in err,
          "no RecursionError naming the C stack: %r" % err[-500:])



@test
def warns_when_the_system_python_is_newer():
    # The python3 fullprof was built against seen with a modification
    # time far in the future (a copy bind-mounted over it in a mount
    # namespace of the test's own): fullprof says its built-in interpreter
    # is older, once, and runs the program all the same.
    rc, out, err = run(["-q", "-c", "import sys; print(sys.executable)"],
                       unset=("VIRTUAL_ENV",))
    eq(rc, 0, "exit status")
    eq(err, "", "stderr of a fullprof as new as its python3")
    python = os.path.realpath(out.strip())
    with TempDir() as d:
        copy = os.path.join(d, "python")
        with open(python, "rb") as src, open(copy, "wb") as dst:
            dst.write(src.read())
        os.utime(copy, (4102444800, 4102444800))    # 2100-01-01
        rc, out, err = run_cmd(
            ["unshare", "--mount", "sh", "-c",
             'mount --bind "$1" "$2" && shift 2 && exec "$@"', "sh", copy,
             python, FULLPROF, "-q", "-c", "print('ran')"],
            unset=("VIRTUAL_ENV",))
        if rc != 0 and "ran" not in out:
            skip("cannot bind-mount in a mount namespace here: %s" %
                 err.strip()[-200:])
    eq(rc, 0, "exit status (stderr %r)" % err[-500:])
    eq(out, "ran\n", "stdout")
    lines = err.splitlines()
    eq(len(lines), 1, "stderr lines (%r)" % err)
    check(lines[0].startswith("fullprof: warning: ") and "2100-01-01" in
          lines[0] and "rebuild fullprof" in lines[0],
          "the warning: %r" % lines[0])


if __name__ == "__main__":
    main()
