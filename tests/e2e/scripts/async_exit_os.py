"""os._exit() called from inside the event loop while another task is
suspended: the process ends at once with status 5, as with python3."""
import asyncio
import os
import sys


async def forever():
    await asyncio.Event().wait()


async def main():
    asyncio.create_task(forever())
    await asyncio.sleep(0.05)
    sys.stdout.flush()
    os._exit(5)


asyncio.run(main())
