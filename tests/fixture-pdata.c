/*
 * fixture-pdata.c: the hand-built profile data the writers' suites share.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "fixture-pdata.h"

static char *app_argv[] = { "app.py", "--n", "3", NULL };

/* Returns empty profile data with plain metadata and one thread. */
fp__pdata_t *
fixture_new_data(void)
{
	fp__meta_t meta;
	fp__pdata_t *d;

	memset(&meta, 0, sizeof meta);
	meta.mode = "trace";
	meta.timer = "wall";
	meta.python = "3.11.2";
	meta.pid = 4242;
	meta.argc = 3;
	meta.argv = app_argv;
	d = fp__pdata_new(&meta);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_ne(fp__pdata_add_thread(d, 1, 1, "MainThread", 4242),
	    FP__NONE);
	return d;
}

/* Adds a node under parent with calls, own and total, and returns it. */
uint32_t
fixture_node(fp__pdata_t *d, uint32_t parent, uint32_t func, uint64_t calls,
    fp_time_t own, fp_time_t total)
{
	fp__stats_t s;
	uint32_t n;

	fp__stats_init(&s);
	s.calls = calls;
	s.own = own;
	s.total = total;
	s.sum = total ? total : own;
	s.min = s.max = calls ? s.sum / (fp_time_t)calls : 0;
	n = fp__pdata_add_node(d, parent, func, &s);
	ck_assert_uint_ne(n, FP__NONE);
	return n;
}

/* Returns the small tree (see fixture-pdata.h). */
fp__pdata_t *
fixture_small_tree(void)
{
	fp__pdata_t *d = fixture_new_data();
	uint32_t fmain, fsleep, frec, nmain, nrec;

	fmain = fp__pdata_add_func(d, "/a.py", 1, "main", "a");
	fsleep = fp__pdata_add_func(d, "~", 0, "<built-in method time.sleep>",
	    NULL);
	frec = fp__pdata_add_func(d, "/a.py", 5, "rec", "a");
	nmain = fixture_node(d, d->threads[0].root, fmain, 1, 500 * MS,
	    4000 * MS);
	fixture_node(d, nmain, fsleep, 2, 1000 * MS, 1000 * MS);
	nrec = fixture_node(d, nmain, frec, 1, 250 * MS, 2500 * MS);
	nrec = fixture_node(d, nrec, frec, 3, 250 * MS, 0);
	fixture_node(d, nrec, fsleep, 1, 2000 * MS, 2000 * MS);
	return d;
}

/* Adds a sampled node under parent and returns it. */
static uint32_t
sampled_node(fp__pdata_t *d, uint32_t parent, uint32_t func,
    uint64_t samples, uint64_t own_samples, fp_time_t own, fp_time_t total)
{
	fp__stats_t s;
	uint32_t n;

	fp__stats_init(&s);
	s.samples = samples;
	s.own_samples = own_samples;
	s.own = own;
	s.total = total;
	n = fp__pdata_add_node(d, parent, func, &s);
	ck_assert_uint_ne(n, FP__NONE);
	return n;
}

/* Returns the small tree as a statistical profile (see fixture-pdata.h). */
fp__pdata_t *
fixture_sampled_tree(void)
{
	fp__pdata_t *d = fixture_new_data();
	uint32_t fmain, fsleep, frec, nmain, nrec;

	d->meta.mode = "sample";
	d->meta.interval = MS;
	d->meta.duration = 4010 * MS;
	d->meta.samples_requested = 4010;
	d->meta.samples_taken = 4000;
	d->meta.samples_dropped = 10;
	fmain = fp__pdata_add_func(d, "/a.py", 1, "main", "a");
	fsleep = fp__pdata_add_func(d, "~", 0, "<built-in method time.sleep>",
	    NULL);
	frec = fp__pdata_add_func(d, "/a.py", 5, "rec", "a");
	nmain = sampled_node(d, d->threads[0].root, fmain, 4000, 500, 500 * MS,
	    4000 * MS);
	sampled_node(d, nmain, fsleep, 1000, 1000, 1000 * MS, 1000 * MS);
	nrec = sampled_node(d, nmain, frec, 2500, 250, 250 * MS, 2500 * MS);
	nrec = sampled_node(d, nrec, frec, 0, 250, 250 * MS, 0);
	sampled_node(d, nrec, fsleep, 2000, 2000, 2000 * MS, 2000 * MS);
	d->no_data = calloc(1, sizeof *d->no_data);
	ck_assert_ptr_nonnull(d->no_data);
	d->no_data[0] = strdup("never_called");
	ck_assert_ptr_nonnull(d->no_data[0]);
	d->nno_data = 1;
	return d;
}

/* Renders d with render into b and frees d. */
void
fixture_render(fp__buf_t *b, fp__pdata_t *d, fp__render_fn render)
{
	fp__render_opts_t o;

	memset(&o, 0, sizeof o);
	fp__buf_init(b);
	ck_assert_int_eq(render(b, d, &o), FP_OK);
	ck_assert_int_eq(b->nomem, 0);
	fp__pdata_free(d);
}
