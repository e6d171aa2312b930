"""Children that run sys.executable: a script (which starts a grandchild
of its own), -c code and -m module; each calls child_fn (defined in
sub_exec_child.py) a known number of times: 2 (script), 3 (grandchild),
1 (-c), 4 (-m). With argv[1], a NAME given, it also leaves a file
NAME.1.fprof that is not a profile, as a broken child could, and which the
parent must name and skip. Prints `RESULT <json>` with the children's
exit statuses.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CHILD = os.path.join(HERE, "sub_exec_child.py")


def main():
    if len(sys.argv) > 1:
        with open(sys.argv[1] + ".1.fprof", "w") as f:
            f.write("not a profile\n")
    codes = [
        subprocess.run([sys.executable, CHILD, "2", "grandchild"]).returncode,
        subprocess.run([sys.executable, "-c",
                        "import sys; sys.path.insert(0, %r)\n"
                        "import sub_exec_child; sub_exec_child.child_fn()"
                        % HERE]).returncode,
        subprocess.run([sys.executable, "-m", "sub_exec_child", "4"],
                       cwd=HERE, env=dict(os.environ,
                                          PYTHONPATH=HERE)).returncode,
    ]
    print("RESULT " + json.dumps({"codes": codes}))


if __name__ == "__main__":
    main()
