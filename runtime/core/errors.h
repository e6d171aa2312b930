/*
 * errors.h: libfullprof's one error convention inside: every function that
 * can fail returns FP_OK (0) or a negative code, those of fullprof.h's
 * FP_ERRNO_MAP and, for what reading another process can meet, the
 * internal codes of FP__ERRNO_MAP_READER below, a range of their own
 * (from -20) that fp_strerror() also names. The one exception is the
 * frame reader behind --sample and "fullprof attach" (memread, stackread,
 * taskread, procfind), which returns 0 or -errno as the system calls it
 * makes report them; whoever takes such a value beyond the reader maps it
 * with fp__err_from_errno() first, so that one int never holds either
 * kind.
 *
 * Ownership: plain integers in and out; nothing is allocated.
 */
#ifndef FP_ERRORS_H
#define FP_ERRORS_H

/* The reader's codes, mapped from its errno values (ESRCH; EPERM and
 * EACCES; EFAULT; ENOEXEC; ENOTSUP and EPROTO; ENOENT; ENOMEM becomes
 * FP_ERR_NOMEM, anything else FP_ERR_IO). No public function returns
 * them. */
#define FP__ERRNO_MAP_READER(X)                                              \
	X(NOPROCESS, -20, "no such process")                                 \
	X(PERMISSION, -21, "not permitted to read the process's memory")     \
	X(FAULT, -22, "the process's memory could not be read there (it "    \
	    "changed, or the address is bad)")                               \
	X(NOTPYTHON, -23, "not a Python process")                            \
	X(UNSUPPORTED, -24, "not supported for this Python version")         \
	X(NOTFOUND, -25, "not found in the process")

enum fp__reader_error {
#define FP__ERRNO_ENUM(name, value, text) FP__ERR_##name = value,
	FP__ERRNO_MAP_READER(FP__ERRNO_ENUM)
#undef FP__ERRNO_ENUM
};

/* Returns the FP_ERR_* code of a frame reader's result rc (0 or -errno):
 * -ESRCH gives FP__ERR_NOPROCESS, -EPERM and -EACCES FP__ERR_PERMISSION,
 * -EFAULT FP__ERR_FAULT, -ENOEXEC FP__ERR_NOTPYTHON, -ENOTSUP and -EPROTO
 * FP__ERR_UNSUPPORTED, -ENOENT FP__ERR_NOTFOUND, -ENOMEM FP_ERR_NOMEM,
 * -EINVAL FP_ERR_INVAL, 0 FP_OK, any other FP_ERR_IO. */
int fp__err_from_errno(int rc);

/* Returns the errno value an FP_ERR_* code stands for (ESRCH for
 * FP__ERR_NOPROCESS, ...; 0 for FP_OK, EIO for a code with none), for a
 * message in the system's words. */
int fp__errno_of(int err);

#endif /* FP_ERRORS_H */
