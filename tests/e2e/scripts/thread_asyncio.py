"""Event loops in two threads at once, each running a coroutine that
sleeps 0.1s: coro runs twice, each ~0.1s."""
import asyncio
import threading


async def coro():
    await asyncio.sleep(0.1)


def run_loop():
    asyncio.run(coro())


threads = [threading.Thread(target=run_loop) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
