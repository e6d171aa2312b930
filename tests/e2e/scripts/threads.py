"""work() runs a known number of times in the main thread, in threads
started before and after the main thread's own work, in a thread started
by another thread and in a bare _thread one:
10 + 4*50 + 3*30 + 20 + 15 = 335 calls."""
import _thread
import threading


def work(i):
    return sum(range(200 + i % 7))


def loop(n):
    for i in range(n):
        work(i)


def spawner():
    t = threading.Thread(target=loop, args=(20,))
    t.start()
    t.join()


def bare(done):
    loop(15)
    done.release()


early = [threading.Thread(target=loop, args=(50,)) for _ in range(4)]
for t in early:
    t.start()
loop(10)
for t in early:
    t.join()
late = [threading.Thread(target=loop, args=(30,)) for _ in range(3)]
late.append(threading.Thread(target=spawner))
for t in late:
    t.start()
for t in late:
    t.join()
lock = _thread.allocate_lock()
lock.acquire()
_thread.start_new_thread(bare, (lock,))
lock.acquire()
