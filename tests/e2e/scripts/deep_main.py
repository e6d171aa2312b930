"""Recursion 50000 deep on the main thread, the recursion limit raised
to 60000: python3 (3.11+) runs it without C stack for each level; under
fullprof each level takes C stack, which the main thread must have."""
import sys

sys.setrecursionlimit(60000)


def down(n):
    return 0 if n == 0 else 1 + down(n - 1)


print(down(50000))
