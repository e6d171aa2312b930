"""save_every_n_calls: f is decorated with save_every_n_calls=3 (files in
argv[1], prefix every_) and called four times; after each call the
script notes whether the file exists, and after the third it copies the
file to snapshot.fprof. With argv[2] == "exit", the process then ends
with os._exit (no atexit, but fullprof's os._exit saves the file first),
else normally (the file is saved again at exit); both give four calls. A function decorated with a
prefix never_ is never called: it must leave no file. Prints
`RESULT <json>`."""
import json
import os
import shutil
import sys

import fullprof

OUT = sys.argv[1]
PATH = os.path.join(OUT, "every_%d.fprof" % os.getpid())


@fullprof.profile(dir=OUT, prefix="every_", save_every_n_calls=3)
def f():
    pass


@fullprof.profile(dir=OUT, prefix="never_")
def never():
    pass


def main():
    seen = []
    for i in range(4):
        f()
        seen.append(os.path.exists(PATH))
        if i == 2:
            shutil.copy(PATH, os.path.join(OUT, "snapshot.fprof"))
    print("RESULT " + json.dumps({"seen": seen, "pid": os.getpid()}))
    sys.stdout.flush()
    if len(sys.argv) > 2 and sys.argv[2] == "exit":
        os._exit(0)


if __name__ == "__main__":
    main()
