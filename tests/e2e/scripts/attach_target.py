"""attach_target.py: a program for `fullprof attach` to sample.

The main thread loops over heavy() (about 30ms of CPU a round, in work())
and light() (about 10ms); a second thread, "sleeper", sleeps in short
naps; never_called() never runs. It prints "ready" once both threads run,
then ends after the number of seconds given as argument (default 60).
"""
import sys
import threading
import time


def work(seconds):
    end = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < end:
        n += 1
    return n


def heavy():
    return work(0.03)


def light():
    return work(0.01)


def never_called():
    return 0


def sleeper():
    while True:
        time.sleep(0.005)


def main():
    lifetime = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
    threading.Thread(target=sleeper, name="sleeper", daemon=True).start()
    end = time.monotonic() + lifetime
    print("ready", flush=True)
    while time.monotonic() < end:
        heavy()
        light()


main()
