"""sys.exit() called inside a coroutine while another task is suspended
forever (asyncio.run cancels it on the way out): status 4."""
import asyncio
import sys


async def forever():
    await asyncio.Event().wait()


async def main():
    asyncio.create_task(forever())
    await asyncio.sleep(0.05)
    sys.exit(4)


asyncio.run(main())
