"""Calls functions every way CPython can run them, for test_gate.py.

Under a filter fullprof's frame hook is off until a selected function is
called (on 3.12 and later), so each way a selected function can start must
still be seen: a specialised call site, closures made after the start,
methods, __getitem__ and properties, generators driven by for loops and
resumed from elsewhere, a coroutine, a class body, another thread. With
the argument "add", fullprof.add() then selects a function whose call site
is already specialised and a generator that is already suspended.
"""
import sys
import threading


def target(x):
    return x + 1


def make():
    def inner(x):
        return x * 2
    return inner


class Box:
    def __getitem__(self, i):
        return i

    @property
    def value(self):
        return 3

    def method(self):
        return 1


def gen(n):
    for i in range(n):
        yield i


async def coro():
    return 1


class Defined:
    X = 1


def spin(n):
    s = 0
    for i in range(n):
        s += target(i)
    return s


def resume(g):
    for _ in g:
        pass


def later(x):
    return x


def hot(n):
    for i in range(n):
        later(i)


def main():
    spin(1000)
    closures = [make() for _ in range(20)]
    for i in range(50):
        for f in closures:
            f(i)
    box = Box()
    for i in range(300):
        box[i]
        box.value
        box.method()
    for _ in range(10):
        for _ in gen(5):
            pass
    c = coro()
    try:
        c.send(None)
    except StopIteration:
        pass
    th = threading.Thread(target=spin, args=(200,))
    th.start()
    th.join()
    g = gen(3)
    next(g)
    resume(g)
    if "add" in sys.argv:
        import fullprof
        hot(100)
        g = gen(4)
        next(g)
        fullprof.add("later")
        fullprof.add("gen")
        hot(100)
        resume(g)
    print("done")


main()
