"""A function blocked 0.1s in time.sleep (a C function)."""
import time


def napper():
    time.sleep(0.1)


napper()
