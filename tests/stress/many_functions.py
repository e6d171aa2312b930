"""Stress: N distinct functions (default 200000), generated in modules of
1000, each called twice from call_all(). Prints the calls the profile must
show."""
import json
import sys

CHUNK = 1000


def call_all(funcs):
    s = 0
    for f in funcs:
        s += f()
    return s


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
    funcs = []
    for base in range(0, n, CHUNK):
        src = "".join("def f_%d():\n    return %d\n" % (i, i)
                      for i in range(base, min(n, base + CHUNK)))
        ns = {"__name__": "gen%d" % base}
        exec(compile(src, "<gen%d>" % base, "exec"), ns)
        funcs.extend(ns["f_%d" % i] for i in range(base, min(n, base + CHUNK)))
    for _ in range(2):
        assert call_all(funcs) == n * (n - 1) // 2
    calls = {"f_%d" % i: 2 for i in range(n)}
    calls["call_all"] = 2
    calls["main"] = 1
    print(json.dumps({"calls": calls, "paths": n + 3}))


main()
