"""Stress: a chain of N distinct functions (default 20000), each calling
the next, with the recursion limit raised: every new path is deeper than
the last and unlike recursion no ancestor has the same function. Prints
the calls the profile must show."""
import json
import sys


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    sys.setrecursionlimit(n + 1000)
    src = ["def c_%d():\n    return c_%d() + 1\n" % (i, i + 1)
           for i in range(n - 1)]
    src.append("def c_%d():\n    return 1\n" % (n - 1))
    ns = {"__name__": "chain"}
    exec(compile("".join(src), "<chain>", "exec"), ns)
    assert ns["c_0"]() == n
    calls = {"c_%d" % i: 1 for i in range(n)}
    calls["main"] = 1
    print(json.dumps({"calls": calls, "paths": n + 2}))


main()
