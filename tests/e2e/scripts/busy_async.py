"""An event loop with a coroutine suspended in asyncio.sleep and another
busy between awaits, until a signal ends it."""
import asyncio


def spin():
    return sum(range(1000))


async def napper():
    await asyncio.sleep(3600)


async def worker():
    while True:
        spin()
        await asyncio.sleep(0)


async def main():
    task = asyncio.create_task(napper())
    print("ready", flush=True)
    await worker()
    await task


asyncio.run(main())
