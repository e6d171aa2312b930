"""test_embed.py: checks examples/embed, the C program that embeds Python and
profiles it through libfullprof's public API.

It runs the example as built by `make check` (linked with libfullprof.la)
and asserts on what it prints: the rows of its own functions in the run
that records everything, exactly the function asked for, what it calls and
a no-data row in the filtered run, the library's table, and exit status 0.
Then it installs the library, the header and fullprof.pc into a temporary
DESTDIR, builds examples/embed.c again with nothing but
`pkg-config --cflags --libs fullprof`, and runs that copy too (skipped
when pkg-config or make is missing), naming as its Python the one that
`pkg-config --variable=python fullprof` gives. Each run names the
configured python3, as the example's argument, so that a PATH whose first
python3 is another installation's (a pyenv shim, a venv) cannot give the
interpreter that one's standard library; one test plants such a python3.

Run by `make check` with FULLPROF_SRCDIR, FULLPROF_BUILDDIR, FULLPROF_CC and
FULLPROF_LDFLAGS (the build's compiler and sanitizer link flags) in the
environment. It prints one line per check and a summary line, and exits
non-zero when a check failed. Standard library only, and self-contained on
purpose: it does not use the shared fptest helpers.
"""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.environ.get("FULLPROF_SRCDIR") or os.path.dirname(
    os.path.dirname(HERE))
BUILDDIR = os.environ.get("FULLPROF_BUILDDIR") or SRCDIR
EMBED = os.path.join(BUILDDIR, "examples", "embed")
EMBED_C = os.path.join(SRCDIR, "examples", "embed.c")
TIMEOUT = 60
# The configured python3: `make check` runs this file with it.
PYTHON = sys.executable

# The host's own functions in the run that records everything, with their
# calls as printed ("calls/primitive" under recursion): fib(15) makes 1973
# calls and each of the three fib(10) 177.
RUN1_ROWS = {
    "<module>": "1",
    "work": "1",
    "sum_squares": "1",
    "squares": "1",
    "fib": "2504/4",
    "main": "1",
    "fetch": "3",
}
# The filtered run: the function asked for, the generator it calls, and
# the spec that matches nothing.
RUN2_ROWS = {
    "sum_squares": "1",
    "squares": "1",
    "no_such_function": "(no data)",
}

passed = 0
failed = 0


def ok(what):
    """Records and prints a check that passed."""
    global passed
    passed += 1
    print("ok - " + what)


def fail(what, why):
    """Records and prints a check that failed, with the reason on the same
    line (a long reason is cut)."""
    global failed
    failed += 1
    why = " | ".join(line.strip() for line in why.splitlines() if line.strip())
    if len(why) > 2000:
        why = why[:2000] + " ..."
    print("FAIL - %s: %s" % (what, why))


def skip(what, why):
    """Prints a check that does not apply here."""
    print("SKIP - %s: %s" % (what, why))


def check(what, problems):
    """Passes the check when problems (a list of strings) is empty."""
    if problems:
        fail(what, "; ".join(problems))
    else:
        ok(what)


def run(argv, env=None, cwd=None):
    """Runs argv and returns (status, stdout, stderr); status is None when
    the program could not be started or timed out."""
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, env=env, cwd=cwd,
                           capture_output=True, text=True, timeout=TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, "", str(e)
    return p.returncode, p.stdout, p.stderr


def sections(out):
    """Splits embed's output at its "== title ==" lines: returns
    {title: [lines]}, titles without their ": N rows, T ms" tail, and
    {title: N}."""
    parts, counts, title = {}, {}, None
    for line in out.splitlines():
        m = re.match(r"^== (.*?)(?:: (\d+) rows, [\d.]+ ms)? ==$", line)
        if m:
            title = m.group(1)
            parts[title] = []
            if m.group(2) is not None:
                counts[title] = int(m.group(2))
        elif title is not None:
            parts[title].append(line)
    return parts, counts


def host_rows(lines):
    """Returns {name: (calls, total ms, suspended ms)} from the rows of one
    of embed's own tables ((calls, None, None) for a no-data row), and the
    number of library rows it says it left out."""
    rows, others = {}, None
    for line in lines:
        m = re.match(r"^  (\S+)\s+(\d+(?:/\d+)?)\s+([\d.]+)\s+([\d.]+)$",
                     line)
        if m:
            rows[m.group(1)] = (m.group(2), float(m.group(3)),
                                float(m.group(4)))
            continue
        m = re.match(r"^  (\S+)\s+\(no data\)$", line)
        if m:
            rows[m.group(1)] = ("(no data)", None, None)
            continue
        m = re.match(r"^  \((\d+) more rows for library functions\)$", line)
        if m:
            others = int(m.group(1))
    return rows, others


def calls_of(rows):
    """Returns {name: calls} of host_rows' result."""
    return {name: r[0] for name, r in rows.items()}


def library_table_names(lines):
    """Returns the function names of the library's table (third column of
    each row under the header line)."""
    names = []
    for line in lines[2:]:
        cols = line.split()
        if len(cols) >= 3:
            names.append(cols[2])
    return names


def check_output(label, status, out, err):
    """Checks one run of an embed binary; label names the binary."""
    check("%s exits with status 0" % label,
          [] if status == 0 else
          ["status %s, stderr: %s" % (status, err.strip()[-1500:])])
    if status is None:
        return
    parts, counts = sections(out)
    run1 = parts.get("run 1: every function")
    run2 = parts.get("run 2: sum_squares only")
    written = parts.get("fp_profile_write")
    check("%s prints its two tables and the library's" % label,
          ["no '%s' section in: %s" % (t, out[:1500]) for t, p in
           (("run 1", run1), ("run 2", run2), ("fp_profile_write", written))
           if p is None])
    if run1 is None or run2 is None or written is None:
        return

    rows1, others1 = host_rows(run1)
    check("%s, run 1: exactly the host's functions, with exact calls" % label,
          [] if calls_of(rows1) == RUN1_ROWS else
          ["got %r, want %r" % (calls_of(rows1), RUN1_ROWS)])
    n1 = counts.get("run 1: every function")
    check("%s, run 1: row count = host rows + library rows" % label,
          [] if n1 is not None and others1 is not None and others1 > 0 and
          n1 == len(RUN1_ROWS) + others1 else
          ["%s rows, %s of them library rows" % (n1, others1)])
    problems = []
    if set(rows1) >= {"fetch", "main", "work"}:
        fetch, main, work = rows1["fetch"], rows1["main"], rows1["work"]
        # Each fetch awaits asyncio.sleep(0.002), all three at once.
        if not fetch[1] >= 3 * 1.9:
            problems.append("fetch total %.3f ms < 3 x 1.9 ms" % fetch[1])
        if not 0 < fetch[2] <= fetch[1]:
            problems.append("fetch suspended %.3f ms of %.3f" %
                            (fetch[2], fetch[1]))
        if not 1.9 <= main[1] <= work[1]:
            problems.append("main total %.3f ms, work %.3f ms" %
                            (main[1], work[1]))
    check("%s, run 1: the wall-like custom timer counts time suspended" %
          label, problems)
    m = re.search(r"^custom timer read (\d+) times$", out, re.M)
    check("%s, run 1: the custom timer was read twice per call or more" %
          label, [] if m and int(m.group(1)) >= 2 * 2512 else
          ["%r" % (m.group(0) if m else "no 'custom timer read' line")])

    check("%s lists the specs with fp_profile_function" % label,
          [] if re.search(r"^restricted to: sum_squares no_such_function$",
                          out, re.M) else ["no 'restricted to' line"])
    rows2, others2 = host_rows(run2)
    check("%s, run 2: only sum_squares, what it calls, and a no-data row" %
          label,
          [] if calls_of(rows2) == RUN2_ROWS and others2 == 0 and
          counts.get("run 2: sum_squares only") == len(RUN2_ROWS) else
          ["got %r (+%s library rows, %s in all), want %r" %
           (calls_of(rows2), others2, counts.get("run 2: sum_squares only"),
            RUN2_ROWS)])
    names = library_table_names(written)
    check("%s: fp_profile_write(\"table\", \"-\") shows the same rows" % label,
          [] if written and written[0].startswith("fullprof: custom timer") and
          sorted(names) == sorted(RUN2_ROWS) else
          ["table %r" % "\n".join(written)])


def check_installed():
    """Installs libfullprof, fullprof.h and fullprof.pc under a temporary
    DESTDIR, builds examples/embed.c with pkg-config's flags alone, and
    runs the result."""
    what = "examples/embed.c builds against an installed copy with pkg-config"
    pkg_config = shutil.which("pkg-config")
    make = shutil.which("make")
    cc = shlex.split(os.environ.get("FULLPROF_CC") or "cc")
    if pkg_config is None or make is None:
        skip(what, "no %s" % ("pkg-config" if pkg_config is None else "make"))
        return
    if shutil.which(cc[0]) is None:
        skip(what, "no C compiler %s" % cc[0])
        return
    # A make started from the tests must not talk to the make running them.
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    build_pc = dict(env, PKG_CONFIG_PATH=BUILDDIR)
    dirs = {}
    for var in ("libdir", "includedir", "python"):
        status, out, err = run([pkg_config, "--variable=" + var, "fullprof"],
                               env=build_pc)
        if status != 0 or not out.strip().startswith("/"):
            fail(what, "pkg-config --variable=%s on the build tree's "
                 "fullprof.pc: %s" % (var, (out + err).strip()))
            return
        dirs[var] = out.strip()

    tmp = tempfile.mkdtemp(prefix="fp-embed-")
    try:
        dest = os.path.join(tmp, "dest")
        status, out, err = run(
            [make, "-s", "-C", BUILDDIR, "DESTDIR=" + dest,
             "install-libLTLIBRARIES", "install-includeHEADERS",
             "install-pkgconfigDATA"], env=env)
        if status != 0:
            fail(what, "make install into DESTDIR failed: %s" % (out + err))
            return
        libdir = dest + dirs["libdir"]
        includedir = dest + dirs["includedir"]
        pcdir = os.path.join(libdir, "pkgconfig")
        problems = ["%s is not installed" % p for p in (
            os.path.join(pcdir, "fullprof.pc"),
            os.path.join(includedir, "fullprof.h"),
            os.path.join(libdir, "libfullprof.so")) if not os.path.exists(p)]
        if problems:
            fail(what, "; ".join(problems))
            return
        installed_pc = dict(env, PKG_CONFIG_PATH=pcdir)
        status, flags, err = run(
            [pkg_config, "--define-variable=libdir=" + libdir,
             "--define-variable=includedir=" + includedir,
             "--cflags", "--libs", "fullprof"], env=installed_pc)
        if status != 0:
            fail(what, "pkg-config --cflags --libs fullprof: %s" % err)
            return
        print("# pkg-config --cflags --libs fullprof: %s" % flags.strip())
        exe = os.path.join(tmp, "embed")
        argv = (cc + ["-o", exe, EMBED_C] + shlex.split(flags) +
                shlex.split(os.environ.get("FULLPROF_LDFLAGS") or ""))
        status, out, err = run(argv, env=env)
        if status != 0:
            fail(what, "%s: %s" % (" ".join(argv), out + err))
            return
        ok(what)
        check("fullprof.pc names the configured python3",
              [] if os.path.samefile(dirs["python"], PYTHON) else
              ["pkg-config --variable=python says %s, not %s" % (
                  dirs["python"], PYTHON)])
        status, out, err = run(
            [exe, dirs["python"]], env=dict(env, LD_LIBRARY_PATH=libdir),
            cwd=tmp)
        check_output("the installed-library build", status, out, err)
        status, ldd, err = run(["ldd", exe], env=dict(env,
                                LD_LIBRARY_PATH=libdir))
        if status == 0:
            m = re.search(r"libfullprof\.so\S* => (\S+)", ldd)
            check("the installed-library build loads the installed "
                  "libfullprof", [] if m and m.group(1).startswith(libdir)
                  else ["ldd says: %s" % ldd])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def check_misleading_path():
    """examples/embed PYTHON runs on PYTHON's installation even when the
    first python3 in PATH belongs to another one: a planted prefix with a
    python3 and the landmark Python looks for (lib/python3.N/os.py), but
    no standard library."""
    what = "examples/embed PYTHON ignores another installation in PATH"
    tmp = tempfile.mkdtemp(prefix="fp-embed-path-")
    try:
        os.makedirs(os.path.join(tmp, "bin"))
        lib = os.path.join(tmp, "lib", "python%d.%d" % sys.version_info[:2])
        os.makedirs(lib)
        open(os.path.join(lib, "os.py"), "w").close()
        fake = os.path.join(tmp, "bin", "python3")
        with open(fake, "w") as f:
            f.write("#!/bin/sh\nexit 1\n")
        os.chmod(fake, 0o755)
        env = dict(os.environ, PATH=os.path.join(tmp, "bin") + ":" +
                   os.environ.get("PATH", ""))
        # Without the argument the planted prefix is taken and the
        # interpreter cannot start: proof that the trap is one.
        bare, _, err = run([EMBED], env=env)
        check("examples/embed without PYTHON takes PATH's python3",
              [] if bare not in (0, None) else
              ["status %s: the planted python3 was not taken" % bare])
        status, out, err = run([EMBED, PYTHON], env=env)
        check_output(what, status, out, err)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def check_exports():
    """libfullprof.so exports the fp_ API and nothing else (in particular
    not the Python module's entry point)."""
    lib = os.path.join(BUILDDIR, ".libs", "libfullprof.so")
    if shutil.which("nm") is None or not os.path.exists(lib):
        skip("libfullprof.so exports only fp_ functions", "no nm or no "
             "shared library")
        return
    status, out, err = run(["nm", "-D", "--defined-only", lib])
    names = [f[2] for f in (ln.split() for ln in out.splitlines())
             if len(f) == 3 and f[1] in "TDBR"]
    check("libfullprof.so exports only fp_ functions",
          ([] if status == 0 else ["nm failed: %s" % err]) +
          ["%s is exported" % n for n in names if not n.startswith("fp_")] +
          ([] if "fp_profile_new" in names else ["fp_profile_new is not"]))


def main():
    """Runs every check; returns the exit status."""
    if not os.access(EMBED, os.X_OK):
        fail("examples/embed is built", "%s is missing (make check builds "
             "it)" % EMBED)
    else:
        status, out, err = run([EMBED, PYTHON])
        check_output("examples/embed", status, out, err)
        check_misleading_path()
        status, out, err = run([EMBED, PYTHON, "extra"])
        check("examples/embed with two arguments is a usage error",
              [] if status == 2 and "usage:" in err else
              ["status %d, stderr %r" % (status, err)])
    check_exports()
    check_installed()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
