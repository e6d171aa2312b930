"""Dies of an uncaught exception raised two calls deep."""


def inner():
    raise ValueError("e2e-boom")


def outer():
    inner()


print("about to fail", flush=True)
outer()
