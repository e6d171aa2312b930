"""Busy forever in spin() after saying "ready" on stdout, until a signal
ends it."""


def spin():
    return sum(range(1000))


def busy():
    while True:
        spin()


print("ready", flush=True)
busy()
