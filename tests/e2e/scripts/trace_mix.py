"""A coroutine that waits twice, run twice in parallel, beside a named
thread: the material of the trace tests."""
import asyncio
import threading
import time


async def waiter(n):
    await asyncio.sleep(0.05)
    time.sleep(0.01)
    await asyncio.sleep(0.05)
    return n


async def main():
    await asyncio.gather(waiter(1), waiter(2))


def background():
    time.sleep(0.03)


t = threading.Thread(target=background, name="bg-worker")
t.start()
asyncio.run(main())
t.join()
