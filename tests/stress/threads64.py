"""Stress: 64 threads each call leaf() N times (default 100000) from
worker(), all running at once. Prints the calls the profile must show."""
import json
import sys
import threading

NTHREADS = 64


def leaf(i):
    return i + 1


def worker(n, out, k):
    total = 0
    for i in range(n):
        total += leaf(i)
    out[k] = total


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    out = [0] * NTHREADS
    threads = [threading.Thread(target=worker, args=(n, out, k))
               for k in range(NTHREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert out == [n * (n + 1) // 2] * NTHREADS, "a thread did not finish"
    print(json.dumps({"calls": {"leaf": NTHREADS * n, "worker": NTHREADS,
                                "main": 1},
                      "paths": 3 * NTHREADS}))


main()
