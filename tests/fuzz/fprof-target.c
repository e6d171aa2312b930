/*
 * fprof-target.c: the body of the .fprof fuzz target, shared by the
 * libFuzzer harness (fuzz-fprof.c) and the corpus replay run by
 * `make check` (replay.c). Besides not crashing, it checks what the reader
 * promises: a refusal is one non-empty line and leaves nothing behind; an
 * accepted input writes back as a file that reads again into the same
 * bytes; the profile merges with itself; every registered format renders
 * it (a format may refuse, but must not crash).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/formats.h"
#include "report/fprof-read.h"
#include "fprof-target.h"

/* Stops the process with a message: an invariant is broken. */
static void
broken(const char *what, const char *detail)
{
	fprintf(stderr, "fprof-target: %s%s%s\n", what, detail ? ": " : "",
	    detail ? detail : "");
	abort();
}

/* Renders d in every registered format, with and without options. */
static void
render_all(const fp__pdata_t *d)
{
	fp__render_opts_t plain = { FP__SORT_TOTAL, 0, NULL, NULL, 0, 0, 0 };
	fp__render_opts_t shaped = { FP__SORT_NAME, 3, "/", "/usr/lib/python3",
	    200, 0.05, 1000 };
	const fp__format_t *f;
	fp__buf_t out;
	size_t i;

	for (i = 0; (f = fp__format_at(i)) != NULL; i++) {
		fp__buf_init(&out);
		f->render(&out, d, &plain);
		fp__buf_free(&out);
		fp__buf_init(&out);
		f->render(&out, d, &shaped);
		fp__buf_free(&out);
	}
}

/* Renders d as a .fprof file into out; aborts when it cannot. */
static void
write_fprof(const fp__pdata_t *d, fp__buf_t *out)
{
	fp__render_opts_t o = { FP__SORT_TOTAL, 0, NULL, NULL, 0, 0, 0 };

	fp__buf_init(out);
	if (fp__render_fprof(out, d, &o) != FP_OK || out->nomem)
		broken("an accepted profile does not write back", NULL);
}

/* Feeds one input to the reader and checks what it returns. */
int
fp_fuzz_fprof(const uint8_t *data, size_t len)
{
	fp__pdata_t *d = (fp__pdata_t *)1, *again = NULL, *merged;
	fp__buf_t first, second;
	fp__meta_t meta;
	char err[512];
	int rc;

	memset(err, 'x', sizeof err);
	rc = fp__fprof_read((const char *)data, len, &d, err, sizeof err);
	if (rc != FP_OK) {
		if (d != NULL)
			broken("a refusal left a profile behind", NULL);
		if (rc != FP_ERR_INVAL && rc != FP_ERR_NOMEM)
			broken("unexpected return code", fp_strerror(rc));
		if (memchr(err, '\0', sizeof err) == NULL || err[0] == '\0' ||
		    strchr(err, '\n') != NULL)
			broken("the error is not one line", err);
		return 0;
	}
	write_fprof(d, &first);
	rc = fp__fprof_read(first.data, first.len, &again, err, sizeof err);
	if (rc != FP_OK)
		broken("what was written does not read back", err);
	write_fprof(again, &second);
	if (first.len != second.len || memcmp(first.data, second.data,
	    first.len) != 0)
		broken("the round trip changed the file", NULL);
	fp__buf_free(&first);
	fp__buf_free(&second);
	render_all(d);
	/* As "fullprof report" does: only while the magnitudes add up to at
	 * most the limit (twice the limit can pass INT64_MAX), into a profile
	 * that starts from nothing (pdata_new copies the duration). */
	meta = d->meta;
	meta.duration = 0;
	meta.lost = 0;
	merged = fp__pdata_new(&meta);
	if (merged == NULL || fp__pdata_merge(merged, d) != FP_OK ||
	    (fp__fprof_magnitude(d) <= FP__FPROF_LIMIT / 2 &&
	    fp__pdata_merge(merged, again) != FP_OK))
		broken("cannot merge", NULL);
	if (fp__fprof_magnitude(merged) > FP__FPROF_LIMIT)
		broken("the merge grew more than the sum of its parts", NULL);
	render_all(merged);
	fp__pdata_free(merged);
	fp__pdata_free(again);
	fp__pdata_free(d);
	return 1;
}
