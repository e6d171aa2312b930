"""Ends while fullprof is recording.

usage: mod_exit.py STATUS [raise]

Starts profiling, calls work() twice, then exits with sys.exit(STATUS), or
with "raise" by an uncaught exception, without calling stop(): the exit
status must be the program's own and nothing may crash.
"""
import sys

import fullprof


def work():
    return sum(range(1000))


fullprof.start()
work()
work()
print("exiting")
sys.stdout.flush()
if sys.argv[2:] == ["raise"]:
    raise RuntimeError("uncaught on purpose")
sys.exit(int(sys.argv[1]))
