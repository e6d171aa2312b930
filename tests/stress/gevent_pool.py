"""Stress: a gevent Pool(100) runs N tiny jobs (default 120000): each job
is a greenlet of its own, at most 100 alive at once. Each greenlet has a
stack of its own in the accounting, freed or recycled when it ends, so
time and memory grow with the greenlets alive and the call paths, never
with the greenlets that came before (run.py also holds the time to a few
times python3's). Prints the calls the profile must show; exits 0 with
{"skip": ...} when gevent is not installed."""
import json
import sys

try:
    from gevent.pool import Pool
except ImportError:
    print(json.dumps({"skip": "no gevent"}))
    sys.exit(0)


def job(i):
    return i * 2


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 120000
    pool = Pool(100)
    total = sum(pool.imap_unordered(job, range(n)))
    assert total == n * (n - 1)
    print(json.dumps({"calls": {"job": n, "main": 1}, "paths": 200}))


main()
