"""Raises KeyboardInterrupt itself, without any signal, inside a
coroutine: python3 then ends as if killed by SIGINT."""
import asyncio


async def interrupted():
    await asyncio.sleep(0.02)
    raise KeyboardInterrupt


asyncio.run(interrupted())
