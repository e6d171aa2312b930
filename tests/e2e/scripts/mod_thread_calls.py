"""Every fullprof function called from a second thread while the main
thread runs code and coroutines that are being recorded.

The second thread keeps calling add/remove/stats/functions/is_running, and
now and then stop/start/clear/print_table/write, until the main thread is
done. Nothing may crash; at the end a last start/stop around 100 calls of
f (each calling g) must count exactly. Prints `RESULT <json>`.
"""
import asyncio
import json
import os
import sys
import threading

import fullprof


def f():
    g()


def g():
    pass


async def co():
    for _ in range(100):
        f()
        await asyncio.sleep(0)


async def amain():
    await asyncio.gather(*(co() for _ in range(10)))


done = threading.Event()
rounds = []


def poker():
    i = 0
    while not done.is_set():
        fullprof.add("f")
        fullprof.stats()
        fullprof.functions()
        fullprof.is_running()
        fullprof.remove("f")
        if i % 50 == 0:
            fullprof.stop()
            fullprof.start()
        if i % 200 == 0:
            fullprof.clear()
            with open(os.devnull, "w") as null:
                fullprof.print_table(file=null)
            fullprof.write(os.path.join(sys.argv[1], "poked.json"))
        i += 1
    rounds.append(i)


fullprof.start()
t = threading.Thread(target=poker)
t.start()
try:
    for _ in range(20000):
        f()
    asyncio.run(amain())
finally:
    done.set()
    t.join()
fullprof.stop()
rows = fullprof.stats()
fullprof.clear()
fullprof.start()
for _ in range(100):
    f()
fullprof.stop()
print("RESULT " + json.dumps({
    "rounds": rounds[0],
    "rows_while_poked": rows,
    "last": {r["name"]: r["calls"] for r in fullprof.stats()
             if r["name"] in ("f", "g")},
}))
