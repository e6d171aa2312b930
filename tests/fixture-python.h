/*
 * fixture-python.h: the interpreter the suites that run Python code start
 * (capi, stackread): the configured python3's own, whatever PATH says.
 */
#ifndef FP_TEST_FIXTURE_PYTHON_H
#define FP_TEST_FIXTURE_PYTHON_H

/* Initialises Python as the configured python3 (FP_PYTHON_EXECUTABLE)
 * configures itself, without signal handlers; the test fails if it
 * cannot. Left at its default, the program name is "python3", looked up
 * in PATH: a PATH whose python3 is another installation's gives the
 * library that one's standard library, and its extension modules fail
 * to load. */
void fixture_python_init(void);

#endif
