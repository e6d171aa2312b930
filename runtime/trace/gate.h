/*
 * gate.h: keeps the tracer's frame hook off while a filter is in force and
 * no selected function runs.
 *
 * With a frame hook installed CPython stops inlining Python-to-Python
 * calls, which costs every call of the program about a third of its time,
 * recorded or not. Under a filter only what selected functions do is
 * recorded, so the gate gives every function object of a selected
 * function a vectorcall of its own: calling one switches the hook on,
 * and the hook goes off again once no recorded segment runs or waits in
 * any thread. Function watchers (3.12 and later) tell it of functions
 * created later. Generators made by selected functions, and code that is
 * evaluated without a call (class bodies), keep the hook on while they
 * can still run. On 3.11 there are no function watchers: fp__gate_begin
 * declines and the hook stays on.
 *
 * Everything here runs under the GIL. The gate holds weak references
 * only; the objects it watches keep their own lifetimes.
 */
#ifndef FP_GATE_H
#define FP_GATE_H

#include "core/filter.h"

/* Installs (on non-zero) or removes the frame hook. */
typedef void (*fp__gate_hook_fn)(int on);

/* Returns non-zero when no recorded segment runs or waits anywhere. */
typedef int (*fp__gate_idle_fn)(void);

/* Starts gating the functions that filter selects (it must outlive the
 * gating); the hook is on when this is called. Returns 1 when gating is in
 * force, 0 when the hook must simply stay on (3.11, or no memory). */
int fp__gate_begin(const fp__filter_t *filter, fp__gate_hook_fn hook,
    fp__gate_idle_fn idle);

/* Re-reads a changed filter: gates the functions it now selects, releases
 * the others. */
void fp__gate_refilter(const fp__filter_t *filter);

/* Removes the hook if nothing needs it any more. */
void fp__gate_maybe_off(void);

/* Stops gating: every gated function gets its own vectorcall back. The
 * hook is left as it is. */
void fp__gate_end(void);

/* Returns non-zero while gating is in force. */
int fp__gate_active(void);

#endif /* FP_GATE_H */
