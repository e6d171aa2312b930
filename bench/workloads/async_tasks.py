"""Benchmark workload: many asyncio tasks, each suspending many times.

main() gathers TASKS worker tasks (argv[1], default 5000); each worker runs
ROUNDS rounds (argv[2], default 80). A round awaits a two-deep coroutine
chain, middle() -> leaf(), whose leaf suspends once at asyncio.sleep(0),
and then a coroutine, quick(), that returns without suspending. So a
profiler sees TASKS * ROUNDS activations each of middle, leaf and quick,
and as many suspensions and resumptions of a three-deep stack. The result
is deterministic and printed so a run can be checked.
"""
import asyncio
import sys


async def leaf(i):
    await asyncio.sleep(0)
    return i & 7


async def middle(i):
    return await leaf(i) + 1


async def quick(i):
    return i % 3


async def worker(w, rounds):
    total = 0
    for r in range(rounds):
        total += await middle(w + r)
        total += await quick(r)
    return total


async def main(ntasks, rounds):
    results = await asyncio.gather(*(worker(w, rounds) for w in range(ntasks)))
    return sum(results)


if __name__ == "__main__":
    ntasks = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 80
    print(asyncio.run(main(ntasks, rounds)))
