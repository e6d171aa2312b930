"""Nested calls, a recursion and a coroutine that waits, for the test of
the pstats, callgrind and collapsed files (test_formats.py)."""
import asyncio
import time


def leaf():
    time.sleep(0.002)


def mid():
    leaf()
    leaf()


def rec(n):
    if n:
        rec(n - 1)
    else:
        leaf()


async def co():
    await asyncio.sleep(0.01)
    mid()


def main():
    mid()
    rec(3)
    asyncio.run(co())


main()
