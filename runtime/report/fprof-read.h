/*
 * fprof-read.h: reading fullprof's own .fprof files (the format is
 * described at the top of report/fprof.c, which writes them) back into
 * profile data, from memory or from a file. The reader trusts nothing in
 * its input: whatever the bytes, it either returns profile data that every
 * writer can render or one line saying what is wrong and where.
 *
 * Ownership: on success the caller owns *out and releases it with
 * fp__pdata_free; on failure *out is NULL and nothing is left allocated.
 */
#ifndef FP_FPROF_READ_H
#define FP_FPROF_READ_H

#include <stddef.h>
#include <stdint.h>

#include "core/pdata.h"

#define FP__FPROF_VERSION 1		/* the version this fullprof reads
					 * and writes */
#define FP__FPROF_MAX_LINE (16u << 20)	/* longest line accepted, bytes */
#define FP__FPROF_LIMIT ((uint64_t)1 << 62) /* largest magnitude of a
					 * profile (see fp__fprof_magnitude) */

/* Parses the len bytes of a .fprof document at data into *out. Returns
 * FP_OK; FP_ERR_INVAL when the document is malformed, truncated or of
 * another version, with one line in err ("line 12: node 7 has unknown
 * parent 99", "truncated: no end line"); or FP_ERR_NOMEM. */
int fp__fprof_read(const char *data, size_t len, fp__pdata_t **out,
    char *err, size_t errlen);

/* Reads the file at path and parses it as fp__fprof_read does; returns
 * FP_ERR_IO with the system's reason in err when it cannot be read. */
int fp__fprof_read_file(const char *path, fp__pdata_t **out, char *err,
    size_t errlen);

/* Returns the magnitude of d: the largest, over the figures that add up
 * when profiles merge (calls, own, total, suspended, sum, and the
 * duration), of the sum of their absolute values over every node. While
 * the magnitudes of merged profiles add up to at most FP__FPROF_LIMIT, no
 * figure and no per-function sum of one can overflow. */
uint64_t fp__fprof_magnitude(const fp__pdata_t *d);

#endif /* FP_FPROF_READ_H */
