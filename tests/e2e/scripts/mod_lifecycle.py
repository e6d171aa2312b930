"""The fullprof module's life cycle, driven from the top level.

Run under plain python3 (PYTHONPATH=<builddir>) or `fullprof --paused`:
start/stop/is_running, start() while running and stop() while stopped
doing nothing, stats() while running and after more calls, figures kept
across stop()/start(), clear(), and add()/remove() changing the traced set
while recording. Prints one line `RESULT <json>` with what it saw; the
test holds the expected values.
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


seen = {}
seen["running_at_import"] = fullprof.is_running()
seen["stats_at_import"] = fullprof.stats()
seen["functions_at_import"] = fullprof.functions()
fullprof.stop()                       # stopped: does nothing
seen["running_after_idle_stop"] = fullprof.is_running()

fullprof.start()
fullprof.start()                      # running: does nothing
seen["running"] = fullprof.is_running()
for _ in range(5):
    f()
seen["f_first"] = calls("f")          # intermediate results
for _ in range(3):
    f()
seen["f_second"] = calls("f")         # and again, after more calls

# The first spec restricts recording to f and whatever it calls.
fullprof.add("f")
seen["functions_f"] = fullprof.functions()
for _ in range(2):
    h()
for _ in range(2):
    f()
for _ in range(3):
    g()                               # g is not traced; the f it calls is
seen["after_add_f"] = {n: calls(n) for n in ("f", "g", "h")}

fullprof.add("g", "g")                # a spec given twice is kept once
seen["functions_fg"] = fullprof.functions()
for _ in range(2):
    g()
seen["after_add_g"] = {n: calls(n) for n in ("f", "g", "h")}

fullprof.remove("f")
for _ in range(4):
    f()                               # no longer traced...
g()                                   # ...but still recorded under g
seen["after_remove_f"] = {n: calls(n) for n in ("f", "g", "h")}

fullprof.remove("not-in-the-set")     # does nothing
fullprof.remove("g")                  # empty set: everything again
seen["functions_empty"] = fullprof.functions()
h()
f()
seen["after_remove_g"] = {n: calls(n) for n in ("f", "g", "h")}

fullprof.stop()
seen["running_after_stop"] = fullprof.is_running()
for _ in range(10):
    f()                               # not recording
fullprof.stop()
seen["after_stop"] = {n: calls(n) for n in ("f", "g", "h")}

fullprof.start()                      # figures are kept and added to
f()
fullprof.stop()
seen["after_restart"] = {n: calls(n) for n in ("f", "g", "h")}

fullprof.clear()
seen["after_clear"] = fullprof.stats()

fullprof.start()
f()
fullprof.clear()                      # while recording
f()
f()
fullprof.stop()
seen["after_running_clear"] = {n: calls(n) for n in ("f", "g", "h")}

# Started with a set that excludes f: f's calls before add("f") are not
# recorded, those after are.
fullprof.clear()
fullprof.start(functions=["h"])
for _ in range(5):
    f()
seen["before_add_to_set"] = calls("f")
fullprof.add("f")
for _ in range(3):
    f()
fullprof.stop()
seen["after_add_to_set"] = calls("f")
seen["functions_end"] = fullprof.functions()

# Already running when profiling starts: outer() is not counted (its
# return is never seen), what it calls from then on is; the generator,
# already started, counts one call from its first resumption.
def inner():
    pass


def outer():
    fullprof.start()
    inner()
    inner()


def numbers():
    yield 1
    yield 2
    yield 3


fullprof.clear()
fullprof.remove("h", "f")
it = numbers()
next(it)
outer()
next(it)
next(it)
fullprof.stop()
seen["already_running"] = {n: calls(n) for n in ("outer", "inner",
                                                  "numbers")}

print("RESULT " + json.dumps(seen))
