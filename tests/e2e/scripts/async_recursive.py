"""A recursive coroutine that suspends at every level (depth 10: 11
activations, one of them outermost), and one that never suspends."""
import asyncio


async def descend(n):
    await asyncio.sleep(0.005)
    if n:
        await descend(n - 1)


async def no_suspend(x):
    return x * 2


async def main():
    await descend(10)
    for i in range(50):
        await no_suspend(i)


asyncio.run(main())
