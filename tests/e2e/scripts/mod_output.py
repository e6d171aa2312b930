"""The fullprof module's reports: print_table() and write().

usage: mod_output.py DIR

Records f x3 and g x1, then writes into DIR: table.txt (print_table to a
file object, between lines the program wrote itself, and again sorted by
calls with limit=1), fd.txt (print_table to a file descriptor), out.json
(write()) and out.txt (write(format="table")). Prints `RESULT <json>`
with stats().
"""
import json
import os
import sys

import fullprof


def f():
    pass


def g():
    pass


d = sys.argv[1]
fullprof.start()
for _ in range(3):
    f()
g()
fullprof.stop()
with open(os.path.join(d, "table.txt"), "w") as fh:
    fh.write("written before\n")        # buffered: flushed before the table
    fullprof.print_table(file=fh, limit=0)
    fh.write("written between\n")
    fullprof.print_table(fh, "calls", 1)
    fh.write("written after\n")
fd = os.open(os.path.join(d, "fd.txt"), os.O_WRONLY | os.O_CREAT, 0o644)
fullprof.print_table(file=fd)
os.close(fd)
fullprof.write(os.path.join(d, "out.json"))
fullprof.write(os.path.join(d, "out.txt"), format="table")
print("RESULT " + json.dumps({"stats": fullprof.stats()}))
