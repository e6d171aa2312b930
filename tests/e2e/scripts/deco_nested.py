"""Nested and concurrent decorated functions, files in argv[1]:
outer (prefix a_) calls inner (prefix b_) three times; inner is also
called twice on its own; outer2 (prefix a_, like outer) calls inner2
(prefix a_) twice, and inner2 calls itself once more (recursion through
the decorator); then two threads run outer2 at the same time, twice
each. Expected, a_ file: outer 1, outer2 5, inner2 20 (10 direct + 10
recursive), leaf under each; b_ file: inner 5 (three inside outer, two
alone). Prints `RESULT {}` when done."""
import sys
import threading

import fullprof

OUT = sys.argv[1]


def leaf():
    pass


@fullprof.profile(dir=OUT, prefix="b_")
def inner():
    leaf()


@fullprof.profile(dir=OUT, prefix="a_")
def outer():
    for _ in range(3):
        inner()


@fullprof.profile(dir=OUT, prefix="a_")
def inner2(again=True):
    leaf()
    if again:
        inner2(False)


@fullprof.profile(dir=OUT, prefix="a_", save_every_n_calls=5)
def outer2():
    inner2()
    inner2()


def twice():
    outer2()
    outer2()


def main():
    outer()
    inner()
    inner()
    outer2()
    threads = [threading.Thread(target=twice) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("RESULT {}")


if __name__ == "__main__":
    main()
