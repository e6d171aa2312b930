"""Stress: exceptions thrown into generators, coroutines and async
generators, N times each (default 100000): half are caught inside and the
activation goes on, half end it. Prints the calls the profile must
show."""
import json
import sys
import types


@types.coroutine
def suspend():
    yield


def gen():
    try:
        yield 1
    except ValueError:
        yield 2


async def coro():
    try:
        await suspend()
    except ValueError:
        await suspend()
    return 3


async def agen():
    try:
        yield 1
    except ValueError:
        yield 2


def drive(n):
    caught = 0
    for i in range(n):
        g = gen()
        next(g)
        if i % 2:
            assert g.throw(ValueError) == 2
            caught += 1
            g.close()
        else:
            try:
                g.throw(KeyError)
            except KeyError:
                caught += 1
        c = coro()
        c.send(None)
        if i % 2:
            c.throw(ValueError)
            try:
                c.send(None)
            except StopIteration as e:
                assert e.value == 3
                caught += 1
        else:
            try:
                c.throw(KeyError)
            except KeyError:
                caught += 1
        a = agen()
        try:
            a.asend(None).send(None)
        except StopIteration:
            pass
        try:
            a.athrow(ValueError if i % 2 else KeyError).send(None)
        except StopIteration as e:
            assert e.value == 2
            caught += 1
            try:
                a.aclose().send(None)
            except StopIteration:
                pass
        except KeyError:
            caught += 1
    return caught


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    assert drive(n) == 3 * n
    print(json.dumps({"calls": {"gen": n, "coro": n, "agen": n, "drive": 1,
                                "main": 1},
                      "paths": 6}))


main()
