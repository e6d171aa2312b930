"""Stress: two threads start and stop the profiler N times in all
(default 10000) with fullprof.start() and fullprof.stop(), under
"fullprof --paused". A lock makes each start...stop section one thread's:
inside() is called exactly K times in each, while the other thread keeps
calling outside() (the sections let it run), which is recorded or not depending on the moment
(so it is only checked for sanity). Without the fullprof module (plain
python3), or with $FULLPROF_STRESS_BASELINE set (the runner's baseline),
start and stop do nothing. Prints the calls
the profile must show."""
import json
import os
import sys
import threading
import time

try:
    if os.environ.get("FULLPROF_STRESS_BASELINE"):
        raise ImportError("the baseline run records nothing")
    import fullprof
    start, stop = fullprof.start, fullprof.stop
except ImportError:
    def start():
        pass

    def stop():
        pass

K = 5


def inside(i):
    return i


def outside(i):
    return -i


def churn(rounds, lock, done):
    for r in range(rounds):
        with lock:
            start()
            for i in range(K):
                inside(i)
                time.sleep(0)   # lets the other thread run outside()
            stop()
        for i in range(K):
            outside(i)
    done.append(1)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    lock = threading.Lock()
    done = []
    threads = [threading.Thread(target=churn, args=(n // 2, lock, done))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(done) == 2
    print(json.dumps({"calls": {"inside": 2 * (n // 2) * K},
                      "at_most": {"outside": 2 * (n // 2) * K},
                      "paths": 8}))


main()
