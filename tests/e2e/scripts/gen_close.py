"""Generators not run to the end: one closed early with close(), one
abandoned (its last reference dropped), one still suspended at exit, and
one closed before it ever started."""
import time


def closed_early():
    try:
        while True:
            yield time.perf_counter()
    finally:
        pass


def abandoned():
    i = 0
    while True:
        yield i
        i += 1


def left_at_exit():
    yield 1
    yield 2


def never_started():
    yield 1


g = closed_early()
next(g)
next(g)
g.close()

h = abandoned()
next(h)
next(h)
del h

keep = left_at_exit()
next(keep)

n = never_started()
n.close()
