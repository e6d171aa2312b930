"""More asyncio shapes, each function run a known number of times:
async context managers, asyncio.wait / as_completed / shield, a future
resolved from another thread, asend/athrow on an async generator, an async
generator abandoned to the loop's shutdown, and asyncio.to_thread."""
import asyncio
import threading


class Resource:
    async def __aenter__(self):
        await asyncio.sleep(0.01)
        return self

    async def __aexit__(self, *exc):
        await asyncio.sleep(0.01)
        return False


async def job(secs):
    await asyncio.sleep(secs)
    return secs


async def echo():
    received = []
    try:
        while True:
            try:
                value = yield len(received)
                received.append(value)
            except ValueError:
                yield -1
    finally:
        await asyncio.sleep(0)


async def abandoned_agen():
    while True:
        await asyncio.sleep(0)
        yield 1


def blocking(x):
    return x + 1


def resolve_later(loop, fut):
    loop.call_soon_threadsafe(fut.set_result, "from thread")


async def main():
    for _ in range(2):
        async with Resource():
            await asyncio.sleep(0)
    done, pending = await asyncio.wait(
        [asyncio.create_task(job(s)) for s in (0.01, 0.2)],
        return_when=asyncio.FIRST_COMPLETED)
    for t in pending:
        t.cancel()
    for f in asyncio.as_completed([job(0.02), job(0.01)]):
        await f
    await asyncio.shield(job(0.01))
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    threading.Timer(0.02, resolve_later, (loop, fut)).start()
    assert await fut == "from thread"
    gen = echo()
    assert await gen.asend(None) == 0
    assert await gen.asend("a") == 1
    assert await gen.athrow(ValueError) == -1
    await gen.aclose()
    ab = abandoned_agen()
    await ab.__anext__()
    assert await asyncio.to_thread(blocking, 1) == 2


asyncio.run(main())
