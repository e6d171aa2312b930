"""How deep a thread with a stack of argv[1] KiB recurses before a
RecursionError, with the recursion limit out of the way; prints the
depth and the error's message."""
import sys, threading
sys.setrecursionlimit(200000)
KIB = int(sys.argv[1])
res = []
msg = []
def down(n):
    res[0] = n
    down(n + 1)
def run():
    res.append(0)
    try: down(0)
    except RecursionError as e:
        msg.append(str(e))
threading.stack_size(KIB * 1024)
t = threading.Thread(target=run); t.start(); t.join()
print(KIB, res[0], msg[0])
