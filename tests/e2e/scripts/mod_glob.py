"""Function specs naming functions of a small package.

usage: mod_glob.py DIR [SPEC...]

DIR holds the package mod_pkg (core.py: helper, run, Engine.go; util.py:
tool) and the module other_mod (other, calls_run), written by the test.
With SPECs, profiling starts with start(functions=SPECs) (under `fullprof
-F` give none: the launcher's set is used and start() is not called). The
program calls run x2, Engine().go x3, tool x1, other x4 and calls_run x1
(which calls run) from the top level, stops, and prints `RESULT <json>`:
stats() and functions().
"""
import json
import sys

sys.path.insert(0, sys.argv[1])

import fullprof  # noqa: E402
import mod_pkg.core  # noqa: E402
import mod_pkg.util  # noqa: E402
import other_mod  # noqa: E402

if len(sys.argv) > 2:
    fullprof.start(functions=sys.argv[2:])
for _ in range(2):
    mod_pkg.core.run()
for _ in range(3):
    mod_pkg.core.Engine().go()
mod_pkg.util.tool()
for _ in range(4):
    other_mod.other()
other_mod.calls_run()
fullprof.stop()
print("RESULT " + json.dumps({"functions": fullprof.functions(),
                              "stats": fullprof.stats()}))
