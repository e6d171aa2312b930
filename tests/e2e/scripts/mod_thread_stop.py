"""fullprof.stop() called from another thread while the main thread runs.

The main thread calls work() in a loop until a second thread, after
taking intermediate results with stats(), calls stop() and sets an event.
Calls made after the stop are not recorded: the figures read just after
the loop equal those read after 1000 more calls. Prints `RESULT <json>`.
"""
import json
import threading
import time

import fullprof


def work():
    pass


done = threading.Event()
seen = {}


def stopper():
    time.sleep(0.2)
    seen["stopper_saw_running"] = fullprof.is_running()
    seen["work_while_running"] = sum(
        r["calls"] for r in fullprof.stats() if r["name"] == "work")
    fullprof.stop()
    seen["stopper_saw_stopped"] = not fullprof.is_running()
    done.set()


def loop():
    n = 0
    while not done.is_set():
        work()
        n += 1
    return n


def work_calls():
    return sum(r["calls"] for r in fullprof.stats() if r["name"] == "work")


fullprof.start()
t = threading.Thread(target=stopper)
t.start()
seen["loop_iterations"] = loop()
t.join()
seen["running_after"] = fullprof.is_running()
seen["work_after_loop"] = work_calls()
for _ in range(1000):
    work()
seen["work_at_end"] = work_calls()
seen["loop_calls"] = sum(r["calls"] for r in fullprof.stats()
                         if r["name"] == "loop")
seen["stopper_calls"] = sum(r["calls"] for r in fullprof.stats()
                            if r["name"] == "stopper")
seen["max_total"] = max(r["total"] for r in fullprof.stats())
print("RESULT " + json.dumps(seen))
