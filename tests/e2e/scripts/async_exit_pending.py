"""Coroutines still suspended when the interpreter exits: a task of a loop
that is never closed, and a coroutine object driven by hand and left
suspended. Nothing cancels them before exit."""
import asyncio
import sys
import types


async def forever():
    await asyncio.Event().wait()


@types.coroutine
def suspend():
    yield


async def halfway():
    await suspend()
    await suspend()


async def main():
    await asyncio.sleep(0.05)


loop = asyncio.new_event_loop()
task = loop.create_task(forever())
loop.run_until_complete(main())
coro = halfway()
coro.send(None)
sys.exit(0)
