"""Stress: a generator and a coroutine call fullprof.clear() N times in
all (default 400000) while they run: each clear drops the profile and
with it the activation records open on the stack, which must be freed (it
leaked about 60 bytes a clear). Without the fullprof module (plain
python3), or with $FULLPROF_STRESS_BASELINE set (the runner's baseline),
clear does nothing. The profile at exit only has what ran after the last
clear: the end of main(). Prints the calls the profile must show."""
import json
import os
import sys

try:
    if os.environ.get("FULLPROF_STRESS_BASELINE"):
        raise ImportError("the baseline run records nothing")
    import fullprof
    clear = fullprof.clear
except ImportError:
    def clear():
        pass


def gen(n):
    for i in range(n):
        clear()
        yield i


async def coro(n):
    for _ in range(n):
        clear()


def last():
    return 1


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 400000
    assert sum(gen(n // 2)) == (n // 2) * (n // 2 - 1) // 2
    try:
        coro(n - n // 2).send(None)
    except StopIteration:
        pass
    last()
    print(json.dumps({"calls": {"last": 1}, "paths": 10}))


main()
