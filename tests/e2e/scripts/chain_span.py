"""chain.py's a -> b -> c (own ~0.05s, ~0.1s, ~0.15s of wall-clock
spinning), timed by the program itself: writes to the file named by its
first argument how long the call to a() took by time.perf_counter(), the
figure that a's total must match whatever the machine's load."""
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
span = time.perf_counter() - t0
with open(sys.argv[1], "w") as f:
    f.write("%.9f\n" % span)
