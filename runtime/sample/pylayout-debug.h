/*
 * pylayout-debug.h: the layout of a Python 3.13+ interpreter in another
 * process, from the _Py_DebugOffsets record its _PyRuntime starts with.
 *
 * From 3.13 on CPython publishes, at the start of _PyRuntime, the offsets
 * an out-of-process debugger needs ("xdebugpy" cookie, the version, then
 * one group of offsets per structure). fullprof attach uses them for a
 * target of another minor version than the one it was built for. The
 * record's own shape changes between minor versions, so it is read by a
 * table per known version (3.13 today); the few offsets the reader needs
 * and the record lacks are derived from fields it does have, after
 * checking that those sit where that version's headers put them. A
 * version fullprof does not know is refused, never guessed at.
 *
 * The type addresses of the layout are left 0: the caller fills them in
 * from the target's symbols (procfind.h).
 */
#ifndef FP_PYLAYOUT_DEBUG_H
#define FP_PYLAYOUT_DEBUG_H

#include <stddef.h>
#include <stdint.h>

#include "sample/memread.h"
#include "sample/pylayout.h"

/* Fills out from the _Py_DebugOffsets at the start of the target's
 * _PyRuntime (at runtime_addr). Returns 0, or a negative errno value:
 * -EPROTO when there is no "xdebugpy" cookie (before 3.13, or not
 * _PyRuntime), -ENOTSUP for a version whose record fullprof cannot read
 * (3.14 and later today) or a free-threaded build, -EINVAL when the
 * offsets are not those of the version they claim, or what fp__mem_read
 * returned when the record cannot be read. */
int fp__pylayout_from_debug_offsets(fp__mem_t *m, uint64_t runtime_addr,
    fp__pylayout_t *out);

/* Does the work of fp__pylayout_from_debug_offsets on the len bytes of a
 * record already read (for the tests); same results. */
int fp__pylayout_from_debug_bytes(const void *raw, size_t len,
    fp__pylayout_t *out);

#endif /* FP_PYLAYOUT_DEBUG_H */
