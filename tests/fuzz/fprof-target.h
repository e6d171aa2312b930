/*
 * fprof-target.h: what the fuzzer and the corpus replay do with one input:
 * read it as a .fprof file and, when it is one, check that it survives a
 * round trip and renders in every format.
 */
#ifndef FP_FUZZ_FPROF_TARGET_H
#define FP_FUZZ_FPROF_TARGET_H

#include <stddef.h>
#include <stdint.h>

/* Feeds len bytes to the .fprof reader and exercises what it returns;
 * returns 1 when the input was a valid profile, 0 when the reader refused
 * it, and aborts when an invariant is broken. */
int fp_fuzz_fprof(const uint8_t *data, size_t len);

#endif /* FP_FUZZ_FPROF_TARGET_H */
