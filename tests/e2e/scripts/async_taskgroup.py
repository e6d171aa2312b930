"""asyncio.TaskGroup (Python 3.11+): three tasks that finish, then a group
where one task fails and the others are cancelled."""
import asyncio


async def tg_worker(secs):
    await asyncio.sleep(secs)
    return secs


async def tg_failer():
    await asyncio.sleep(0.02)
    raise ValueError("failed in group")


async def tg_victim():
    await asyncio.sleep(10)


async def main():
    async with asyncio.TaskGroup() as tg:
        for s in (0.03, 0.05, 0.07):
            tg.create_task(tg_worker(s))
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(tg_failer())
            tg.create_task(tg_victim())
            tg.create_task(tg_victim())
    except* ValueError:
        pass


asyncio.run(main())
