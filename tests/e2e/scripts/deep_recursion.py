"""Recursion 30000 deep with the recursion limit raised: python3 (3.11+)
runs it without using the C stack for each level."""
import sys

sys.setrecursionlimit(40000)


def down(n):
    return 0 if n == 0 else 1 + down(n - 1)


print(down(30000))
