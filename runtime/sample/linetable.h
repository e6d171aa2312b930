/*
 * linetable.h: the line a code unit of a code object runs, from the bytes
 * of its location table (co_linetable, CPython 3.11 and later).
 *
 * Ownership: the caller owns the table bytes; nothing is kept.
 */
#ifndef FP_LINETABLE_H
#define FP_LINETABLE_H

#include <stddef.h>
#include <stdint.h>

/* Returns the line of code unit unit (an index into co_code_adaptive, in
 * 2-byte units) of a code object whose first line is first, from its
 * location table p[0..len); -1 when the table ends before the unit, the
 * unit has no location, or the table is malformed. */
int fp__linetable_line(const unsigned char *p, size_t len, int first,
    uint64_t unit);

#endif /* FP_LINETABLE_H */
