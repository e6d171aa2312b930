"""A synchronous chain a -> b -> c, each burning CPU in its own body:
own times ~0.05s (a), ~0.1s (b), ~0.15s (c); totals 0.3, 0.25, 0.15."""
import time


def c():
    end = time.perf_counter() + 0.15
    while time.perf_counter() < end:
        pass


def b():
    end = time.perf_counter() + 0.1
    while time.perf_counter() < end:
        pass
    c()


def a():
    end = time.perf_counter() + 0.05
    while time.perf_counter() < end:
        pass
    b()


a()
