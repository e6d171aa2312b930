/*
 * fixture-pdata.h: profile data built by hand for the writers' suites
 * (pstats, callgrind, collapsed): one thread, plain metadata, and a small
 * call tree with a builtin and a recursive function, traced or sampled.
 */
#ifndef FP_TEST_FIXTURE_PDATA_H
#define FP_TEST_FIXTURE_PDATA_H

#include "report/formats.h"
#include "core/pdata.h"

#define MS 1000000LL	/* nanoseconds */

/* Returns empty profile data (argv "app.py --n 3", pid 4242, Python 3.11.2)
 * with one thread, MainThread. */
fp__pdata_t *fixture_new_data(void);

/* Adds a node under parent with calls, own and total, and returns it. */
uint32_t fixture_node(fp__pdata_t *d, uint32_t parent, uint32_t func,
    uint64_t calls, fp_time_t own, fp_time_t total);

/* Returns the small tree: main (1 call, own 0.5s, total 4s) calls
 * time.sleep twice (1s) and rec once (own 0.25s, total 2.5s); rec calls
 * itself 3 times (own 0.25s) and the innermost calls time.sleep (2s). */
fp__pdata_t *fixture_small_tree(void);

/* Returns the small tree as a statistical profile (wall timer, a sample
 * every 1ms, 4010 requested, 4000 taken, 10 dropped, over 4.01s), one
 * sample standing for 1ms: main (4000 samples, 500 at the top) calls
 * time.sleep (1000, all at the top) and rec (2500, 250 at the top); rec
 * calls itself (a recursive path: no samples of its own on the stack, 250
 * at the top), which calls time.sleep (2000, all at the top). The -F
 * spec "never_called" has no data. */
fp__pdata_t *fixture_sampled_tree(void);

/* Renders d with render into b (initialised here), checks that it
 * succeeded without running out of memory, and frees d. An empty profile
 * may render to nothing. */
void fixture_render(fp__buf_t *b, fp__pdata_t *d, fp__render_fn render);

#endif
