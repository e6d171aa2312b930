/*
 * taskread.h: which asyncio coroutine an idle event loop is waiting for,
 * read without the GIL.
 *
 * A thread idle in its event loop's select() is, for the profile, time
 * spent waiting in some coroutine's await. Once (with the GIL) the task
 * reader finds asyncio's registry of live tasks and learns where a C
 * _asyncio.Task keeps its loop and its coroutine; from then on, without
 * the GIL, it picks a random task of the idle loop that is suspended at an
 * await and follows the chain of awaited coroutines through their frames,
 * with the stack reader's memory accessor and code cache. Tasks of other
 * classes (pure-Python tasks, other task factories) are not seen.
 *
 * In-process only. Ownership: the task reader holds strong references to
 * the registry (a weakref.WeakSet) and its .data set, dropped by
 * fp__taskread_free(); the chain entries belong to the stack reader.
 */
#ifndef FP_TASKREAD_H
#define FP_TASKREAD_H

#include <stddef.h>
#include <stdint.h>

#include "sample/stackread.h"

typedef struct fp__taskread fp__taskread_t;

/* Returns a task reader that knows nothing yet, or NULL on ENOMEM. Does
 * not need the GIL. */
fp__taskread_t *fp__taskread_new(void);

/* Needs the GIL. Finds asyncio's registry of live tasks if asyncio.tasks
 * is imported (3.11: asyncio.tasks._all_tasks; 3.12/3.13:
 * asyncio.tasks._scheduled_tasks) and learns the offsets of the loop and
 * the coroutine inside a C _asyncio.Task object from a live task. Returns
 * 0 when everything is known (at once on later calls), -EAGAIN when
 * asyncio is not imported yet or there is no task to learn from (call
 * again later), other -errno on failure. A pending Python exception is
 * left as it was. */
int fp__taskread_discover(fp__taskread_t *t);

/* GIL-free: fills chain[0..*n) with the await chain of one task of loop
 * `loop` that is suspended at an await, OUTERMOST coroutine first, chosen
 * at random (`random` seeds the choice) among the loop's waiting tasks,
 * approximately uniformly, in O(1) expected reads. The chain follows each
 * suspended coroutine's awaited object while it is a coroutine or
 * generator and stops at anything else (a Future). 0, -ENOENT when no
 * task waits (or none was found), -EAGAIN before a successful
 * fp__taskread_discover(), -ESRCH when memory cannot be read at all. */
int fp__taskread_waiting_chain(fp__taskread_t *t, fp__stackreader_t *r,
    uint64_t loop, uint64_t random, const fp__rcode_t **chain, size_t max,
    size_t *n);

/* Needs the GIL (drops the references). NULL accepted. */
void fp__taskread_free(fp__taskread_t *t);

#endif /* FP_TASKREAD_H */
