"""A generator and a coroutine started in one thread and finished in
another: one activation each, however the threads take turns. Prints how
long it all took by the program's own clock, as JSON."""
import json
import threading
import time
import types


def numbers():
    for i in range(4):
        time.sleep(0.01)
        yield i


@types.coroutine
def suspend():
    yield


async def relay():
    for _ in range(3):
        await suspend()
    return "done"


t0 = time.perf_counter()
gen = numbers()
coro = relay()
assert next(gen) == 0
coro.send(None)


def finish():
    assert list(gen) == [1, 2, 3]
    try:
        while True:
            coro.send(None)
    except StopIteration as e:
        assert e.value == "done"


t = threading.Thread(target=finish)
t.start()
t.join()
print(json.dumps({"span": time.perf_counter() - t0}))
