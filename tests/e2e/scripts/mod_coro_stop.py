"""fullprof.stop() while coroutines are suspended.

sleeper() is suspended in asyncio.sleep(0.8) when main() calls stop(); it
ends at its last suspension. After the stop main() blocks 0.5s in
time.sleep and then awaits sleeper() to the end: none of that time may
appear in any figure, and nothing may be recorded after the stop. Prints
`RESULT <json>` with stats() right after the stop and at the end, and
`age_at_stop`: how old the process was at the stop (by CLOCK_BOOTTIME and
/proc/self/stat's start time, 10ms resolution), an upper bound for any
figure at the stop however slowly a busy machine started the interpreter.
"""
import asyncio
import json
import os
import time

import fullprof


def process_age():
    """Returns how many seconds ago this process started."""
    with open("/proc/self/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    started = int(fields[19]) / os.sysconf("SC_CLK_TCK")
    return time.clock_gettime(time.CLOCK_BOOTTIME) - started


async def sleeper():
    await asyncio.sleep(0.8)


async def main():
    fullprof.start()
    task = asyncio.create_task(sleeper())
    await asyncio.sleep(0.1)
    fullprof.stop()
    at_stop = fullprof.stats()
    main.age_at_stop = process_age()
    time.sleep(0.5)
    await task
    return at_stop


at_stop = asyncio.run(main())
print("RESULT " + json.dumps({"at_stop": at_stop,
                              "at_end": fullprof.stats(),
                              "running": fullprof.is_running(),
                              "age_at_stop": main.age_at_stop}))
