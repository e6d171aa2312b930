"""Four threads calling hot() 20000 times each at the same time, so the
GIL changes hands in the middle of calls: 80000 calls exactly."""
import sys
import threading

sys.setswitchinterval(0.0005)


def hot(i):
    return i * 2 + 1


def hammer():
    for i in range(20000):
        hot(i)


threads = [threading.Thread(target=hammer) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
