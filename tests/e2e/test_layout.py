"""test_layout.py: checks that the source tree keeps the shape README.md's
"Layout of the source tree" describes.

- runtime/ has one folder per subsystem (core, trace, sample, python,
  report) and no loose sources;
- no circle between concepts: a concept is a .c file with the .h of the
  same name (and the parts it was split into along its seams, named
  X-PART, which include X.h), and concept A depends on B when a file of A
  includes B's header or calls an fp_ or fp__ function that a file of B
  defines; the dependency graph must have no cycle;
- a runtime header is always included by its layer ("trace/tracer.h"),
  from anywhere;
- no source file in runtime/ or launcher/ is over 900 lines;
- every internal header states who owns what, in its opening comment.

Run by `make check` with FULLPROF_SRCDIR in the environment, or by hand
from the source tree. Standard library only; self-contained like
test_docs.py. Prints one line per check and "N passed, N failed".
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.environ.get("FULLPROF_SRCDIR") or os.path.dirname(os.path.dirname(HERE))
LAYERS = ("core", "trace", "sample", "python", "report")
MAX_LINES = 900
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
DEFINITION = re.compile(r"^(fp_\w+)\(", re.M)
CALL = re.compile(r"\b(fp_\w+)\s*\(")

passed = 0
failed = 0


def check(name, problems):
    """Prints the result of one check; problems is a list of strings."""
    global passed, failed
    if problems:
        failed += 1
        print("FAIL - %s:" % name)
        for p in problems:
            print("    " + p)
    else:
        passed += 1
        print("ok - %s" % name)


def sources(*folders):
    """Returns the .c and .h files below folders, relative to SRCDIR."""
    out = []
    for folder in folders:
        top = os.path.join(SRCDIR, folder)
        for dirpath, _, files in os.walk(top):
            for f in files:
                if f.endswith((".c", ".h")):
                    out.append(os.path.relpath(os.path.join(dirpath, f), SRCDIR))
    return sorted(out)


def read(rel):
    """Returns the text of a file below SRCDIR."""
    with open(os.path.join(SRCDIR, rel), encoding="utf-8") as f:
        return f.read()


RUNTIME = sources("runtime")
LAUNCHER = sources("launcher")
HEADERS = {os.path.relpath(p, "runtime") for p in RUNTIME if p.endswith(".h")}


def resolve(includer, name):
    """Returns the file an #include "name" in includer refers to, or None."""
    for base in (os.path.dirname(includer), "runtime", "launcher"):
        cand = os.path.normpath(os.path.join(base, name))
        if os.path.exists(os.path.join(SRCDIR, cand)):
            return cand
    return None


def loose_sources():
    """runtime/ holds only the subsystem folders."""
    return ["%s is not in a subsystem folder" % p for p in RUNTIME
            if p.count("/") != 2 or p.split("/")[1] not in LAYERS]


def includes_name_the_layer():
    """A runtime header is included as "layer/name.h"."""
    bad = []
    for p in RUNTIME + LAUNCHER + sources("tests"):
        for name in INCLUDE.findall(read(p)):
            if "/" in name:
                continue
            if any(h.endswith("/" + name) for h in HEADERS):
                bad.append('%s includes "%s" without its layer' % (p, name))
    return bad


def concept(path):
    """Returns the concept a source file belongs to: its name without the
    ending, or, for a part of a concept split along its seams (a file
    named X-PART that includes X.h or X's private X-impl.h, as svg-graph.c
    includes svg.h), X."""
    node = os.path.splitext(path)[0]
    folder, name = os.path.split(node)
    if "-" in name:
        whole = os.path.join(folder, name.split("-")[0])
        header = os.path.relpath(whole, folder.split("/")[0])
        if os.path.exists(os.path.join(SRCDIR, whole + ".h")) and \
                re.search(r'#\s*include\s+"%s(-\w+)?\.h"' % re.escape(header),
                          read(path)):
            return whole
    return node


def include_cycles():
    """The concept graph (x.c + x.h as one node) has no cycle."""
    graph = {}
    defined_in = {}
    for p in RUNTIME + LAUNCHER:
        if p.endswith(".c"):
            for name in DEFINITION.findall(read(p)):
                defined_in.setdefault(name, concept(p))
    for p in RUNTIME + LAUNCHER:
        node = concept(p)
        deps = graph.setdefault(node, set())
        text = read(p)
        for name in INCLUDE.findall(text):
            target = resolve(p, name)
            if target is not None and target.startswith(("runtime/", "launcher/")):
                deps.add(concept(target))
        if p.endswith(".c"):
            for name in CALL.findall(text):
                if name in defined_in:
                    deps.add(defined_in[name])
        deps.discard(node)
    # Tarjan's strongly connected components, iteratively.
    index, low, on, stack, cycles = {}, {}, set(), [], []
    counter = [0]
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            node, it = work[-1]
            advanced = False
            for dep in it:
                if dep not in index:
                    index[dep] = low[dep] = counter[0]
                    counter[0] += 1
                    stack.append(dep)
                    on.add(dep)
                    work.append((dep, iter(sorted(graph.get(dep, ())))))
                    advanced = True
                    break
                if dep in on:
                    low[node] = min(low[node], index[dep])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1:
                    cycles.append("circle: " + " <-> ".join(sorted(comp)))
    return cycles


def file_sizes():
    """No source file of runtime/ or launcher/ is over MAX_LINES lines."""
    bad = []
    for p in RUNTIME + LAUNCHER:
        n = read(p).count("\n")
        if n > MAX_LINES:
            bad.append("%s has %d lines (at most %d)" % (p, n, MAX_LINES))
    return bad


def ownership_stated():
    """Every internal header says who owns what in its opening comment."""
    bad = []
    for p in RUNTIME + LAUNCHER:
        if not p.endswith(".h"):
            continue
        text = read(p)
        m = re.match(r"\s*/\*(.*?)\*/", text, re.S)
        if m is not None and m.group(1).lstrip().startswith("Generated"):
            continue    # made by the build (runtime/report/flamegraph.h)
        if m is None or not re.search(
                r"\b(own|owns|owned|owner|ownership|borrows?|belongs?|"
                r"frees?|alive)\b", m.group(1), re.I):
            bad.append("%s: no ownership sentence in its opening comment" % p)
    return bad


def main():
    """Runs every check and prints the summary line."""
    check("runtime/ is laid out by subsystem", loose_sources())
    check("includes name the layer", includes_name_the_layer())
    check("no circles between concepts", include_cycles())
    check("no source file over %d lines" % MAX_LINES, file_sizes())
    check("every internal header states ownership", ownership_stated())
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
