"""Stress: N asyncio tasks (default 100000) alive at once: each awaits a
shared event, so every one is suspended at the same time, then calls
leaf(). Prints the calls the profile must show."""
import asyncio
import json
import sys


def leaf(i):
    return i


async def task(i, go):
    await go.wait()
    await asyncio.sleep(0)
    return leaf(i)


async def release(go, n, started):
    while started[0] < n:
        await asyncio.sleep(0)
    go.set()


async def main(n):
    go = asyncio.Event()
    started = [0]

    async def counted(i):
        started[0] += 1
        return await task(i, go)

    tasks = [asyncio.ensure_future(counted(i)) for i in range(n)]
    asyncio.ensure_future(release(go, n, started))
    results = await asyncio.gather(*tasks)
    assert sum(results) == n * (n - 1) // 2


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    asyncio.run(main(n))
    print(json.dumps({"calls": {"task": n, "leaf": n, "main": 1,
                                "main.<locals>.counted": n},
                      "paths": 8}))
