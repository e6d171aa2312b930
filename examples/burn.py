"""The example from yappi's coroutine-profiling notes (seed 001).

foo() runs for about 4 seconds: 1s of CPU, 1s awaiting asyncio.sleep, 1s
blocked in time.sleep, and 1s more awaiting. A coroutine-aware profiler
shows foo once, with a total of about 4s of which about 2s suspended.
"""
import asyncio
import sys
import time


def burn_cpu(secs):
    t0 = time.process_time()
    elapsed = 0
    while elapsed <= secs:
        for _ in range(1000):
            pass
        elapsed = time.process_time() - t0


async def burn_async_io(secs):
    await asyncio.sleep(secs)


def burn_io(secs):
    time.sleep(secs)


async def foo(secs):
    burn_cpu(secs)
    await burn_async_io(secs)
    burn_io(secs)
    await burn_async_io(secs)


if __name__ == "__main__":
    asyncio.run(foo(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0))
