"""test_docs.py: checks that the documentation says what the program does.

The manual (man/fullprof.1) and README.md must agree with `fullprof --help`:
every option --help lists is documented, the manual lists no option that
--help does not, and the manual's SYNOPSIS has the same usage forms. The
manual must pass `mandoc -Tlint` silently, README.md must begin with the two
commands CI runs (.ci/run takes them from its first two code blocks), and
`fullprof --version` must name fullprof's and Python's versions.

Run by `make check` with FULLPROF (the built binary), FULLPROF_SRCDIR and
MANDOC (empty when configure found no mandoc) in the environment; it also
runs by hand from the source tree. It prints one line per check and a
summary line, and exits non-zero when a check failed. Standard library only,
and self-contained on purpose: it does not use the shared fptest helpers.
"""
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.environ.get("FULLPROF_SRCDIR") or os.path.dirname(os.path.dirname(HERE))
FULLPROF = os.environ.get("FULLPROF") or os.path.join(
    os.environ.get("FULLPROF_BUILDDIR") or SRCDIR, "fullprof")
MAN = os.path.join(SRCDIR, "man", "fullprof.1")
README = os.path.join(SRCDIR, "README.md")

# The first two code blocks of README.md, which CI runs as they are written.
README_COMMANDS = [
    "apt-get update && apt-get install -y --no-install-recommends "
    "build-essential autoconf automake libtool pkg-config python3 "
    "libpython3-dev check && autoreconf -fi && ./configure && make -j2 && "
    "./fullprof examples/burn.py",
    "apt-get install -y --no-install-recommends mandoc libxml2-utils "
    "valgrind python3-yappi python3-greenlet python3-gevent && make -j2 "
    "check",
]
README_INTRO = "on a fresh Debian/Ubuntu machine, as root"

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


def check(what, problems):
    """Passes the check when problems (a list of strings) is empty."""
    if problems:
        fail(what, "; ".join(problems))
    else:
        ok(what)


def read(path):
    """Returns the text of a file, or None when it cannot be read."""
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        print("# cannot read %s: %s" % (path, e.strerror))
        return None


def run(argv):
    """Runs argv and returns (status, stdout, stderr); status is None when
    the program could not be started."""
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, "", str(e)
    return p.returncode, p.stdout, p.stderr


# ------------------------------------------------------------------ --help

def help_usage_forms(text):
    """Returns the usage lines at the top of --help, without "usage:"."""
    forms = []
    for i, line in enumerate(text.splitlines()):
        if i == 0:
            if not line.startswith("usage:"):
                return []
            forms.append(line[len("usage:"):].strip())
        elif line.startswith((" ", "\t")) and line.strip():
            forms.append(line.strip())
        else:
            break
    return forms


def help_long_options(text):
    """Returns the --long options named anywhere in --help."""
    return sorted(set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", text)))


def help_listed_options(text):
    """Returns every option (short and long) in the Options: list."""
    opts = set()
    inside = False
    for line in text.splitlines():
        if line.strip() == "Options:":
            inside = True
            continue
        if inside and not line.strip():
            break
        if inside and line.lstrip().startswith("-"):
            term = re.split(r"\s{2,}", line.strip(), maxsplit=1)[0]
            opts.update(re.findall(r"(?<![\w-])(--?[A-Za-z][A-Za-z-]*)",
                                   term))
    return opts


# ------------------------------------------------------------------ mdoc

MACRO = re.compile(r"^[A-Z][a-z]{1,2}$")
CLOSING = {",", ".", ";", ":", ")", "]", "?", "!"}
OPENING = {"(", "["}


def mdoc_tokens(line):
    """Splits the arguments of an mdoc line, honouring double quotes and
    dropping the escapes that only affect rendering."""
    line = line.replace("\\&", "").replace("\\-", "-").replace("\\(dq", '"')
    return [a if b == "" else b
            for a, b in re.findall(r'"([^"]*)"|(\S+)', line)]


def mdoc_sections(text):
    """Returns {section name: [lines]} of an mdoc page."""
    sections, name = {}, None
    for line in text.splitlines():
        if line.startswith(".Sh "):
            name = " ".join(mdoc_tokens(line[4:]))
            sections[name] = []
        elif name is not None and not line.startswith('.\\"'):
            sections[name].append(line)
    return sections


def mdoc_flags(tokens):
    """Returns the flags named by the Fl macros among tokens."""
    flags, in_fl = [], False
    for t in tokens:
        if t == "Fl":
            in_fl = True
        elif MACRO.match(t) or t in CLOSING or t in OPENING or t == "|":
            in_fl = False
        elif in_fl:
            flags.append("-" + t)
    return flags


def mdoc_render(tokens, name):
    """Renders one line of SYNOPSIS macros as plain text, for the few macros
    a synopsis uses (Nm, Op, Oo/Oc, Fl, Ar, Cm, Ns, ...)."""
    words = []
    glue = False
    mode = None

    def add(w):
        nonlocal glue
        if glue and words:
            words[-1] += w
        else:
            words.append(w)
        glue = False

    i = 0
    while i < len(tokens):
        t = tokens[i]
        i += 1
        nxt = tokens[i] if i < len(tokens) else None
        if t == "Op":
            add("[" + mdoc_render(tokens[i:], name) + "]")
            break
        if t == "Oo":
            add("[")
            glue = True
        elif t == "Oc":
            glue = True
            add("]")
        elif t == "Ns":
            glue = True
        elif t == "Fl":
            mode = "Fl"
            if nxt is None or MACRO.match(nxt) or nxt in CLOSING:
                add("-")
        elif t == "Nm":
            mode = "Nm"
            if nxt is None or MACRO.match(nxt) or nxt in CLOSING:
                add(name)
        elif MACRO.match(t):
            mode = t
        elif t in CLOSING:
            glue = True
            add(t)
        elif t in OPENING:
            add(t)
            glue = True
        else:
            add("-" + t if mode == "Fl" else t)
    return " ".join(words)


def man_synopsis_forms(sections):
    """Returns the usage forms of the SYNOPSIS, one per .Nm line."""
    name = "fullprof"
    for line in sections.get("NAME", []):
        if line.startswith(".Nm ") and mdoc_tokens(line[4:]):
            name = mdoc_tokens(line[4:])[0]
            break
    forms = []
    for line in sections.get("SYNOPSIS", []):
        if not line.startswith("."):
            if forms and line.strip():
                forms[-1].append(line.strip())
            continue
        tokens = mdoc_tokens(line[1:])
        if not tokens:
            continue
        if tokens[0] == "Nm":
            forms.append([])
        if forms:
            forms[-1].append(mdoc_render(tokens, name))
    return [" ".join(w for w in f if w) for f in forms]


def man_option_entries(sections):
    """Returns the flags of the entries of the OPTIONS list (the .It lines
    of its outermost .Bl, not those of lists nested in an entry)."""
    flags, depth = [], 0
    for line in sections.get("OPTIONS", []):
        if line.startswith(".Bl"):
            depth += 1
        elif line.startswith(".El"):
            depth -= 1
        elif line.startswith(".It") and depth == 1:
            flags.extend(mdoc_flags(mdoc_tokens(line[3:])))
    return flags


def normalise_form(s):
    """Makes two spellings of a usage form comparable: case, spacing and
    "ARGS..." against "args ..."."""
    s = re.sub(r"\s+", " ", s.strip().lower())
    return re.sub(r"\s+\.\.\.", "...", s)


def mentions_long_option(text, opt):
    """Returns True when text names --opt, in mdoc (Fl -opt) or literally."""
    name = re.escape(opt[2:])
    return re.search(r"(?:\bFl\s+-|--|\\-\\-)" + name + r"(?![\w-])",
                     text) is not None


# ------------------------------------------------------------------ checks

def check_mandoc(man):
    """mandoc -Tlint prints nothing for the manual."""
    what = "mandoc -Tlint man/fullprof.1 prints nothing"
    mandoc = os.environ.get("MANDOC")
    if mandoc is None:
        mandoc = shutil.which("mandoc") or ""
    if not mandoc or not os.access(mandoc, os.X_OK):
        print("SKIP - %s: mandoc is not installed" % what)
        return
    if man is None:
        fail(what, "man/fullprof.1 cannot be read")
        return
    status, out, err = run([mandoc, "-Tlint", MAN])
    if status is None:
        fail(what, "cannot run %s: %s" % (mandoc, err))
    elif out or err or status != 0:
        fail(what, "exit %d, output: %s" % (status, (out + err).rstrip()))
    else:
        ok(what)


def check_readme_start(readme):
    """README.md begins with the title, a pitch and the two commands."""
    if readme is None:
        fail("README.md starts with the two commands", "cannot read it")
        return
    lines = readme.splitlines()
    blocks, current, before = [], None, []
    for line in lines:
        if line.startswith("```"):
            if current is None:
                current = []
            else:
                blocks.append("\n".join(current).strip())
                current = None
                if len(blocks) == 2:
                    break
            continue
        if current is not None:
            current.append(line)
        elif not blocks:
            before.append(line)
    problems = []
    if not lines or not lines[0].startswith("# "):
        problems.append("the first line is not a '# ' title")
    if any(line.startswith("#") for line in before[1:]):
        problems.append("a heading comes before the first command")
    if README_INTRO.lower() not in " ".join(before).lower():
        problems.append("the commands are not introduced as %r"
                        % README_INTRO)
    check("README.md opens with a title, a pitch and %r" % README_INTRO,
          problems)
    for i, (want, ordinal) in enumerate(zip(README_COMMANDS,
                                            ("first", "second"))):
        what = "README.md's %s code block is command %d" % (ordinal, i + 1)
        if len(blocks) <= i:
            fail(what, "README.md has only %d code blocks" % len(blocks))
        elif blocks[i] != want:
            fail(what, "found %r, want %r" % (blocks[i], want))
        else:
            ok(what)


def check_version():
    """--version names fullprof's version (configure.ac's) and Python's."""
    want = "0.1.0"
    ac = read(os.path.join(SRCDIR, "configure.ac")) or ""
    m = re.search(r"AC_INIT\(\[fullprof\],\s*\[([^\]]+)\]", ac)
    if m:
        want = m.group(1)
    what = "fullprof --version prints 'fullprof %s (Python 3.x.y)'" % want
    status, out, err = run([FULLPROF, "--version"])
    if status is None:
        fail(what, "cannot run %s: %s" % (FULLPROF, err))
        return
    problems = []
    if status != 0:
        problems.append("exit status %d" % status)
    if err:
        problems.append("wrote to stderr: %r" % err)
    pattern = (r"fullprof %s \(Python 3\.\d+\.\d+[a-z0-9+]*\)\n"
               % re.escape(want))
    if not re.fullmatch(pattern, out):
        problems.append("printed %r" % out)
    check(what, problems)


def check_environment(man_sections):
    """Every environment variable the C sources read is in ENVIRONMENT."""
    names = set()
    for sub in ("launcher", "runtime"):
        d = os.path.join(SRCDIR, sub)
        try:
            files = sorted(os.listdir(d))
        except OSError:
            continue
        for f in files:
            if f.endswith((".c", ".h")):
                text = read(os.path.join(d, f)) or ""
                names.update(re.findall(r'getenv\("([A-Za-z_][A-Za-z0-9_]*)"\)',
                                        text))
    env = "\n".join(man_sections.get("ENVIRONMENT", []))
    missing = [n for n in sorted(names)
               if not re.search(r"\bEv\s+(?:[\w, ]*\s)?%s\b" % re.escape(n),
                                env)]
    check("man ENVIRONMENT documents every variable the sources read (%s)"
          % ", ".join(sorted(names)),
          ["%s is not in it" % n for n in missing])


def main():
    man = read(MAN)
    readme = read(README)
    sections = mdoc_sections(man) if man is not None else {}

    check_mandoc(man)

    status, help_text, err = run([FULLPROF, "--help"])
    what = "fullprof --help exits 0 and writes only to stdout"
    if status is None:
        fail(what, "cannot run %s: %s" % (FULLPROF, err))
        help_text = ""
    else:
        check(what, (["exit status %d" % status] if status != 0 else []) +
              (["wrote to stderr: %r" % err] if err else []))

    long_opts = help_long_options(help_text)
    listed = help_listed_options(help_text)
    man_opts = man_option_entries(sections)
    print("# --help names %s" % " ".join(long_opts))
    print("# man OPTIONS lists %s" % " ".join(man_opts))

    check("--help names long options", [] if long_opts else
          ["no --option found in --help"])
    check("every long option of --help is in man/fullprof.1",
          ["%s is missing" % o for o in long_opts
           if man is None or not mentions_long_option(man, o)])
    check("every long option of --help is in README.md",
          ["%s is missing" % o for o in long_opts
           if readme is None or not re.search(
               re.escape(o) + r"(?![\w-])", readme)])
    check("every option of --help's list has an entry in man OPTIONS",
          ["%s has none" % o for o in sorted(listed) if o not in man_opts])
    check("every option in man OPTIONS is in --help",
          (["the OPTIONS list is empty"] if not man_opts else []) +
          ["%s is not in --help" % o for o in man_opts
           if o not in listed and not re.search(
               r"(?<![\w-])" + re.escape(o) + r"(?![\w-])", help_text)])

    help_forms = help_usage_forms(help_text)
    man_forms = man_synopsis_forms(sections)
    print("# --help usage: %s" % " | ".join(help_forms))
    print("# man SYNOPSIS: %s" % " | ".join(man_forms))
    what = "man SYNOPSIS has the usage forms of --help"
    if not help_forms:
        fail(what, "no 'usage:' lines in --help")
    elif ([normalise_form(f) for f in man_forms] !=
          [normalise_form(f) for f in help_forms]):
        fail(what, "SYNOPSIS %r, --help %r" % (man_forms, help_forms))
    else:
        ok(what)

    check_readme_start(readme)
    check_version()
    check_environment(sections)

    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
