"""What @fullprof.profile keeps of the function and accepts: metadata as
functools.wraps keeps it, methods, coroutine, generator and async
generator functions (each call counted once, for its whole activation:
coro 3, agen 1, gen 1, leaf 14 in all),
pickling by reference, the bare @fullprof.profile (on bare_fn), repr,
and the errors for bad arguments. Files go to argv[1] with prefix api_ (the bare one:
the temporary directory, prefix fullprof_). Prints `RESULT <json>`."""
import asyncio
import inspect
import json
import os
import pickle
import sys

import fullprof

OUT = sys.argv[1]
deco = fullprof.profile(dir=OUT, prefix="api_")


def leaf():
    pass


@deco
def plain(a, b=2, *, c=3):
    """The docstring of plain."""
    leaf()
    return a + b + c


class K:
    @deco
    def method(self, x):
        leaf()
        return x

    @staticmethod
    @deco
    def static(x):
        leaf()
        return x

    @classmethod
    @deco
    def klass(cls, x):
        leaf()
        return cls.__name__


@deco
async def coro(x):
    await asyncio.sleep(0.01)
    leaf()
    return x


@deco
def gen(n):
    for i in range(n):
        leaf()
        yield i


@deco
async def agen(n):
    for i in range(n):
        await asyncio.sleep(0)
        leaf()
        yield i


async def amain():
    a = await asyncio.gather(coro(1), coro(2))
    b = [x async for x in agen(3)]
    return a, b


def coroutine_name():
    c = coro(0)
    name = c.__qualname__
    asyncio.run(c)
    return name


def bare_fn():
    pass


def errors():
    out = {}
    for name, call in [
            ("not_a_function", lambda: deco(len)),
            ("slash", lambda: fullprof.profile(prefix="a/b")),
            ("negative", lambda: fullprof.profile(save_every_n_calls=-1)),
            ("not_int", lambda: fullprof.profile(save_every_n_calls=1.5)),
            ("prefix_type", lambda: fullprof.profile(prefix=3))]:
        try:
            call()
            out[name] = None
        except Exception as e:
            out[name] = type(e).__name__
    return out


def main():
    k = K()
    results = [plain(1), k.method(5), K.static(6), K.klass(7),
               list(gen(4)), asyncio.run(amain())]
    bare = fullprof.profile(bare_fn)
    print("RESULT " + json.dumps({
        "results": results,
        "name": plain.__name__,
        "qualname": plain.__qualname__,
        "module": plain.__module__,
        "doc": plain.__doc__,
        "wrapped": plain.__wrapped__.__name__,
        "signature": str(inspect.signature(plain)),
        "method_qualname": K.method.__qualname__,
        "asyncio_coroutine_function": asyncio.iscoroutinefunction(coro),
        "coroutine_name": coroutine_name(),
        "pickled": pickle.loads(pickle.dumps(plain)) is plain,
        "repr": repr(plain).startswith("<fullprof.profile of <function "
                                       "plain at "),
        "deco_repr": repr(deco),
        "bare": [bare.__name__, bare() is None],
        "errors": errors(),
        "pid": os.getpid(),
    }))


if __name__ == "__main__":
    main()
