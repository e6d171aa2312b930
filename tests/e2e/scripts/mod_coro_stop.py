"""fullprof.stop() while coroutines are suspended.

sleeper() is suspended in asyncio.sleep(0.8) when main() calls stop(); it
ends at its last suspension. After the stop main() blocks 0.5s in
time.sleep and then awaits sleeper() to the end: none of that time may
appear in any figure, and nothing may be recorded after the stop. Prints
`RESULT <json>` with stats() right after the stop and at the end.
"""
import asyncio
import json
import time

import fullprof


async def sleeper():
    await asyncio.sleep(0.8)


async def main():
    fullprof.start()
    task = asyncio.create_task(sleeper())
    await asyncio.sleep(0.1)
    fullprof.stop()
    at_stop = fullprof.stats()
    time.sleep(0.5)
    await task
    return at_stop


at_stop = asyncio.run(main())
print("RESULT " + json.dumps({"at_stop": at_stop,
                              "at_end": fullprof.stats(),
                              "running": fullprof.is_running()}))
