"""Runs sys.executable with python3's own options and prints what each
child saw, one line per child, for comparing fullprof --subprocesses with
plain python3: the same lines must come out (sys.executable aside)."""
import subprocess
import sys

SHOW = ("import sys; print(sys.flags.isolated, sys.flags.ignore_environment,"
        " sys.flags.no_user_site, sys.flags.dont_write_bytecode,"
        " sys.flags.dev_mode, sys.flags.utf8_mode, sys.flags.optimize,"
        " sys.warnoptions, sys._xoptions, sys.argv)")

RUNS = [
    ["-c", SHOW, "a", "b"],
    ["-I", "-c", SHOW],
    ["-E", "-s", "-B", "-c", SHOW],
    ["-X", "dev", "-W", "error", "-c", SHOW],
    ["-X", "utf8", "-O", "-c", SHOW],
    ["-u", "-c", "import sys; sys.stdout.write('unbuffered\\n')"],
    ["-m", "json.tool"],
    ["-c", "import sys; sys.exit(7)"],
    ["-"],
]


def main():
    for args in RUNS:
        r = subprocess.run([sys.executable] + args, capture_output=True,
                           text=True, input='{"a": [1]}' if args[-1] in
                           ("json.tool",) else "print('from stdin')")
        print(args[0], r.returncode, r.stdout.strip().replace("\n", " "))
        if r.stderr:
            print("stderr:", r.stderr.strip()[-300:])


if __name__ == "__main__":
    main()
