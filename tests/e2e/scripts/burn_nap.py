"""burn_nap.py SECONDS OUT: bursts of 0.4ms of CPU (burn) each followed by
a 2ms sleep (nap), for SECONDS; writes to OUT, as JSON, the CPU time burn
used by the program's own measure (time.thread_time around each call)."""
import json
import sys
import time


def burn():
    t = time.thread_time()
    x = 0
    while time.thread_time() - t < 0.0004:
        x += 1
    return x


def nap():
    time.sleep(0.002)


def main(seconds, out):
    spent = 0.0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        t0 = time.thread_time()
        burn()
        spent += time.thread_time() - t0
        nap()
    with open(out, "w") as f:
        json.dump({"burn_cpu": spent}, f)


main(float(sys.argv[1]), sys.argv[2])
