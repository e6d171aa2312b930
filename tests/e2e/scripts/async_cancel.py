"""Tasks cancelled while suspended: one sleeping, one cleaning up in a
finally (awaiting again after the cancellation), one cancelled before it
ever started."""
import asyncio

cleaned = []


async def sleeper():
    await asyncio.sleep(10)


async def cleaner():
    try:
        await asyncio.sleep(10)
    finally:
        await asyncio.sleep(0.02)
        cleaned.append(1)


async def never_started():
    await asyncio.sleep(10)


async def main():
    a = asyncio.create_task(sleeper())
    b = asyncio.create_task(cleaner())
    c = asyncio.create_task(never_started())
    c.cancel()
    await asyncio.sleep(0.05)
    a.cancel()
    b.cancel()
    for t in (a, b, c):
        try:
            await t
        except asyncio.CancelledError:
            pass
    assert cleaned == [1]
    try:
        await asyncio.wait_for(sleeper(), 0.03)
    except asyncio.TimeoutError:
        pass


asyncio.run(main())
