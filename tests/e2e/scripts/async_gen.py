"""Async generators: one consumed to the end with `async for` (1 call,
~0.05s), one left early and closed with aclose() (1 call). Prints how
long consuming ticks() took by the program's own clock, as JSON."""
import asyncio
import json
import time


async def ticks(n):
    for i in range(n):
        await asyncio.sleep(0.01)
        yield i


async def endless():
    i = 0
    while True:
        await asyncio.sleep(0.005)
        yield i
        i += 1


async def main():
    t0 = time.perf_counter()
    got = [i async for i in ticks(5)]
    span = time.perf_counter() - t0
    assert got == [0, 1, 2, 3, 4]
    gen = endless()
    async for i in gen:
        if i == 3:
            break
    await gen.aclose()
    print(json.dumps({"ticks": span}))


asyncio.run(main())
