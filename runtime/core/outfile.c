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
	mode_t mask;

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
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = errno;
		free(tmp);
		return err;
	}
	name_temporary(tmp);
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) != 0 ||
	    (err = fp__write_all(fd, data, len)) != 0 || fsync(fd) != 0) {
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
