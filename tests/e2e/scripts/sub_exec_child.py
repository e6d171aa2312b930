"""The child of sub_exec.py: calls child_fn argv[1] times; with argv[2]
("grandchild") it first runs itself again as a child of its own, calling
child_fn 3 times. Ends with status 3 when it is a grandchild, to show
that statuses pass through."""
import subprocess
import sys


def child_fn():
    pass


def main():
    n = int(sys.argv[1])
    if len(sys.argv) > 2 and sys.argv[2] == "grandchild":
        rc = subprocess.run([sys.executable, __file__, "3", "last"]).returncode
        if rc != 3:
            sys.exit("grandchild status %r" % rc)
    for _ in range(n):
        child_fn()
    if len(sys.argv) > 2 and sys.argv[2] == "last":
        sys.exit(3)


if __name__ == "__main__":
    main()
