/*
 * check_fullprof.c: the one runner of every Check suite.
 */
#include "config.h"

#include <stdlib.h>

#include "suites.h"

/* Runs every suite and returns non-zero if any check failed. */
int
main(void)
{
	SRunner *sr = srunner_create(suite_accounting());
	int failed;

	srunner_add_suite(sr, suite_buf());
	srunner_add_suite(sr, suite_calltree());
	srunner_add_suite(sr, suite_capi());
	srunner_add_suite(sr, suite_clock());
	srunner_add_suite(sr, suite_fprof());
	srunner_add_suite(sr, suite_hash());
	srunner_add_suite(sr, suite_outfile());
	srunner_add_suite(sr, suite_procfind());
	srunner_add_suite(sr, suite_report_callgrind());
	srunner_add_suite(sr, suite_report_collapsed());
	srunner_add_suite(sr, suite_report_json());
	srunner_add_suite(sr, suite_report_pstats());
	srunner_add_suite(sr, suite_report_speedscope());
	srunner_add_suite(sr, suite_report_svg());
	srunner_add_suite(sr, suite_report_table());
	srunner_add_suite(sr, suite_samples());
	srunner_add_suite(sr, suite_snapshot());
	srunner_add_suite(sr, suite_stackread());
	srunner_add_suite(sr, suite_timeline());
	srunner_add_suite(sr, suite_utf8());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
