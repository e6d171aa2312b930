"""Exceptions unwinding several frames: one raised three calls deep and
caught at the top, a recursion ended by RecursionError (it prints how deep
it went), and a recursive generator walking a tree with `yield from`."""
import sys

depth = 0


def level3():
    raise LookupError("deep")


def level2():
    level3()


def level1():
    try:
        level2()
    except LookupError:
        return "caught"


def down():
    global depth
    depth += 1
    down()


def walk(node):
    yield node[0]
    for child in node[1]:
        yield from walk(child)


for _ in range(5):
    level1()
try:
    down()
except RecursionError:
    pass
tree = (1, [(2, [(4, []), (5, [])]), (3, [(6, [(7, [])])])])
assert list(walk(tree)) == [1, 2, 4, 5, 3, 6, 7]
print(depth)
sys.stdout.flush()
