"""Ignores SIGTERM, then finishes normally after ~0.6s."""
import signal
import time


def nap():
    time.sleep(0.05)


signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("ready", flush=True)
for _ in range(12):
    nap()
print("finished", flush=True)
