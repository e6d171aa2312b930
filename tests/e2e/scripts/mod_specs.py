"""Functions chosen by name from the launcher, or as objects.

usage: mod_specs.py [objects]

Calls f x2, g x3 (g calls h), C().m x4 and h x1 from the top level. With
"objects", it first calls fullprof.add(f, C().m) (a function object and a
bound method) and fullprof.start(), and stops at the end; otherwise the
launcher's -F/--functions-from set applies. Prints `RESULT <json>`:
functions() and stats().
"""
import json
import sys

import fullprof


def f():
    pass


def h():
    pass


def g():
    h()


class C:
    def m(self):
        pass


if sys.argv[1:] == ["objects"]:
    fullprof.add(f, C().m)
    fullprof.start()
for _ in range(2):
    f()
for _ in range(3):
    g()
for _ in range(4):
    C().m()
h()
if sys.argv[1:] == ["objects"]:
    fullprof.stop()
print("RESULT " + json.dumps({"functions": fullprof.functions(),
                              "stats": fullprof.stats()}))
