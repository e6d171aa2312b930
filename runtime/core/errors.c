/*
 * errors.c: fp_strerror, generated from the FP_ERRNO_MAP list.
 */
#include "config.h"

#include "fullprof.h"

/* Returns a static sentence describing an FP_ERR_* code. */
FP_EXPORT const char *
fp_strerror(int err)
{
	switch (err) {
#define FP_ERRNO_CASE(name, value, text) case value: return text;
	FP_ERRNO_MAP(FP_ERRNO_CASE)
#undef FP_ERRNO_CASE
	}
	return "unknown error";
}
