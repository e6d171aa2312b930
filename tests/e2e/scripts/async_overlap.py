"""A task that outlives the coroutine that created it, and runs (burning
CPU) while its creator is suspended: creator ~0.05s with little own time,
child ~0.15s of which ~0.1s suspended."""
import asyncio
import time


def burn(secs):
    end = time.perf_counter() + secs
    while time.perf_counter() < end:
        pass


async def child():
    burn(0.05)
    await asyncio.sleep(0.1)


async def creator():
    task = asyncio.create_task(child())
    await asyncio.sleep(0.02)
    return task


async def main():
    task = await creator()
    await task


asyncio.run(main())
