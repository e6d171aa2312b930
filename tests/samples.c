/*
 * samples.c: checks for runtime/sample/samples.c, folding synthetic stacks into
 * profile data: paths and counts, own versus total, recursion counted
 * once per sample, function specs (outermost selected frame up, "no data"
 * for the rest), thread records, sample counts in the metadata, and the
 * standard error of an estimate (runtime/core/pdata.c).
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "core/pdata.h"
#include "sample/samples.h"

/* Synthetic functions, as the stack reader would resolve them. */
static const fp__rcode_t f_main = { "/app/main.py", "main", "__main__", 1 };
static const fp__rcode_t f_work = { "/app/lib.py", "work", "lib", 10 };
static const fp__rcode_t f_spin = { "/app/lib.py", "Spinner.spin", "lib", 20 };
static const fp__rcode_t f_rec = { "/app/lib.py", "rec", "lib", 30 };

#define MS 1000000ll

/* Returns a fresh collection for a 1ms wall-clock sampler. */
static fp__samples_t *
new_samples(void)
{
	fp__meta_t meta;
	fp__samples_t *s;

	memset(&meta, 0, sizeof meta);
	meta.timer = "wall";
	meta.interval = MS;
	meta.pid = 42;
	s = fp__samples_new(&meta);
	ck_assert_ptr_nonnull(s);
	return s;
}

/* Returns the row called name in snap, or NULL. */
static const fp_row_t *
row_named(const fp_snapshot_t *snap, const char *name)
{
	size_t i;

	for (i = 0; i < snap->count; i++) {
		if (strcmp(snap->rows[i].name, name) == 0)
			return &snap->rows[i];
	}
	return NULL;
}

/* Adds a stack given innermost first. */
static void
add(fp__samples_t *s, uint64_t ident, fp_time_t weight, size_t n, ...)
{
	const fp__rcode_t *frames[16];
	va_list ap;
	size_t i;

	va_start(ap, n);
	for (i = 0; i < n; i++)
		frames[i] = va_arg(ap, const fp__rcode_t *);
	va_end(ap);
	ck_assert_int_eq(fp__samples_add(s, ident, 1000 + (int64_t)ident,
	    frames, n, weight), FP_OK);
}

/* Three samples on two paths: samples, own and total add up by function,
 * and the tree keeps one node per distinct path. */
START_TEST(test_fp__samples_add_paths)
{
	fp__samples_t *s = new_samples();
	fp__pdata_t *d;
	fp_snapshot_t *snap;
	const fp_row_t *r;

	add(s, 1, MS, 3, &f_spin, &f_work, &f_main);
	add(s, 1, MS, 3, &f_spin, &f_work, &f_main);
	add(s, 1, 2 * MS, 2, &f_work, &f_main);
	d = fp__samples_pdata(s, 10 * MS);
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(d->meta.mode, "sample");
	ck_assert_int_eq(d->meta.interval, MS);
	ck_assert_int_eq(d->meta.duration, 10 * MS);
	ck_assert_uint_eq(d->nthreads, 1);
	ck_assert_uint_eq(d->nnodes, 4);	/* root, main, work, spin */
	snap = fp__pdata_rows(d);
	ck_assert_ptr_nonnull(snap);
	r = row_named(snap, "main");
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->samples, 3);
	ck_assert_uint_eq(r->own_samples, 0);
	ck_assert_int_eq(r->total, 4 * MS);
	ck_assert_int_eq(r->own, 0);
	ck_assert_uint_eq(r->calls, 0);
	r = row_named(snap, "work");
	ck_assert_uint_eq(r->samples, 3);
	ck_assert_uint_eq(r->own_samples, 1);
	ck_assert_int_eq(r->own, 2 * MS);
	ck_assert_int_eq(r->total, 4 * MS);
	r = row_named(snap, "Spinner.spin");
	ck_assert_uint_eq(r->samples, 2);
	ck_assert_uint_eq(r->own_samples, 2);
	ck_assert_int_eq(r->own, 2 * MS);
	ck_assert_str_eq(r->file, "/app/lib.py");
	ck_assert_int_eq(r->line, 20);
	fp_snapshot_free(snap);
	fp__pdata_free(d);
	fp__samples_free(s);
}
END_TEST

/* A function several times on one stack counts once in samples and total
 * (like a traced recursive call), and its innermost frame takes own. */
START_TEST(test_fp__samples_add_recursion_once)
{
	fp__samples_t *s = new_samples();
	fp__pdata_t *d;
	fp_snapshot_t *snap;
	const fp_row_t *r;

	add(s, 1, MS, 4, &f_rec, &f_rec, &f_rec, &f_main);
	add(s, 1, MS, 2, &f_rec, &f_main);
	d = fp__samples_pdata(s, 2 * MS);
	snap = fp__pdata_rows(d);
	r = row_named(snap, "rec");
	ck_assert_uint_eq(r->samples, 2);
	ck_assert_uint_eq(r->own_samples, 2);
	ck_assert_int_eq(r->total, 2 * MS);
	ck_assert_int_eq(r->own, 2 * MS);
	fp_snapshot_free(snap);
	fp__pdata_free(d);
	fp__samples_free(s);
}
END_TEST

/* Threads are kept apart, named "Thread <native id>" until named. */
START_TEST(test_fp__samples_threads)
{
	fp__samples_t *s = new_samples();
	fp__pdata_t *d;

	add(s, 7, MS, 1, &f_main);
	add(s, 9, MS, 1, &f_main);
	add(s, 7, MS, 1, &f_main);
	add(s, 9, MS, 0);		/* no Python frame: nothing */
	ck_assert_int_eq(fp__samples_name_thread(s, 9, "worker"), FP_OK);
	d = fp__samples_pdata(s, 3 * MS);
	ck_assert_uint_eq(d->nthreads, 2);
	ck_assert_uint_eq(d->threads[0].ident, 7);
	ck_assert_int_eq(d->threads[0].native_id, 1007);
	ck_assert_str_eq(d->threads[0].name, "Thread 1007");
	ck_assert_str_eq(d->threads[1].name, "worker");
	ck_assert_uint_eq(d->threads[0].pid, 42);
	fp__pdata_free(d);
	fp__samples_free(s);
}
END_TEST

/* With specs, a sample counts from its outermost selected frame up;
 * samples without one are left out, and unmatched specs are no-data. */
START_TEST(test_fp__samples_specs)
{
	static const char *const specs[] = { "lib:work", "nothing_*" };
	fp__samples_t *s = new_samples();
	fp__pdata_t *d;
	fp_snapshot_t *snap;
	const fp_row_t *r;

	ck_assert_int_eq(fp__samples_set_specs(s, specs, 2), FP_OK);
	add(s, 1, MS, 3, &f_spin, &f_work, &f_main);
	add(s, 1, MS, 1, &f_main);
	add(s, 1, MS, 2, &f_rec, &f_main);
	d = fp__samples_pdata(s, 3 * MS);
	snap = fp__pdata_rows(d);
	ck_assert_ptr_null(row_named(snap, "main"));
	ck_assert_ptr_null(row_named(snap, "rec"));
	r = row_named(snap, "work");
	ck_assert_uint_eq(r->samples, 1);
	ck_assert_int_eq(r->total, MS);
	r = row_named(snap, "Spinner.spin");
	ck_assert_uint_eq(r->own_samples, 1);
	r = row_named(snap, "nothing_*");
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->no_data, 1);
	fp_snapshot_free(snap);
	fp__pdata_free(d);
	/* Changing the specs applies from the next sample on. */
	ck_assert_int_eq(fp__samples_set_specs(s, NULL, 0), FP_OK);
	add(s, 1, MS, 1, &f_main);
	d = fp__samples_pdata(s, 4 * MS);
	snap = fp__pdata_rows(d);
	ck_assert_uint_eq(row_named(snap, "main")->samples, 1);
	ck_assert_uint_eq(d->nno_data, 0);
	fp_snapshot_free(snap);
	fp__pdata_free(d);
	fp__samples_free(s);
}
END_TEST

/* Ticks: requested counts the ticks asked for (late ones included),
 * taken those read; clear forgets samples and counts. */
START_TEST(test_fp__samples_tick_and_clear)
{
	fp__samples_t *s = new_samples();
	fp__pdata_t *d;

	fp__samples_tick(s, 1, 1, 0);
	fp__samples_tick(s, 3, 1, 0);	/* two ticks missed */
	fp__samples_tick(s, 1, 0, MS);	/* unreadable: its ms uncovered */
	fp__samples_tick(s, 12, 1, 2 * MS);	/* 10ms late: 8 covered */
	add(s, 1, MS, 1, &f_main);
	d = fp__samples_pdata(s, 17 * MS);
	ck_assert_uint_eq(d->meta.samples_requested, 17);
	ck_assert_uint_eq(d->meta.samples_taken, 3);
	ck_assert_uint_eq(d->meta.samples_dropped, 14);
	ck_assert_int_eq(d->meta.samples_uncovered, 3 * MS);
	fp__pdata_free(d);
	fp__samples_clear(s);
	d = fp__samples_pdata(s, 0);
	ck_assert_uint_eq(d->meta.samples_requested, 0);
	ck_assert_int_eq(d->meta.samples_uncovered, 0);
	ck_assert_uint_eq(d->nnodes, 0);
	ck_assert_int_eq(d->meta.interval, MS);
	fp__pdata_free(d);
	fp__samples_free(s);
}
END_TEST

/* A record the reader reuses for another function (same pointer, other
 * strings) makes a function of its own. */
START_TEST(test_fp__samples_reused_record)
{
	fp__samples_t *s = new_samples();
	fp__rcode_t code = { "/app/a.py", "first", "a", 1 };
	const fp__rcode_t *frames[1] = { &code };
	fp__pdata_t *d;
	fp_snapshot_t *snap;

	ck_assert_int_eq(fp__samples_add(s, 1, 1, frames, 1, MS), FP_OK);
	code.name = "second";
	code.line = 5;
	ck_assert_int_eq(fp__samples_add(s, 1, 1, frames, 1, MS), FP_OK);
	d = fp__samples_pdata(s, 2 * MS);
	snap = fp__pdata_rows(d);
	ck_assert_uint_eq(row_named(snap, "first")->samples, 1);
	ck_assert_uint_eq(row_named(snap, "second")->samples, 1);
	ck_assert_int_eq(row_named(snap, "second")->line, 5);
	fp_snapshot_free(snap);
	fp__pdata_free(d);
	fp__samples_free(s);
}
END_TEST

/* The standard error: sqrt(n) samples of one interval each, i.e.
 * estimate / sqrt(n); 0 without samples. */
START_TEST(test_fp__sample_error)
{
	/* Unknown share (of 0): the Poisson error, sqrt(n) samples of the
	 * mean weight. */
	ck_assert_int_eq(fp__sample_error(0, 0, 0), 0);
	ck_assert_int_eq(fp__sample_error(100 * MS, 100, 0), 10 * MS);
	ck_assert_int_le(llabs(fp__sample_error(1350 * MS, 1350, 0) -
	    (fp_time_t)(sqrt(1350.0) * MS)), 1);
	ck_assert_int_eq(fp__sample_error(MS, 1, 0), MS);
	/* Binomial: in every one of the thread's samples, no error; in half
	 * of 400, sqrt(200 * 0.5) = 10 samples' worth. */
	ck_assert_int_eq(fp__sample_error(400 * MS, 400, 400), 0);
	ck_assert_int_eq(fp__sample_error(200 * MS, 200, 400), 10 * MS);
	/* More samples than the thread had (merged profiles): Poisson. */
	ck_assert_int_eq(fp__sample_error(100 * MS, 100, 50), 10 * MS);
}
END_TEST

/* The suite. */
Suite *
suite_samples(void)
{
	Suite *s = suite_create("samples");
	TCase *tc = tcase_create("fp__samples_add");

	tcase_add_test(tc, test_fp__samples_add_paths);
	tcase_add_test(tc, test_fp__samples_add_recursion_once);
	tcase_add_test(tc, test_fp__samples_threads);
	tcase_add_test(tc, test_fp__samples_specs);
	tcase_add_test(tc, test_fp__samples_reused_record);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__samples_tick");
	tcase_add_test(tc, test_fp__samples_tick_and_clear);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__sample_error");
	tcase_add_test(tc, test_fp__sample_error);
	suite_add_tcase(s, tc);
	return s;
}
