"""attach_lines.py: a program blocked at known lines, for
`fullprof attach --dump` to show.

The main thread waits on an Event in inner(), called by outer(); a second
thread, "locked", blocks on a lock taken in a generator it iterates. Each
line a frame stays on is marked with a comment "# at NAME", which the test
looks for. It prints "ready" once both are about to block, then waits until
killed (or for the number of seconds given as argument, default 60).
"""
import sys
import threading

done = threading.Event()
lock = threading.Lock()
lock.acquire()


def taker():
    yield 1
    lock.acquire()  # at taker
    yield 2


def locked():
    for _ in taker():  # at locked
        pass


def inner(lifetime):
    done.wait(lifetime)  # at inner


def outer(lifetime):
    inner(lifetime)  # at outer


lifetime = float(sys.argv[1]) if len(sys.argv) > 1 else 60.0
threading.Thread(target=locked, name="locked", daemon=True).start()
print("ready", flush=True)
outer(lifetime)  # at <module>
