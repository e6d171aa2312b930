/*
 * memread.h: reading another process's memory (or our own) without ever
 * faulting, through process_vm_readv(2).
 *
 * A read of memory that is unmapped, or that is freed while we read it,
 * comes back as an error instead of a SIGSEGV, which is what a sampler
 * reading a running interpreter without its lock needs. Reads are all or
 * nothing. The caller owns the fp__mem_t; it holds no resources.
 *
 * Errors: this file and the rest of the frame reader (stackread.h,
 * taskread.h, procfind.h, pylayout-debug.h) return 0 or -errno, as the
 * system calls report them; a caller that passes such a value on, or
 * mixes it with FP_ERR_* codes, maps it first with fp__err_from_errno()
 * (core/errors.h; the convention is stated in fullprof.h).
 */
#ifndef FP_MEMREAD_H
#define FP_MEMREAD_H

#include <stddef.h>
#include <stdint.h>

typedef struct fp__mem {
	int pid;		/* the process read */
	uint64_t reads;		/* system calls made */
	uint64_t failures;	/* of which failed (or read short) */
} fp__mem_t;

/* One request of a batched read: len bytes at addr into dst. */
typedef struct fp__mem_iov {
	uint64_t addr;
	void *dst;
	size_t len;
} fp__mem_iov_t;

/* Sets up m to read process pid (getpid() for ourselves). */
void fp__mem_init(fp__mem_t *m, int pid);

/* Reads len bytes at addr into dst, entirely or not at all: 0, or -errno
 * (-EFAULT for an unmapped/partial read, -ESRCH when the process is gone,
 * -EPERM when we may not read it). Never faults. */
int fp__mem_read(fp__mem_t *m, uint64_t addr, void *dst, size_t len);

/* Reads n requests in as few system calls as possible. Returns how many
 * leading requests were read entirely (n when all were; the first
 * unreadable one stops the batch, and the caller may retry the rest one
 * by one), or -errno when the process cannot be read at all (-ESRCH,
 * -EPERM). */
int fp__mem_readv(fp__mem_t *m, const fp__mem_iov_t *v, size_t n);

#endif /* FP_MEMREAD_H */
