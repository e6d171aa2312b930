"""test_world_crashes.py: programs that did what CPython's own regression
tests do, and crashed fullprof or changed what they printed, run as under
python3 in every mode.

Each script is run by plain python3 and by `fullprof -q` in trace mode,
with --builtins and sampling; the exit status and standard output must be
python3's exactly, and standard error must hold nothing of fullprof's.
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fptest import check, eq, main, run, run_python, script, skip, test

MODES = ([], ["--builtins"], ["--sample=1ms"])


def like_python(name, modes=MODES, args=()):
    """Runs tests/e2e/scripts/NAME under python3 and under each mode of
    fullprof; fails unless status and stdout are python3's. Returns
    python3's (status, stdout)."""
    prc, pout, perr = run_python([script(name)] + list(args))
    for mode in modes:
        rc, out, err = run(["-q"] + mode + [script(name)] + list(args))
        what = "fullprof -q %s %s" % (" ".join(mode), name)
        eq(rc, prc, "%s: status (stderr %r)" % (what, err[-2000:]))
        eq(out, pout, "%s: stdout" % what)
        check("fullprof" not in err, "%s wrote %r" % (what, err[-2000:]))
    return prc, pout


@test
def audit_hook_and_a_thread():
    # The profile function installed in each new thread raised the audit
    # event "sys.setprofile"; the program's hook ran in the frame hook's
    # thread registration, entered the hook again, and recursed on the C
    # stack until SIGSEGV (--builtins).
    # python3's own events differ by version ('_thread.start_new_thread'
    # in 3.12, '_thread.start_joinable_thread' in 3.13, none in 3.11);
    # fullprof must add none of its own.
    rc, out = like_python("world_audit_thread.py")
    eq(rc, 0, "python3's own status")
    check("setprofile" not in out, "python3's own events %r" % out)


@test
def code_extra_slot_of_the_program():
    # fullprof's co_extra blocks covered every slot requested so far:
    # CPython then called the program's free function, written in Python,
    # for each code object fullprof had seen, even during finalisation
    # (SIGSEGV at exit).
    rc, out = like_python("world_code_extra.py")
    eq((rc, out), (0, "[100]\n"), "python3's own result")


@test
def small_thread_stack_gets_a_recursion_error():
    # The guard against running out of C stack was off for stacks of
    # 512 KiB or less: a 256 KiB thread recursing 900 deep (about 560
    # bytes of C stack per profiled call) crashed. It now gets a
    # RecursionError that names the cause; sampling uses no C stack per
    # call and gives python3's result.
    rc, out = like_python("world_small_stack.py", modes=(["--sample=1ms"],))
    eq((rc, out), (0, "900\n"), "python3's own result")
    for mode in ([], ["--builtins"]):
        for kib in ("32", "256"):
            rc, out, err = run(["-q"] + mode +
                               [script("world_small_stack.py"), "900", kib])
            eq((rc, out), (0, "RecursionError: maximum recursion depth "
                           "exceeded (the C stack is nearly used up; "
                           "fullprof needs C stack for each Python "
                           "call)\n"), "%s %s KiB" % (mode, kib))


@test
def os_exit_passes_for_the_original():
    # os._exit was replaced by a method bound to the original, with
    # another repr, qualname and __self__, that pickle refused.
    rc, out = like_python("world_os_exit.py")
    eq(rc, 3, "python3's own status")
    eq(out.split("\n")[0], "<built-in function _exit> _exit _exit posix "
       "<module 'posix' (built-in)> True", "python3's own first line")
    rc, out, err = run(["-q", "-o", "-", "-f", "json",
                        script("world_os_exit.py")])
    check('"name": "<module>"' in out, "no report on os._exit: %r" %
          out[-500:])


@test
def c_stack_per_profiled_call():
    # Each profiled call runs in a C frame of the hook's and CPython's own
    # (about 512 bytes on 3.11 x86-64 with -O2; 560 before the hook kept
    # only a token across the evaluation). An 8 MiB thread less the 256 KiB
    # reserve holds about 15,800; the bound leaves room for -O0 builds.
    for mode in ([], ["--builtins"]):
        rc, out, err = run(["-q"] + mode +
                           [script("world_thread_depth.py"), "8192"])
        eq(rc, 0, "status (stderr %r)" % err[-600:])
        kib, depth, msg = out.split(" ", 2)
        check(int(depth) >= 13000, "%s: depth %s in 8 MiB" % (mode, depth))
        check("the C stack is nearly used up" in msg, "message %r" % msg)


@test
def program_profile_function_gets_no_stray_c_return():
    # With --builtins, fullprof's profile function is in place when the
    # program calls sys.setprofile(f): CPython sends the C_RETURN of that
    # call to f, which python3 never does (the stdlib profile module then
    # fails with 'Bad return'). On 3.11 fullprof leaves that call of f
    # out; 3.12 and later send it through sys.monitoring, which fullprof
    # cannot intercept yet.
    if sys.version_info >= (3, 12):
        skip("the stray C_RETURN is still sent on 3.12 and later")
    rc, out = like_python("world_setprofile.py")
    eq((rc, out), (0, "[('c_call', 'len'), ('c_return', 'len'), "
                      "('c_call', 'setprofile')]\nTrue\n"),
       "python3's own result")


if __name__ == "__main__":
    main()
