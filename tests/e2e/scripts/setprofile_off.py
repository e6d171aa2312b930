"""The program sets its own profile function: f() switches profiling off
with sys.setprofile(None) then runs g() 5 times (~0.05s); h() uses
cProfile around one g(); the top level runs g() 3 more times. Prints the
wall time f() and h() took by the program's own clock, as JSON."""
import cProfile
import json
import sys
import time


def g():
    time.sleep(0.01)


def f():
    sys.setprofile(None)
    for _ in range(5):
        g()


def h():
    pr = cProfile.Profile()
    pr.enable()
    g()
    pr.disable()
    g()


t0 = time.perf_counter()
f()
t1 = time.perf_counter()
h()
t2 = time.perf_counter()
for _ in range(3):
    g()
print(json.dumps({"f": t1 - t0, "h": t2 - t1}))
