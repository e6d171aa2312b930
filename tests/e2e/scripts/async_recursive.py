"""A recursive coroutine that suspends at every level (depth 10: 11
activations, one of them outermost), and one that never suspends. Prints
how long descend(10) took by the program's own clock, as JSON."""
import asyncio
import json
import time


async def descend(n):
    await asyncio.sleep(0.005)
    if n:
        await descend(n - 1)


async def no_suspend(x):
    return x * 2


async def main():
    t0 = time.perf_counter()
    await descend(10)
    print(json.dumps({"descend": time.perf_counter() - t0}))
    for i in range(50):
        await no_suspend(i)


asyncio.run(main())
