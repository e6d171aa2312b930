"""A thread whose name takes Python code, and time, to read: its class
makes _name a property that spins for 30ms. Whatever reads the name runs
that code; fullprof's own threads must not show in the profile for it.
Usage: thread_slow_name.py SECONDS"""
import sys
import threading
import time


def spin(seconds):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


class SlowName(threading.Thread):
    @property
    def _name(self):
        spin(0.03)
        return self.__dict__["_slow_name"]

    @_name.setter
    def _name(self, value):
        self.__dict__["_slow_name"] = value


def work(seconds):
    spin(seconds)


def main():
    seconds = float(sys.argv[1])
    t = SlowName(target=work, args=(seconds,), name="slow-named")
    t.start()
    work(seconds)
    t.join()


if __name__ == "__main__":
    main()
