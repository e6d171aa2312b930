"""Twenty independent gevent handlers, each waiting 20 ms in
gevent.sleep: each counts one call (no recursion: none runs inside
another), with at least 20 ms of total each, almost all of it suspended."""
import gevent


def work(i):
    gevent.sleep(0.02)
    return i


def handler(i):
    return work(i)


jobs = [gevent.spawn(handler, i) for i in range(20)]
gevent.joinall(jobs)
assert [j.value for j in jobs] == list(range(20))
print("done")
