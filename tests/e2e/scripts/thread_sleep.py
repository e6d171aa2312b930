"""Two threads each sleeping 0.1s in napper() at the same time: with the
wall timer each activation is ~0.1s."""
import threading
import time


def napper():
    time.sleep(0.1)


threads = [threading.Thread(target=napper) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
