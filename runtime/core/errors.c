/*
 * errors.c: fp_strerror, generated from fullprof.h's FP_ERRNO_MAP and
 * errors.h's FP__ERRNO_MAP_READER, and the mapping of the frame
 * reader's -errno values into those codes (and back, for messages that
 * quote the system's own words).
 */
#include "config.h"

#include <errno.h>

#include "core/errors.h"
#include "fullprof.h"

/* Returns a static sentence describing an FP_ERR_* code. */
FP_EXPORT const char *
fp_strerror(int err)
{
	switch (err) {
#define FP_ERRNO_CASE(name, value, text) case value: return text;
	FP_ERRNO_MAP(FP_ERRNO_CASE)
	FP__ERRNO_MAP_READER(FP_ERRNO_CASE)
#undef FP_ERRNO_CASE
	}
	return "unknown error";
}

/* Returns the FP_ERR_* code of a frame reader's result rc (0 or -errno):
 * FP_OK for 0, the reader's own code for the errno values it returns,
 * FP_ERR_NOMEM, FP_ERR_INVAL, or FP_ERR_IO for any other. */
int
fp__err_from_errno(int rc)
{
	switch (rc) {
	case 0:
		return FP_OK;
	case -ESRCH:
		return FP__ERR_NOPROCESS;
	case -EPERM:
	case -EACCES:
		return FP__ERR_PERMISSION;
	case -EFAULT:
		return FP__ERR_FAULT;
	case -ENOEXEC:
		return FP__ERR_NOTPYTHON;
	case -ENOTSUP:
	case -EPROTO:
		return FP__ERR_UNSUPPORTED;
	case -ENOENT:
		return FP__ERR_NOTFOUND;
	case -ENOMEM:
		return FP_ERR_NOMEM;
	case -EINVAL:
		return FP_ERR_INVAL;
	default:
		return FP_ERR_IO;
	}
}

/* Returns the errno value that stands for the FP_ERR_* code err (for a
 * message in the system's words, strerror()): 0 for FP_OK, the first of
 * the errno values fp__err_from_errno() maps into it, EIO otherwise. */
int
fp__errno_of(int err)
{
	switch (err) {
	case FP_OK:
		return 0;
	case FP__ERR_NOPROCESS:
		return ESRCH;
	case FP__ERR_PERMISSION:
		return EPERM;
	case FP__ERR_FAULT:
		return EFAULT;
	case FP__ERR_NOTPYTHON:
		return ENOEXEC;
	case FP__ERR_UNSUPPORTED:
		return ENOTSUP;
	case FP__ERR_NOTFOUND:
		return ENOENT;
	case FP_ERR_NOMEM:
		return ENOMEM;
	case FP_ERR_INVAL:
		return EINVAL;
	default:
		return EIO;
	}
}
