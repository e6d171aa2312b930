/*
 * outfile.h: writing an output file safely. A regular file is written
 * under a new temporary name in its directory (created exclusively, so a
 * planted symlink is never followed), with the user's umask, flushed, and
 * renamed over the target only when complete. A regular file the user may
 * not write is left alone (EACCES). Devices and pipes ("-", /dev/stdout,
 * a FIFO) are written in place.
 *
 * Ownership: the caller keeps the data and the path; nothing here keeps a
 * pointer past the call.
 */
#ifndef FP_OUTFILE_H
#define FP_OUTFILE_H

#include <stddef.h>

/* Writes len bytes to path ("-" is standard output); returns 0 or an errno
 * value describing why the file could not be written. */
int fp__outfile_write(const char *path, const char *data, size_t len);

/* Writes all of data to fd, retrying short writes; returns 0 or errno. */
int fp__write_all(int fd, const char *data, size_t len);

/* Removes the temporary file of a write in progress, if any, so that a
 * process ended by a signal mid-write leaves nothing behind. Safe to call
 * from a signal handler. */
void fp__outfile_remove_temporary(void);

#endif /* FP_OUTFILE_H */
