/*
 * profile.c: the public fp_profile_* API: lifecycle, snapshots, writing.
 */
#include "config.h"

#include <Python.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "report/formats.h"
#include "core/outfile.h"
#include "core/pdata.h"
#include "core/profile.h"
#include "python/pyinfo.h"
#include "sample/pylayout.h"
#include "sample/sampler.h"
#include "trace/timeline.h"
#include "trace/tracer.h"

/* Fills *opts with the defaults. */
FP_EXPORT void
fp_options_init(fp_options_t *opts)
{
	memset(opts, 0, sizeof *opts);
	opts->timer = FP_TIMER_WALL;
}

/* Creates a stopped profile. */
FP_EXPORT fp_profile_t *
fp_profile_new(const fp_options_t *opts)
{
	fp_profile_t *p = calloc(1, sizeof *p);

	if (p == NULL)
		return NULL;
	if (opts != NULL)
		p->opts = *opts;
	else
		fp_options_init(&p->opts);
	if (p->opts.sample_interval != 0 &&
	    (p->opts.sample_interval < FP__SAMPLE_MIN_NS ||
	    p->opts.sample_interval > FP__SAMPLE_MAX_NS ||
	    (p->opts.timer != FP_TIMER_WALL && p->opts.timer != FP_TIMER_CPU))) {
		free(p);
		return NULL;
	}
	if (fp__acct_init(&p->acct, &p->opts) != FP_OK) {
		free(p);
		return NULL;
	}
	p->meta.mode = "trace";
	p->meta.timer = p->acct.clock.name;
	if (p->opts.sample_interval != 0) {
		p->meta.mode = "sample";
		p->meta.interval = p->opts.sample_interval;
	}
	/* Known from the start, even for a profile that never runs. */
	p->meta.python = strndup(Py_GetVersion(), strcspn(Py_GetVersion(), " "));
	fp__filter_init(&p->filter);
	return p;
}

/* The most events a timeline keeps (about 24 bytes each); more are
 * counted as dropped. */
#define TIMELINE_MAX_EVENTS ((size_t)20 * 1000 * 1000)

/* Records a timeline from the next start on. */
int
fp__profile_record_timeline(fp_profile_t *p, fp_time_t min_ns)
{
	double k = fp__clock_ns_per_unit(&p->acct.clock);

	if (p->acct.timeline != NULL)
		return FP_OK;
	p->acct.timeline = fp__timeline_new((fp_time_t)((double)min_ns / k),
	    TIMELINE_MAX_EVENTS);
	return p->acct.timeline ? FP_OK : FP_ERR_NOMEM;
}

/* Returns non-zero when the profile holds any figure. */
int
fp__profile_has_data(const fp_profile_t *p)
{
	return p->acct.tree.count > 0 || p->duration > 0 || p->sampler != NULL;
}

/* Changes the timer of a profile that holds no figures. */
int
fp__profile_set_timer(fp_profile_t *p, const fp_options_t *opts)
{
	fp__clock_t clock;

	if (p->running || fp__profile_has_data(p))
		return FP_ERR_STATE;
	if (p->opts.sample_interval != 0 && opts->timer != FP_TIMER_WALL &&
	    opts->timer != FP_TIMER_CPU)
		return FP_ERR_INVAL;
	if (fp__clock_init(&clock, opts) != FP_OK)
		return FP_ERR_INVAL;
	p->opts.timer = opts->timer;
	p->opts.timer_fn = opts->timer_fn;
	p->opts.timer_ctx = opts->timer_ctx;
	p->opts.timer_is_wall = opts->timer_is_wall;
	p->acct.clock = clock;
	p->meta.timer = clock.name;
	return FP_OK;
}

/* Switches a profile that holds no figures between tracing (interval 0)
 * and sampling every interval ns. */
int
fp__profile_set_sampling(fp_profile_t *p, fp_time_t interval)
{
	if (p->running || fp__profile_has_data(p))
		return FP_ERR_STATE;
	if (interval != 0 && (interval < FP__SAMPLE_MIN_NS ||
	    interval > FP__SAMPLE_MAX_NS || (p->opts.timer != FP_TIMER_WALL &&
	    p->opts.timer != FP_TIMER_CPU)))
		return FP_ERR_INVAL;
	p->opts.sample_interval = interval;
	p->meta.mode = interval != 0 ? "sample" : "trace";
	p->meta.interval = interval;
	return FP_OK;
}

/* Adds a function spec. */
FP_EXPORT int
fp_profile_add_function(fp_profile_t *p, const char *spec)
{
	int rc;

	if (p == NULL)
		return FP_ERR_INVAL;
	rc = fp__filter_add(&p->filter, spec);
	if (rc == FP_OK)
		fp__tracer_filter_changed(&p->acct, &p->filter);
	if (rc == FP_OK && p->sampler != NULL)
		rc = fp__sampler_set_specs(p->sampler,
		    (const char *const *)p->filter.specs, p->filter.count);
	return rc;
}

/* Removes a function spec. */
FP_EXPORT int
fp_profile_remove_function(fp_profile_t *p, const char *spec)
{
	if (p == NULL || spec == NULL)
		return FP_ERR_INVAL;
	fp__filter_remove(&p->filter, spec);
	fp__tracer_filter_changed(&p->acct, &p->filter);
	if (p->sampler != NULL)
		return fp__sampler_set_specs(p->sampler,
		    (const char *const *)p->filter.specs, p->filter.count);
	return FP_OK;
}

/* Returns how many function specs restrict recording. */
FP_EXPORT size_t
fp_profile_function_count(const fp_profile_t *p)
{
	return p ? p->filter.count : 0;
}

/* Returns spec i, or NULL. */
FP_EXPORT const char *
fp_profile_function(const fp_profile_t *p, size_t i)
{
	return p && i < p->filter.count ? p->filter.specs[i] : NULL;
}

/* Records the start time and sys.argv at the first start. */
static void
capture_meta(fp_profile_t *p)
{
	PyObject *argv;
	Py_ssize_t i, n;
	struct timespec now;

	if (p->meta.started_unix_ns != 0)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	p->meta.started_unix_ns = (fp_time_t)now.tv_sec * 1000000000 + now.tv_nsec;
	if (p->meta.argv != NULL)
		return;		/* set by fp__profile_set_argv */
	argv = PySys_GetObject("argv");		/* borrowed */
	if (argv == NULL || !PyList_Check(argv))
		return;
	n = PyList_GET_SIZE(argv);
	p->meta.argv = calloc((size_t)n + 1, sizeof *p->meta.argv);
	if (p->meta.argv == NULL)
		return;
	for (i = 0; i < n; i++) {
		PyObject *s = PyList_GET_ITEM(argv, i), *b;

		if (!PyUnicode_Check(s))
			continue;
		b = PyUnicode_EncodeFSDefault(s);
		if (b == NULL) {
			PyErr_Clear();
			continue;
		}
		p->meta.argv[p->meta.argc] = strdup(PyBytes_AS_STRING(b));
		Py_DECREF(b);
		if (p->meta.argv[p->meta.argc] != NULL)
			p->meta.argc++;
	}
}

/* Records the program's command line for the metadata. */
int
fp__profile_set_argv(fp_profile_t *p, int argc, char *const *argv)
{
	fp__meta_t src = p->meta, copy;

	src.argc = argc;
	src.argv = (char **)argv;
	if (fp__meta_copy(&copy, &src) != 0) {
		fp__meta_free(&copy);
		return FP_ERR_NOMEM;
	}
	fp__meta_free(&p->meta);
	p->meta = copy;
	return FP_OK;
}

/* Starts the sampler of a statistical profile on this process, paused
 * or not. A sampler left orphaned by fork() is replaced. */
static int
start_sampler(fp_profile_t *p, int paused)
{
	fp__sampler_opts_t o;
	fp__meta_t meta;

	if (p->sampler != NULL && fp__sampler_orphaned(p->sampler)) {
		fp__sampler_free(p->sampler);
		p->sampler = NULL;
	}
	if (p->sampler != NULL) {
		fp__sampler_pause(p->sampler, paused);
		return FP_OK;
	}
	memset(&o, 0, sizeof o);
	meta = p->meta;
	meta.pid = (long)getpid();
	o.pid = (int)getpid();
	o.runtime_addr = fp__pylayout_native_runtime();
	fp__pylayout_native(&o.layout);
	o.interval = p->opts.sample_interval;
	o.cpu = p->opts.timer == FP_TIMER_CPU;
	o.asyncio = 1;
	o.paused = paused;
	o.timeline = p->acct.timeline != NULL;
	o.specs = (const char *const *)p->filter.specs;
	o.nspecs = p->filter.count;
	o.meta = &meta;
	return fp__sampler_start(&o, &p->sampler);
}

/* Starts recording. */
FP_EXPORT int
fp_profile_start(fp_profile_t *p)
{
	int rc;

	if (p == NULL)
		return FP_ERR_INVAL;
	if (p->running)
		return FP_OK;
	if (!Py_IsInitialized())
		return FP_ERR_NOPYTHON;
	capture_meta(p);
	if (p->opts.sample_interval != 0) {
		if ((rc = start_sampler(p, 0)) != FP_OK)
			return rc;
		p->running = 1;
		p->started = fp__monotonic_ns();
		return FP_OK;
	}
	rc = fp__tracer_start(&p->acct, p->opts.builtins, &p->filter);
	if (rc != FP_OK)
		return rc;
	p->acct.ns_per_unit = 0;
	p->running = 1;
	p->started = fp__monotonic_ns();
	return FP_OK;
}

/* The sink that closes open activations into the live node figures. */
static fp__stats_t *
node_sink(void *ctx, const fp__node_t *node)
{
	(void)ctx;
	return &((fp__node_t *)node)->stats;
}

/* Stops recording; open activations are closed now. */
FP_EXPORT int
fp_profile_stop(fp_profile_t *p)
{
	fp_time_t now;

	if (p == NULL)
		return FP_ERR_INVAL;
	if (!p->running)
		return FP_OK;
	if (p->sampler != NULL) {
		fp__sampler_pause(p->sampler, 1);
		p->duration += fp__monotonic_ns() - p->started;
		p->running = 0;
		return FP_OK;
	}
	now = fp__clock_now(&p->acct.clock);
	fp__tracer_stop(&p->acct);
	fp__acct_close_all(&p->acct, now, 1, node_sink, NULL);
	/* Figures read after the stop must not move as the rate is measured
	 * again: it is fixed here. */
	p->acct.ns_per_unit = fp__clock_ns_per_unit(&p->acct.clock);
	p->duration += fp__monotonic_ns() - p->started;
	p->running = 0;
	return FP_OK;
}

/* Forgets everything recorded so far. */
FP_EXPORT int
fp_profile_clear(fp_profile_t *p)
{
	if (p == NULL)
		return FP_ERR_INVAL;
	if (p->sampler != NULL) {
		/* In a forked child the sampler must be one of its own. */
		if (fp__sampler_orphaned(p->sampler) || !p->running) {
			/* Forked child: the sampler must be one of its own.
			 * Stopped: none until the next start, which may be in
			 * another mode. */
			fp__sampler_free(p->sampler);
			p->sampler = NULL;
			if (p->running)
				start_sampler(p, 0);
		} else {
			fp__sampler_clear(p->sampler);
		}
	}
	fp__tracer_invalidate();
	fp__acct_clear(&p->acct);
	if (p->acct.timeline != NULL) {
		p->acct.timeline->count = 0;
		p->acct.timeline->dropped = 0;
	}
	p->duration = 0;
	p->started = fp__monotonic_ns();
	return FP_OK;
}

/* Returns non-zero while the profile is recording. */
FP_EXPORT int
fp_profile_is_running(const fp_profile_t *p)
{
	return p != NULL && p->running;
}

/* Stops the profile if needed and releases it. */
FP_EXPORT void
fp_profile_free(fp_profile_t *p)
{
	if (p == NULL)
		return;
	fp_profile_stop(p);
	fp__sampler_free(p->sampler);
	fp__tracer_invalidate();
	fp__timeline_free(p->acct.timeline);
	fp__acct_free(&p->acct);
	fp__meta_free(&p->meta);
	fp__filter_free(&p->filter);
	free(p);
}

/* Fills the metadata a snapshot or profile data is built with. */
static void
current_meta(fp_profile_t *p, fp__meta_t *meta)
{
	*meta = p->meta;
	meta->pid = (long)getpid();
	meta->duration = p->duration +
	    (p->running ? fp__monotonic_ns() - p->started : 0);
}

/* Takes a snapshot with metadata. */
fp_snapshot_t *
fp__profile_snapshot(fp_profile_t *p)
{
	fp__meta_t meta;

	if (p->opts.sample_interval != 0) {
		fp__pdata_t *d = fp__profile_data(p);
		fp_snapshot_t *snap;

		if (d == NULL)
			return NULL;
		if ((snap = fp__pdata_rows(d)) == NULL) {
			fp__pdata_free(d);
			return NULL;
		}
		snap->data = d;
		return snap;
	}
	current_meta(p, &meta);
	return fp__snapshot_build(&p->acct, p->running,
	    fp__clock_now(&p->acct.clock), &meta, &p->filter);
}

/* Takes a consistent copy of the figures so far. */
FP_EXPORT fp_snapshot_t *
fp_profile_snapshot(fp_profile_t *p)
{
	return p ? fp__profile_snapshot(p) : NULL;
}

/* Hands one published thread name to the sampler of profile ctx. */
static void
name_sampled_thread(void *ctx, uint64_t ident, const char *name)
{
	fp__sampler_name_thread(((fp_profile_t *)ctx)->sampler, ident, name);
}

/* Gives the sampler the names of the threads alive now (needs the GIL)
 * and of those met earlier. */
static void
name_sampled_threads(fp_profile_t *p)
{
	fp__pyinfo_fetch_names();
	fp__pyinfo_names_each(name_sampled_thread, p);
}

/* The figures of a statistical profile so far, with the run's metadata. */
static fp__pdata_t *
sampled_data(fp_profile_t *p)
{
	fp__meta_t meta, counts;
	fp__pdata_t *d;

	current_meta(p, &meta);
	if (p->sampler == NULL)
		return fp__pdata_new(&meta);	/* never started */
	if (Py_IsInitialized() && PyGILState_Check())
		name_sampled_threads(p);
	if ((d = fp__sampler_pdata(p->sampler)) == NULL)
		return NULL;
	/* The sampler's copy of the metadata dates from its start: the
	 * profile's is newer, the sampler's counts are its own. */
	counts = d->meta;
	fp__meta_free(&d->meta);
	if (fp__meta_copy(&d->meta, &meta) != 0) {
		fp__pdata_free(d);
		return NULL;
	}
	d->meta.mode = "sample";
	d->meta.interval = counts.interval;
	d->meta.samples_requested = counts.samples_requested;
	d->meta.samples_taken = counts.samples_taken;
	d->meta.samples_dropped = counts.samples_dropped;
	d->meta.samples_uncovered = counts.samples_uncovered;
	return d;
}

/* Copies the figures so far into profile data. */
fp__pdata_t *
fp__profile_data(fp_profile_t *p)
{
	fp__meta_t meta;

	if (p->opts.sample_interval != 0)
		return sampled_data(p);
	if (Py_IsInitialized() && PyGILState_Check())
		fp__tracer_name_threads(&p->acct);
	current_meta(p, &meta);
	return fp__pdata_from_acct(&p->acct, p->running,
	    fp__clock_now(&p->acct.clock), &meta, &p->filter);
}

/* Renders d in format and writes it to path. */
int
fp__pdata_write(const fp__pdata_t *d, const char *format, const char *path,
    const fp__render_opts_t *o, int *sys_errno)
{
	const fp__format_t *f = fp__format_find(format);
	fp__buf_t out;
	int rc, err;

	*sys_errno = 0;
	if (f == NULL)
		return FP_ERR_FORMAT;
	fp__buf_init(&out);
	rc = f->render(&out, d, o);
	if (rc == FP_OK && out.nomem)
		rc = FP_ERR_NOMEM;
	if (rc == FP_OK && (err = fp__outfile_write(path, out.data ? out.data : "",
	    out.len)) != 0) {
		*sys_errno = err;
		rc = FP_ERR_IO;
	}
	fp__buf_free(&out);
	return rc;
}

/* Renders p in format and writes it to path. */
int
fp__profile_write(fp_profile_t *p, const char *format, const char *path,
    const fp__render_opts_t *o, int *sys_errno)
{
	fp__pdata_t *d;
	int rc;

	*sys_errno = 0;
	if (fp__format_find(format) == NULL)
		return FP_ERR_FORMAT;
	if ((d = fp__profile_data(p)) == NULL)
		return FP_ERR_NOMEM;
	rc = fp__pdata_write(d, format, path, o, sys_errno);
	fp__pdata_free(d);
	return rc;
}

/* Writes the profile to path in the named format. */
FP_EXPORT int
fp_profile_write(fp_profile_t *p, const char *format, const char *path)
{
	fp__render_opts_t o = { FP__SORT_TOTAL, 0, NULL, NULL };
	int sys_errno;
	int rc;

	if (p == NULL || format == NULL || path == NULL)
		return FP_ERR_INVAL;
	rc = fp__profile_write(p, format, path, &o, &sys_errno);
	if (rc == FP_ERR_IO)
		errno = sys_errno;
	return rc;
}
