"""functools.singledispatch's fog of war: caller_a and caller_b call one
generic function, whose shared wrapper dispatches ints to for_int and
strings to for_str. caller_a passes only ints, caller_b only strings, so a
profiler that keeps calling contexts shows caller_a -> wrapper -> for_int
and caller_b -> wrapper -> for_str, never the crossed paths. A coroutine
sleeps 0.1s, suspended, between its two calls of caller_a."""
import asyncio
import functools
import time


@functools.singledispatch
def handle(x):
    raise TypeError(x)


@handle.register
def for_int(x: int):
    end = time.perf_counter() + 0.004
    while time.perf_counter() < end:
        pass
    return x


@handle.register
def for_str(x: str):
    end = time.perf_counter() + 0.002
    while time.perf_counter() < end:
        pass
    return x


def caller_a():
    for i in range(10):
        handle(i)


def caller_b():
    for i in range(10):
        handle(str(i))


async def sleeper():
    caller_a()
    await asyncio.sleep(0.1)
    caller_a()


caller_a()
caller_b()
asyncio.run(sleeper())
