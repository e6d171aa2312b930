"""Handles SIGTERM itself: the handler sets a flag, the busy loop sees it,
the program says so and exits with status 7."""
import signal
import sys

stop = False


def on_term(signum, frame):
    global stop
    stop = True


def spin():
    return sum(range(1000))


signal.signal(signal.SIGTERM, on_term)
print("ready", flush=True)
while not stop:
    spin()
print("got TERM", flush=True)
sys.exit(7)
