"""empty() is called N times (argv[1], default 200000) in a loop that this
thread's CPU clock times: it prints the CPU seconds the loop took, as
time.thread_time() saw them from inside the program, for the test to
compare with what the profiler reports for loop() and empty()."""
import sys
import time


def empty():
    pass


def loop(n):
    start = time.thread_time()
    for _ in range(n):
        empty()
    return time.thread_time() - start


print("%.9f" % loop(int(sys.argv[1]) if len(sys.argv) > 1 else 200000))
