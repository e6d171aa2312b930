"""Accuracy workload for statistical mode: heavy() does three times the
work of light(); they alternate for SECONDS (argv[1]). Prints the truth
as JSON: each function's own wall and CPU time, measured around every
call (perf_counter and thread_time cost well under 1% of a call here)."""
import json
import sys
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


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    wall = {"heavy": 0.0, "light": 0.0}
    cpu = {"heavy": 0.0, "light": 0.0}
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        for name, fn in (("heavy", heavy), ("light", light)):
            w0, c0 = time.perf_counter(), time.thread_time()
            fn()
            cpu[name] += time.thread_time() - c0
            wall[name] += time.perf_counter() - w0
    print(json.dumps({"wall": wall, "cpu": cpu}))


if __name__ == "__main__":
    main()
