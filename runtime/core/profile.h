/*
 * profile.h: the internals of fp_profile_t shared by the launcher and the
 * Python module: metadata capture and the report-writing entry point.
 *
 * Ownership: a profile owns its accounting, filter, metadata and timeline;
 * fp_profile_free releases them, and each snapshot or profile data it
 * returns belongs to the caller.
 */
#ifndef FP_PROFILE_H
#define FP_PROFILE_H

#include "trace/accounting.h"
#include "core/filter.h"
#include "report/report.h"

struct fp_profile {
	fp_options_t opts;
	fp__acct_t acct;
	int running;
	fp_time_t started;	/* monotonic, at the last start */
	fp_time_t duration;	/* of the earlier runs */
	fp__meta_t meta;	/* python, argv: captured at the first start */
	fp__filter_t filter;	/* functions recording is restricted to */
	struct fp__sampler *sampler; /* statistical mode, once started */
};

/* Records the program's command line for the metadata (instead of
 * sys.argv at the first start); returns FP_OK or FP_ERR_NOMEM. */
int fp__profile_set_argv(fp_profile_t *p, int argc, char *const *argv);

/* Records a timeline (for the trace format) from the next start on,
 * keeping events of at least min_ns; returns FP_OK or FP_ERR_NOMEM. */
int fp__profile_record_timeline(fp_profile_t *p, fp_time_t min_ns);

/* Returns non-zero when the profile holds any figure. */
int fp__profile_has_data(const fp_profile_t *p);

/* Changes the timer of a profile that holds no figures; returns FP_OK,
 * FP_ERR_STATE (it holds figures or is running) or FP_ERR_INVAL. */
int fp__profile_set_timer(fp_profile_t *p, const fp_options_t *opts);

/* Switches a profile that holds no figures to sampling every interval ns
 * (0: tracing); returns FP_OK, FP_ERR_STATE (it holds figures or runs) or
 * FP_ERR_INVAL (an interval out of range, or a timer sampling cannot
 * use). */
int fp__profile_set_sampling(fp_profile_t *p, fp_time_t interval);

/* Takes a snapshot with metadata, closing open activations in the copy;
 * NULL on ENOMEM. */
fp_snapshot_t *fp__profile_snapshot(fp_profile_t *p);

/* Copies the figures so far into profile data (open activations closed
 * as of now in the copy); NULL on ENOMEM. */
struct fp__pdata *fp__profile_data(fp_profile_t *p);

/* Renders d in format and writes it to path ("-": standard output); on
 * failure returns an FP_ERR_* code and sets *sys_errno when the cause is
 * the system's. */
int fp__pdata_write(const struct fp__pdata *d, const char *format,
    const char *path, const fp__render_opts_t *o, int *sys_errno);

/* fp__profile_data then fp__pdata_write. */
int fp__profile_write(fp_profile_t *p, const char *format, const char *path,
    const fp__render_opts_t *o, int *sys_errno);

#endif /* FP_PROFILE_H */
