"""The parent burns 20ms of its CPU time (parent_work) and forks; the
child, still profiled, burns 30ms (child_work) and sleeps 50ms (child_nap),
prints its own time.thread_time() figures and how many perf event pages
it has mapped as JSON, and leaves with os._exit(0). The parent then prints
how the child ended."""
import json
import os
import sys
import time


def step():
    x = 0
    for i in range(50):
        x += i
    return x


def spin(secs):
    end = time.thread_time() + secs
    while time.thread_time() < end:
        step()


def parent_work():
    spin(0.02)


def child_work():
    spin(0.03)


def child_nap():
    time.sleep(0.05)


def perf_pages():
    with open("/proc/self/maps") as f:
        return sum("perf_event" in line for line in f)


parent_work()
sys.stdout.flush()
pid = os.fork()
if pid == 0:
    t0 = time.thread_time()
    child_work()
    t1 = time.thread_time()
    child_nap()
    t2 = time.thread_time()
    print(json.dumps({"work": t1 - t0, "nap": t2 - t1,
                      "pages": perf_pages()}))
    sys.stdout.flush()
    os._exit(0)
_, status = os.waitpid(pid, 0)
if os.WIFSIGNALED(status):
    print("child killed by signal %d" % os.WTERMSIG(status))
else:
    print("child exit %d" % os.WEXITSTATUS(status))
