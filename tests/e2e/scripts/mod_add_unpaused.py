"""add() and remove() while the launcher records from the first line.

Under `fullprof` (not paused) the program's <module> is being recorded
when it calls fullprof.add("f"): from then on only f, and what f calls,
may be recorded, so h, called from the top level after the add(), must
get no row. After remove("f") the set is empty and everything is
recorded again. Prints `RESULT <json>`.
"""
import json

import fullprof


def f():
    pass


def g():
    f()


def h():
    pass


def calls(name):
    """Calls of the row called name in stats() (0 when there is none)."""
    for r in fullprof.stats():
        if r["name"] == name:
            return r["calls"]
    return 0


seen = {"running": fullprof.is_running()}
fullprof.start(functions=["g"])       # running: does nothing at all
seen["functions_after_start"] = fullprof.functions()
for _ in range(5):
    f()
fullprof.add("f")
for _ in range(3):
    f()
for _ in range(2):
    h()
seen["after_add"] = {n: calls(n) for n in ("f", "g", "h")}
fullprof.remove("f")
h()
seen["after_remove"] = {n: calls(n) for n in ("f", "g", "h")}
print("RESULT " + json.dumps(seen))
