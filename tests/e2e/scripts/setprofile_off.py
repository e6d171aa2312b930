"""The program sets its own profile function: f() switches profiling off
with sys.setprofile(None) then runs g() 5 times (~0.05s); h() uses
cProfile around one g(); the top level runs g() 3 more times."""
import cProfile
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


f()
h()
for _ in range(3):
    g()
