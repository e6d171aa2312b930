"""A thread with a 256 KiB stack (threading.stack_size) recursing 900
deep in pure Python, inside the default recursion limit: python3 needs no
C stack for it. Prints how it ended, and the message of a RecursionError
(fullprof's hook needs C stack for each Python call)."""
import sys
import threading

DEPTH = int(sys.argv[1]) if len(sys.argv) > 1 else 900
KIB = int(sys.argv[2]) if len(sys.argv) > 2 else 256
result = []


def down(n):
    return 0 if n == 0 else 1 + down(n - 1)


def run():
    try:
        result.append(down(DEPTH))
    except RecursionError as e:
        result.append("RecursionError: %s" % e)


threading.stack_size(KIB * 1024)
t = threading.Thread(target=run)
t.start()
t.join()
print(result[0])
