"""concurrent.futures.ThreadPoolExecutor: square() mapped over 100 items
by 4 workers, and cube() submitted 25 times."""
from concurrent.futures import ThreadPoolExecutor


def square(x):
    return x * x


def cube(x):
    return x * x * x


with ThreadPoolExecutor(max_workers=4) as pool:
    assert sum(pool.map(square, range(100))) == 328350
    futures = [pool.submit(cube, i) for i in range(25)]
    assert sum(f.result() for f in futures) == 90000
