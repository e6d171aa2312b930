#!/usr/bin/env python3
"""include-cycles.py: finds the circles among the source files of
launcher/ and runtime/, which should not know each other both ways.

A module is a source file without its ending (launcher/embed is embed.c
with embed.h). Module A depends on module B when a file of A includes a
header of B, or uses a function that B's .c defines (a header declaring
functions defined elsewhere, as command.h does, hides such a dependency
from the includes alone). A circle is a set of modules that all reach each
other; each one is printed with one path through it.

tests/include-cycles.allow lists the circles known and being worked on,
one a line as the modules joined by " <-> ", each with its reason after a
'#'. Exits 1 when a circle not on that list is found, 0 otherwise; a line
of the list that matches no circle any more is reported, to be removed.

usage: include-cycles.py [SRCDIR]   (default: $FULLPROF_SRCDIR or .)
"""
import os
import re
import sys

ROOTS = ("launcher", "runtime")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
COMMENT = re.compile(r'/\*.*?\*/|//[^\n]*', re.S)
STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')
IDENT = re.compile(r'\b[A-Za-z_][A-Za-z0-9_]*\b')
# A function definition in the house style: the return type on its own
# line, the name at the start of the next, an opening brace after the
# parameters; "static" on the line before means file-local.
DEFINITION = re.compile(r'^(?P<type>[^\n;{}#]*)\n(?P<name>[A-Za-z_]\w*)\([^;{]*\)\s*\{',
                        re.M)


def sources(srcdir):
    """Returns the paths, relative to srcdir, of every .c and .h under the
    roots."""
    found = []
    for root in ROOTS:
        for dirpath, _, files in os.walk(os.path.join(srcdir, root)):
            for f in files:
                if f.endswith((".c", ".h")):
                    found.append(os.path.relpath(os.path.join(dirpath, f),
                                                 srcdir))
    return sorted(found)


def module(path):
    """Returns the module a source path belongs to (its path without the
    ending)."""
    return os.path.splitext(path)[0]


def resolve(srcdir, including, name):
    """Returns the path of the header name included by the file including,
    looked up beside it, then under runtime/ (-I runtime), then launcher/,
    or None for a header from elsewhere."""
    for base in (os.path.dirname(including), "runtime", "launcher"):
        path = os.path.normpath(os.path.join(base, name))
        if os.path.exists(os.path.join(srcdir, path)):
            return path
    return None


def graph(srcdir):
    """Returns {module: {module it depends on: the reason}}."""
    files = sources(srcdir)
    text = {}
    for f in files:
        with open(os.path.join(srcdir, f), encoding="utf-8",
                  errors="replace") as fh:
            text[f] = fh.read()
    defined = {}
    for f in files:
        if not f.endswith(".c"):
            continue
        code = COMMENT.sub(" ", text[f])
        for m in DEFINITION.finditer(code):
            if ("static" not in m.group("type").split() and
                    m.group("name") != "main"):
                defined.setdefault(m.group("name"), module(f))
    deps = {}
    for f in files:
        a = module(f)
        edges = deps.setdefault(a, {})
        for name in INCLUDE.findall(text[f]):
            header = resolve(srcdir, f, name)
            if header is not None and module(header) != a:
                edges.setdefault(module(header), "%s includes %s" %
                                 (f, header))
        if not f.endswith(".c"):
            continue
        code = STRING.sub('""', COMMENT.sub(" ", text[f]))
        for ident in sorted(set(IDENT.findall(code))):
            b = defined.get(ident)
            if b is not None and b != a:
                edges.setdefault(b, "%s calls %s()" % (f, ident))
    return deps


def circles(deps):
    """Returns the strongly connected components of more than one module
    (Tarjan's algorithm, iterative), each as a sorted list."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = [0]
    for start in sorted(deps):
        if start in index:
            continue
        work = [(start, iter(sorted(deps.get(start, {}))))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(deps.get(child, {})))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        n = stack.pop()
                        on_stack.discard(n)
                        component.append(n)
                        if n == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def path_through(deps, component):
    """Returns one circle inside component as a list of (module, reason)
    steps that comes back to its first module."""
    members = set(component)
    first = component[0]
    # Breadth-first from first back to first, inside the component.
    queue, came = [first], {}
    while queue:
        node = queue.pop(0)
        for child in sorted(deps.get(node, {})):
            if child not in members:
                continue
            if child == first:
                steps, n = [(node, deps[node][child])], node
                while n != first:
                    prev = came[n]
                    steps.append((prev, deps[prev][n]))
                    n = prev
                return list(reversed(steps))
            if child not in came:
                came[child] = node
                queue.append(child)
    return []


def allowed(srcdir):
    """Returns the circles of tests/include-cycles.allow, as strings."""
    known = set()
    path = os.path.join(srcdir, "tests", "include-cycles.allow")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                line = line.split("#", 1)[0].strip()
                if line:
                    known.add(line)
    return known


def main():
    srcdir = (sys.argv[1] if len(sys.argv) > 1 else
              os.environ.get("FULLPROF_SRCDIR", "."))
    deps = graph(srcdir)
    found = circles(deps)
    known = allowed(srcdir)
    new = 0
    for component in found:
        name = " <-> ".join(component)
        if name in known:
            print("known circle (include-cycles.allow): " + name)
        else:
            print("circle: " + name)
            new += 1
        for _, reason in path_through(deps, component):
            print("  " + reason)
    for name in sorted(known - {" <-> ".join(c) for c in found}):
        print("include-cycles.allow: no such circle any more (remove the "
              "line): " + name)
    print("%d modules, %d circles, %d new" % (len(deps), len(found), new))
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main())
