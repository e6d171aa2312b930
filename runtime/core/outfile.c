/*
 * outfile.c: temporary-name-then-rename output, and full writes.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/outfile.h"

/* The temporary file being written, kept where a signal handler can read
 * it (fp__outfile_remove_temporary). */
static char temporary[4096 + 32];
static volatile sig_atomic_t temporary_named;

/* Writes all of data to fd, retrying short writes. */
int
fp__write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		if (n == 0)
			return EIO;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Records the name of the temporary file just created. */
static void
name_temporary(const char *tmp)
{
	size_t n = strlen(tmp);

	temporary_named = 0;
	if (n < sizeof temporary) {
		memcpy(temporary, tmp, n + 1);
		temporary_named = 1;
	}
}

/* Creates a new file for template, a name ending in XXXXXX that is
 * filled in, with mode 0666 less the umask applied by the kernel (and a
 * directory's default ACL honoured), as a file made by open() would be:
 * mkstemp's 0600 would need the umask read back, and umask() can only be
 * read by changing it, which races with other threads creating files.
 * Returns the descriptor, or -1 with errno set. */
static int
create_temporary(char *template)
{
	static const char digits[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	static unsigned long counter;
	char *x = template + strlen(template) - 6;
	struct timespec ts;
	unsigned long v;
	int attempt, i, fd;

	for (attempt = 0; attempt < 1000; attempt++) {
		clock_gettime(CLOCK_REALTIME, &ts);
		v = (unsigned long)ts.tv_nsec * 2654435761ul ^
		    (unsigned long)ts.tv_sec ^ (unsigned long)getpid() << 20 ^
		    __atomic_add_fetch(&counter, 7919, __ATOMIC_RELAXED);
		for (i = 0; i < 6; i++, v /= 62)
			x[i] = digits[v % 62];
		fd = open(template, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
		    O_NOCTTY, 0666);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

/* Writes to something that is not a regular file, in place. */
static int
write_in_place(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY), err;

	if (fd < 0)
		return errno;
	err = fp__write_all(fd, data, len);
	if (close(fd) != 0 && err == 0)
		err = errno;
	return err;
}

/* Writes len bytes to path safely. */
int
fp__outfile_write(const char *path, const char *data, size_t len)
{
	struct stat st;
	char *tmp = NULL;
	int fd = -1, err = 0;

	if (path[0] == '\0')
		return ENOENT;
	if (strcmp(path, "-") == 0)
		return fp__write_all(STDOUT_FILENO, data, len);
	/* A regular file the user may not write is not replaced either,
	 * although the directory would allow the rename: its mode is its
	 * owner's say (a link is judged by what it points to, below). */
	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) != 0 &&
	    (errno == EACCES || errno == EROFS || errno == EPERM))
		return errno;
	/* Through a link only to a device or pipe the user named (/dev/stdout);
	 * a link to a regular file is replaced, never written through. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode))
			return EISDIR;
		return write_in_place(path, data, len);
	}
	/* The temporary file sits beside the target, under a short name of
	 * its own, so any legal target name works. */
	{
		const char *slash = strrchr(path, '/');
		int dirlen = slash ? (int)(slash - path) + 1 : 0;

		if (asprintf(&tmp, "%.*s.fullprof-XXXXXX", dirlen, path) < 0)
			return ENOMEM;
	}
	fd = create_temporary(tmp);
	if (fd < 0) {
		err = errno;
		free(tmp);
		return err;
	}
	name_temporary(tmp);
	if ((err = fp__write_all(fd, data, len)) != 0 || fsync(fd) != 0) {
		if (err == 0)
			err = errno;
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		err = errno;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		err = errno;
		goto fail;
	}
	temporary_named = 0;
	free(tmp);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	temporary_named = 0;
	unlink(tmp);
	free(tmp);
	return err;
}

/* Removes the temporary file being written, if any: for a handler about
 * to end the process mid-write (async-signal-safe). */
void
fp__outfile_remove_temporary(void)
{
	if (temporary_named)
		unlink(temporary);
}
