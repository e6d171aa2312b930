"""worker() burns 0.1s of this thread's CPU time, then sleeps 0.1s: with
the CPU timers it takes ~0.1s, with the wall timer ~0.2s."""
import time


def burn(secs):
    end = time.thread_time() + secs
    while time.thread_time() < end:
        pass


def worker():
    burn(0.1)
    time.sleep(0.1)


worker()
