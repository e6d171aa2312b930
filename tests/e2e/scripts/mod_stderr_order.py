"""print_table() with no arguments, between the program's own output.

Writes a line to sys.stdout and a partial line to sys.stderr (both still
in their buffers when stdout is a pipe), calls print_table(), then prints
"after". Run with stdout and stderr on one pipe, the output must read in
program order: "before", "partial", the table, "after".
"""
import sys

import fullprof


def f():
    pass


fullprof.start()
f()
fullprof.stop()
sys.stdout.write("before\n")
sys.stderr.write("partial: ")
fullprof.print_table()
print("after")
