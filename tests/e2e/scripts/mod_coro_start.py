"""fullprof.start() called inside a coroutine that is running.

main() has already started when it calls start(): it is counted as one
call from the moment it is first resumed under profiling, however many
times it then awaits. child() starts after start() and is counted
normally. asyncio.run() and the event-loop functions already running when
profiling started are not counted (their own return is never seen).
Prints `RESULT <json>` with stats() after stop().
"""
import asyncio
import json

import fullprof


async def child():
    await asyncio.sleep(0.05)


async def main():
    await asyncio.sleep(0.01)
    fullprof.start()
    await asyncio.sleep(0.1)
    await child()
    await child()
    for _ in range(3):
        await asyncio.sleep(0)


asyncio.run(main())
fullprof.stop()
print("RESULT " + json.dumps({"running": fullprof.is_running(),
                              "stats": fullprof.stats()}))
