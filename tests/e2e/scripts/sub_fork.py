"""os.fork without multiprocessing: the parent calls f three times, forks
a child that calls f twice and g once and returns normally, waits for it,
and calls f once more. Merged, f must count 6 (never the parent's three
again from the child) and g 1. Prints `RESULT <json>` with the child's
pid. With the argument os_exit, the child ends with os._exit(0) instead
of returning."""
import json
import os
import sys


def f():
    pass


def g():
    pass


def main():
    for _ in range(3):
        f()
    pid = os.fork()
    if pid == 0:
        f()
        f()
        g()
        if sys.argv[1:] == ["os_exit"]:
            os._exit(0)
        return
    os.waitpid(pid, 0)
    f()
    print("RESULT " + json.dumps({"child": pid}))


if __name__ == "__main__":
    main()
    sys.stdout.flush()
