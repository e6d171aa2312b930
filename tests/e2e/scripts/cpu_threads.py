"""Two threads at once, one burning 0.1s of its CPU time in many small
calls (burner) and one sleeping ten times 10ms (sleeper), then the main
thread doing some of both (mixed: 0.05s of CPU, then a 0.1s sleep). Each
measures its own time.thread_time() around its work; the program prints
those figures as JSON, with how many perf event pages the process has
mapped while both threads are alive and once they have ended."""
import json
import threading
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


def burner():
    spin(0.1)


def sleeper():
    for _ in range(10):
        time.sleep(0.01)


def mixed():
    spin(0.05)
    time.sleep(0.1)


def perf_pages():
    with open("/proc/self/maps") as f:
        return sum("perf_event" in line for line in f)


def timed(fn, out, done=None, go=None):
    t0 = time.thread_time()
    fn()
    out[fn.__name__] = time.thread_time() - t0
    if done is not None:
        done.wait()
        go.wait()


out = {}
done = threading.Barrier(3)
go = threading.Event()
threads = [threading.Thread(target=timed, args=(f, out, done, go))
           for f in (burner, sleeper)]
for t in threads:
    t.start()
done.wait()
out["pages_running"] = perf_pages()
go.set()
for t in threads:
    t.join()
# join() returns before the OS thread has quite finished (and unmapped its
# page): give them a moment.
deadline = time.monotonic() + 2
out["pages_after"] = perf_pages()
while out["pages_running"] > 0 and \
        out["pages_after"] > out["pages_running"] - len(threads) and \
        time.monotonic() < deadline:
    time.sleep(0.01)
    out["pages_after"] = perf_pages()
timed(mixed, out)
print(json.dumps(out))
