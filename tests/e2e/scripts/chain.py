"""A synchronous chain a -> b -> c, each burning CPU in its own body:
own times ~0.05s (a), ~0.1s (b), ~0.15s (c); totals 0.3, 0.25, 0.15.
Given a file name, it also writes there how long the call to a() took by
time.perf_counter(), the figure a's total must match whatever the
machine's load."""
import sys
import time


def c():
    end = time.perf_counter() + 0.15
    while time.perf_counter() < end:
        pass


def b():
    end = time.perf_counter() + 0.1
    while time.perf_counter() < end:
        pass
    c()


def a():
    end = time.perf_counter() + 0.05
    while time.perf_counter() < end:
        pass
    b()


t0 = time.perf_counter()
a()
if len(sys.argv) > 1:
    with open(sys.argv[1], "w") as f:
        f.write("%.9f\n" % (time.perf_counter() - t0))
