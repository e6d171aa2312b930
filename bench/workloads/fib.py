"""Benchmark workload: naive recursive fib(N), N from argv (default 30).

Nothing but Python-to-Python calls, so it measures a profiler's cost per
call and return. fib(N) makes 2*fib(N+1)-1 calls (2692537 for N=30); the
result is printed so a run can be checked.
"""
import sys


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


if __name__ == "__main__":
    print(fib(int(sys.argv[1]) if len(sys.argv) > 1 else 30))
