"""Stress: N short threads (default 40000), eight alive at a time, each
calling leaf() ten times: every new thread is registered with the
profiler, so the cost of registering must not grow with the threads that
came before, and the record of a thread that ended is freed (the first
256 to end keep a call tree of their own, later ones share one per name
pattern), so memory does not grow with them either. Prints the calls the
profile must show."""
import json
import sys
import threading

BATCH = 8
CALLS = 10


def leaf(i):
    return i * 2


def short(out, k):
    s = 0
    for i in range(CALLS):
        s += leaf(i)
    out[k] = s


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40000
    n -= n % BATCH
    out = [0] * n
    for start in range(0, n, BATCH):
        batch = [threading.Thread(target=short, args=(out, k))
                 for k in range(start, start + BATCH)]
        for t in batch:
            t.start()
        for t in batch:
            t.join()
    assert out == [CALLS * (CALLS - 1)] * n
    print(json.dumps({"calls": {"leaf": n * CALLS, "short": n, "main": 1},
                      "paths": 3 * min(n, 264)}))


main()
