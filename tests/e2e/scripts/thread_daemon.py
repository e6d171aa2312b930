"""Daemon threads still running when the program exits: one ticking with
short sleeps, one burning CPU in Python code."""
import threading
import time


def tick():
    return time.monotonic()


def ticker():
    while True:
        tick()
        time.sleep(0.005)


def spin_once():
    return sum(range(1000))


def spinner():
    while True:
        spin_once()


threading.Thread(target=ticker, daemon=True).start()
threading.Thread(target=spinner, daemon=True).start()
time.sleep(0.1)
print("main done", flush=True)
