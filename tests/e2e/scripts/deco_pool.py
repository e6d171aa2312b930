"""@fullprof.profile across processes: a Pool of three workers (argv[1]:
fork, spawn or forkserver) maps work over 30 items (work calls helper),
and the parent calls work once itself; files go to argv[2] with prefix
pool_. Added up, the files must hold work 31 and helper 31, one file per
process that ran work. Prints `RESULT <json>` with the pids."""
import json
import multiprocessing
import os
import sys

import fullprof

OUT = sys.argv[2] if len(sys.argv) > 2 else None


def helper(n):
    return n * 2


@fullprof.profile(dir=OUT, prefix="pool_")
def work(n):
    return (os.getpid(), helper(n))


def main():
    ctx = multiprocessing.get_context(sys.argv[1])
    with ctx.Pool(3) as pool:
        results = pool.map(work, range(30), chunksize=1)
    work(0)
    print("RESULT " + json.dumps({
        "parent": os.getpid(),
        "ran": sorted({pid for pid, _ in results} | {os.getpid()}),
    }))


if __name__ == "__main__":
    main()
