/*
 * timeline.c: checks for runtime/trace/timeline.c: the threshold keeps short
 * events out, the cap counts what it drops, and events keep their order.
 */
#include "config.h"

#include "suites.h"
#include "trace/timeline.h"

START_TEST(test_fp__timeline_add_threshold)
{
	fp__timeline_t *tl = fp__timeline_new(10, 100);

	ck_assert_ptr_nonnull(tl);
	fp__timeline_add(tl, 1, FP__EVENT_RUN, 0, 9);	/* too short */
	fp__timeline_add(tl, 2, FP__EVENT_RUN, 5, 15);	/* exactly 10 */
	fp__timeline_add(tl, 3, FP__EVENT_ACTIVATION, 0, 100);
	ck_assert_uint_eq(tl->count, 2);
	ck_assert_uint_eq(tl->events[0].node, 2);
	ck_assert_int_eq(tl->events[0].start, 5);
	ck_assert_int_eq(tl->events[0].end, 15);
	ck_assert_uint_eq(tl->events[1].kind, FP__EVENT_ACTIVATION);
	ck_assert_uint_eq(tl->dropped, 0);
	fp__timeline_free(tl);
}
END_TEST

START_TEST(test_fp__timeline_add_cap)
{
	fp__timeline_t *tl = fp__timeline_new(0, 5000);
	uint32_t i;

	ck_assert_ptr_nonnull(tl);
	for (i = 0; i < 6000; i++)
		fp__timeline_add(tl, i, FP__EVENT_RUN, i, i + 1);
	ck_assert_uint_eq(tl->count, 5000);
	ck_assert_uint_eq(tl->dropped, 1000);
	ck_assert_uint_eq(tl->events[4999].node, 4999);
	fp__timeline_free(tl);
	fp__timeline_free(NULL);
}
END_TEST

/* Returns the suite of runtime/trace/timeline.c. */
Suite *
suite_timeline(void)
{
	Suite *s = suite_create("timeline");
	TCase *tc = tcase_create("fp__timeline");

	tcase_add_test(tc, test_fp__timeline_add_threshold);
	tcase_add_test(tc, test_fp__timeline_add_cap);
	suite_add_tcase(s, tc);
	return s;
}
