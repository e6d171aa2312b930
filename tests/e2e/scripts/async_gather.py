"""200 tasks gathered, each awaiting a helper coroutine three times and
yielding to the loop in between: worker runs 200 times, step 600 times."""
import asyncio

TASKS = 200


async def step(i):
    await asyncio.sleep(0)
    return i


async def worker(n):
    total = 0
    for i in range(3):
        total += await step(i)
        await asyncio.sleep(0)
    return total + n


async def main():
    results = await asyncio.gather(*(worker(n) for n in range(TASKS)))
    assert len(results) == TASKS


asyncio.run(main())
