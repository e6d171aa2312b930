"""The program installs a greenlet trace function of its own after
greenlet is imported, calling the one it replaces as greenlet's
documentation asks: switches are still followed. It prints the events its
function saw."""
import greenlet

seen = []
previous = greenlet.settrace(None)


def trace(event, args):
    seen.append(event)
    if previous is not None:
        previous(event, args)


greenlet.settrace(trace)


def worker():
    for _ in range(3):
        main_glet.switch()


def after():
    pass


main_glet = greenlet.getcurrent()
g = greenlet.greenlet(worker)
for _ in range(4):
    g.switch()
after()
print(" ".join(seen))
