"""The program installs its own profile function (as the stdlib profile
module does), with an audit hook in place (as CPython's test runner has):
prints the events the function got, which must be python3's, and runs the
profile module on a statement."""
import io
import profile
import pstats
import sys

sys.addaudithook(lambda event, args: None)
events = []


def prof(frame, event, arg):
    events.append((event, getattr(arg, "__name__", None)))


def main():
    sys.setprofile(prof)
    len("abc")
    sys.setprofile(None)


main()
print(events)


def timer():
    return 42000


p = profile.Profile(timer, 0.001)
p.runctx("max([0], key=int)", globals(), locals())
out = io.StringIO()
pstats.Stats(p, stream=out).print_stats()
print(":0(max)" in out.getvalue())
