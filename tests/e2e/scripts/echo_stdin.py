"""Copies stdin to stdout upper-cased, one line at a time."""
import sys


def shout(line):
    return line.upper()


for line in sys.stdin:
    sys.stdout.write(shout(line))
