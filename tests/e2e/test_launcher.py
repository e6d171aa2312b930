"""test_launcher.py: fullprof runs a program exactly as python3 would.

sys.argv, __name__, sys.path[0], -m and -c, stdin and stdout, exit
statuses and tracebacks are compared with plain python3 (the interpreter
fullprof embeds); the command line's own errors must end with status 2 and
a one-line message.
"""
import glob
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fptest import (SCRIPTS, TempDir, check, eq, has_table, main,
                    parse_table, profile_run, row, rows, run, run_cmd,
                    run_python, script, skip, test, write)


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


if __name__ == "__main__":
    main()
