"""A few C functions called a known number of times from Python code, to
compare --builtins rows with cProfile's names and counts."""
import math
import time


def use_builtins():
    items = []
    for i in range(10):
        items.append(i)
    n = len(items) + len("abc")
    s = ",".join(str(i) for i in items)
    r = math.sqrt(16.0)
    sorted(items, key=abs)
    time.sleep(0.001)
    return n, s, r


for _ in range(3):
    use_builtins()
