"""Two CPU-bound functions in a known 3:1 ratio, for statistical mode.

heavy() does three times the work of light() and they alternate in short
calls, so however the samples fall, heavy's own time should be about
three times light's. The run lasts about SECONDS (argv[1], default 1).
With "threads" as argv[2], heavy and light each run in a thread of their
own, at the same time.
"""
import sys
import threading
import time

UNIT = 20000


def spin(n):
    x = 0
    for i in range(n):
        x += i
    return x


def heavy():
    return spin(3 * UNIT)


def light():
    return spin(UNIT)


def alternate(seconds):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        heavy()
        light()


def only(fn, seconds):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        fn()


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    if len(sys.argv) > 2 and sys.argv[2] == "threads":
        ts = [threading.Thread(target=only, args=(f, seconds), name=n)
              for f, n in ((heavy, "heavy-thread"), (light, "light-thread"))]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
    else:
        alternate(seconds)


if __name__ == "__main__":
    main()
