"""Exceptions and coroutines: one raised after an await and caught by the
awaiting coroutine, and one thrown into a coroutine driven by hand with
send() and throw(), caught inside it, then thrown again and not caught."""
import asyncio
import types


async def failing():
    await asyncio.sleep(0.02)
    raise ValueError("after await")


async def catcher():
    try:
        await failing()
    except ValueError:
        return "caught"


@types.coroutine
def suspend():
    yield "suspended"


async def thrown_into():
    try:
        await suspend()
    except KeyError:
        pass
    await suspend()
    return "never"


def drive_by_hand():
    coro = thrown_into()
    assert coro.send(None) == "suspended"
    assert coro.throw(KeyError("in")) == "suspended"
    try:
        coro.throw(RuntimeError("out"))
    except RuntimeError:
        pass
    else:
        raise AssertionError("not raised")


async def main():
    assert await catcher() == "caught"


asyncio.run(main())
drive_by_hand()
