"""Exits with the status given as argv[1] after doing a little work."""
import sys


def work():
    return sum(range(1000))


work()
print("before exit")
sys.exit(int(sys.argv[1]))
