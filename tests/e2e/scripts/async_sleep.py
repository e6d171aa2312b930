"""One coroutine awaiting asyncio.sleep(0.2): one call, ~0.2s suspended."""
import asyncio


async def sleeper():
    await asyncio.sleep(0.2)


asyncio.run(sleeper())
