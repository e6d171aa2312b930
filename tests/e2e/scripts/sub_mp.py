"""multiprocessing children, one start method at a time (argv[1]: fork,
spawn or forkserver): three Process children each run work(n) (calling
leaf n times, n = 2, 3, 4), then a Pool of two workers maps pooled over
ten items (one leaf each) and is terminated by its with block (SIGTERM),
and the parent calls leaf once itself. Under fullprof --subprocesses the
merged report must hold work 3, pooled 10 and leaf 20. Prints
`RESULT <json>` with the pids of every child that runs Python code.
"""
import json
import multiprocessing
import os
import sys


def leaf():
    pass


def work(n):
    for _ in range(n):
        leaf()


def pooled(x):
    leaf()
    return x


def main(method):
    ctx = multiprocessing.get_context(method)
    procs = [ctx.Process(target=work, args=(n,)) for n in (2, 3, 4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    with ctx.Pool(2) as pool:
        workers = [w.pid for w in pool._pool]
        total = sum(pool.map(pooled, range(10), chunksize=1))
    leaf()
    print("RESULT " + json.dumps({
        "parent": os.getpid(),
        "children": [p.pid for p in procs] + workers,
        "exitcodes": [p.exitcode for p in procs],
        "total": total,
        "executable": sys.executable,
    }))


if __name__ == "__main__":
    main(sys.argv[1])
