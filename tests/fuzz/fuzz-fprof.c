/*
 * fuzz-fprof.c: the libFuzzer entry point for the .fprof reader. Built by
 * tests/fuzz/build.sh with clang -fsanitize=fuzzer,address,undefined; see
 * tests/fuzz/README.md.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "fprof-target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Runs one input through the reader; libFuzzer wants 0 back. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fp_fuzz_fprof(data, size);
	return 0;
}
