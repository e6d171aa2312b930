/*
 * suites.h: the Check suites, one per runtime module, run by
 * check_fullprof.c.
 */
#ifndef FP_TEST_SUITES_H
#define FP_TEST_SUITES_H

#include <check.h>

Suite *suite_accounting(void);
Suite *suite_buf(void);
Suite *suite_calltree(void);
Suite *suite_capi(void);
Suite *suite_clock(void);
Suite *suite_fprof(void);
Suite *suite_hash(void);
Suite *suite_outfile(void);
Suite *suite_procfind(void);
Suite *suite_report_callgrind(void);
Suite *suite_report_collapsed(void);
Suite *suite_report_json(void);
Suite *suite_report_pstats(void);
Suite *suite_report_speedscope(void);
Suite *suite_report_svg(void);
Suite *suite_report_table(void);
Suite *suite_samples(void);
Suite *suite_snapshot(void);
Suite *suite_stackread(void);
Suite *suite_timeline(void);
Suite *suite_utf8(void);

#endif
