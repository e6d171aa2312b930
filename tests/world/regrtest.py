"""regrtest.py: runs CPython's regression test driver (python3 -m test)
with one change, so that tests/world/run-cpython-tests can read every test
case's result from its --junit-xml file.

regrtest's JUnit writer records a test case when unittest reports its
outcome through addSuccess, addFailure, addError or addSkip; a failure
inside self.subTest() goes through addSubTest instead, and the test case
is then written with no name and no outcome. This wrapper makes a failed
subtest record its test case as failed (once, under the test case's id),
then hands the command line to regrtest unchanged. Run it as
`python3 regrtest.py ARGS` where you would run `python3 -m test ARGS`.
"""
import sys


def patch_subtests():
    """Makes regrtest's result class record a test case whose subtest
    failed as a failure (or an error) of that test case."""
    try:
        from test.libregrtest.testresult import RegressionTestResult
    except ImportError:  # 3.11.2 keeps it in test.support
        from test.support.testresult import RegressionTestResult
    original = RegressionTestResult.addSubTest

    def addSubTest(self, test, subtest, err):
        """Records the failed subtest's test case, then does what unittest
        does (adds the subtest to the failures or errors)."""
        if err is not None:
            kind = ("failure" if issubclass(err[0], test.failureException)
                    else "error")
            text = "subtest %s: %s: %s" % (subtest._subDescription(),
                                           err[0].__name__, err[1])
            self._add_result(test, True, **{kind: {"type": err[0].__name__,
                                                   "message": text}})
        original(self, test, subtest, err)

    RegressionTestResult.addSubTest = addSubTest


def main():
    """Patches the result class and runs regrtest on sys.argv[1:]."""
    patch_subtests()
    from test.libregrtest.main import main as regrtest_main
    regrtest_main()


# multiprocessing's spawn start method imports this file again in each
# child as __mp_main__: only the first process runs the tests.
if __name__ == "__main__":
    main()
