/*
 * errors.h: moving between the frame reader's -errno results and the
 * FP_ERR_* codes of fullprof.h (see the convention stated there).
 *
 * Ownership: plain integers in and out; nothing is allocated.
 */
#ifndef FP_ERRORS_H
#define FP_ERRORS_H

/* Returns the FP_ERR_* code of a frame reader's result rc (0 or -errno):
 * -ESRCH gives FP_ERR_NOPROCESS, -EPERM and -EACCES FP_ERR_PERMISSION,
 * -EFAULT FP_ERR_FAULT, -ENOEXEC FP_ERR_NOTPYTHON, -ENOTSUP and -EPROTO
 * FP_ERR_UNSUPPORTED, -ENOENT FP_ERR_NOTFOUND, -ENOMEM FP_ERR_NOMEM,
 * -EINVAL FP_ERR_INVAL, 0 FP_OK, any other FP_ERR_IO. */
int fp__err_from_errno(int rc);

/* Returns the errno value an FP_ERR_* code stands for (ESRCH for
 * FP_ERR_NOPROCESS, ...; 0 for FP_OK, EIO for a code with none), for a
 * message in the system's words. */
int fp__errno_of(int err);

#endif /* FP_ERRORS_H */
