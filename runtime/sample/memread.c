/*
 * memread.c: all-or-nothing reads of a process's memory with
 * process_vm_readv(2).
 *
 * The kernel copies what it can and stops at the first page it cannot
 * read; a short count therefore means "unmapped" and is reported as
 * -EFAULT, never as a partial result.
 */
#include "config.h"

#define _GNU_SOURCE 1
#include <errno.h>
#include <sys/uio.h>
#include <unistd.h>

#include "sample/memread.h"

/* At most this many iovecs per call (the kernel's UIO_MAXIOV). */
#define BATCH 1024

/* Sets up m to read process pid. */
void
fp__mem_init(fp__mem_t *m, int pid)
{
	m->pid = pid;
	m->reads = 0;
	m->failures = 0;
}

/* Reads len bytes at addr into dst: 0 or -errno, never a partial read. */
int
fp__mem_read(fp__mem_t *m, uint64_t addr, void *dst, size_t len)
{
	struct iovec local, remote;
	ssize_t got;

	if (len == 0)
		return 0;
	if (addr == 0 || addr + len < addr) {
		m->failures++;
		return -EFAULT;
	}
	local.iov_base = dst;
	local.iov_len = len;
	remote.iov_base = (void *)(uintptr_t)addr;
	remote.iov_len = len;
	m->reads++;
	got = process_vm_readv(m->pid, &local, 1, &remote, 1, 0);
	if (got == (ssize_t)len)
		return 0;
	m->failures++;
	if (got >= 0)
		return -EFAULT;
	return errno == ESRCH || errno == EPERM || errno == ENOMEM ?
	    -errno : -EFAULT;
}

/* Reads a batch of requests; returns how many leading ones were read
 * entirely, or -errno when the process cannot be read at all. */
int
fp__mem_readv(fp__mem_t *m, const fp__mem_iov_t *v, size_t n)
{
	struct iovec local[BATCH], remote[BATCH];
	size_t done = 0, i, k;
	ssize_t got;

	while (done < n) {
		k = n - done < BATCH ? n - done : BATCH;
		for (i = 0; i < k; i++) {
			const fp__mem_iov_t *r = &v[done + i];

			if (r->addr == 0 || r->addr + r->len < r->addr)
				break;
			local[i].iov_base = r->dst;
			local[i].iov_len = r->len;
			remote[i].iov_base = (void *)(uintptr_t)r->addr;
			remote[i].iov_len = r->len;
		}
		k = i;
		if (k == 0)
			break;
		m->reads++;
		got = process_vm_readv(m->pid, local, k, remote, k, 0);
		if (got < 0) {
			m->failures++;
			if (errno == ESRCH || errno == EPERM)
				return -errno;
			break;
		}
		/* Count the requests the bytes read cover entirely. */
		for (i = 0; i < k && (size_t)got >= local[i].iov_len; i++)
			got -= (ssize_t)local[i].iov_len;
		done += i;
		if (i < k) {
			m->failures++;
			break;
		}
	}
	return (int)done;
}
