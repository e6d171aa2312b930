"""Stress: recursion N deep (default 50000), three times, with the
recursion limit raised. The profile holds one path per depth: memory
follows the depth, not the three times as many calls. Prints the calls
the profile must show."""
import json
import sys

REPEAT = 3


def down(n):
    if n == 0:
        return 0
    return down(n - 1) + 1


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50000
    sys.setrecursionlimit(n + 1000)
    for _ in range(REPEAT):
        assert down(n) == n
    print(json.dumps({"calls": {"down": REPEAT * (n + 1), "main": 1},
                      "primitive": {"down": REPEAT},
                      "paths": n + 3}))


main()
