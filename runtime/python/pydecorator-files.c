/*
 * pydecorator-files.c: the files of fullprof.profile, one per (dir,
 * prefix) and process: DIR/PREFIX<pid>.fprof.
 *
 * A file holds the subtrees rooted at the outermost calls of its
 * functions, cut out of the decorator's own profile and of the one it
 * borrowed from (see pydecorator.c for which records). It is written
 * under a temporary name and renamed, never half-written: when a save is
 * due (every N calls, or once the period has passed, as pydecorator.c
 * decides at the end of a call; after every outermost call in a forked
 * child or a process multiprocessing started, see
 * fp__dsink_save_each_call), at exit (atexit) and at os._exit(), which
 * ends every child that multiprocessing forks. Its directory is
 * created when missing (mkdir -p, mode 0777 less the umask); a failure to
 * create or write it is one line on stderr, once per process, and the
 * program goes on.
 */
#include "config.h"

#include <Python.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/outfile.h"
#include "core/pdata.h"
#include "core/profile.h"
#include "python/pydecorator-files.h"
#include "python/pyexit.h"
#include "python/pyframe.h"

fp__dsink_t *fp__dsinks;
fp_profile_t *fp__deco_own;
fp_profile_t *fp__deco_borrowed;
static int hooks_ready;
/* Whether this process writes its files after every outermost decorated
 * call (see fp__dsink_save_each_call); -1 until decided. */
static int each_call = -1;

/* Returns non-zero when the pdata function f is one of the sink's. */
static int
sink_has(const fp__dsink_t *s, const fp__pfunc_t *f)
{
	size_t i;

	for (i = 0; i < s->nfuncs; i++) {
		if (s->funcs[i]->line == f->line &&
		    strcmp(s->funcs[i]->name, f->name) == 0 &&
		    strcmp(s->funcs[i]->file, f->file) == 0)
			return 1;
	}
	return 0;
}

/* Returns non-zero when func appears on the path from node n of d up to
 * its thread root. */
static int
on_path(const fp__pdata_t *d, uint32_t n, uint32_t func)
{
	for (; n != FP__NONE; n = d->nodes[n].parent) {
		if (d->nodes[n].func == func)
			return 1;
	}
	return 0;
}

/* Returns new profile data holding the subtrees of d rooted at the
 * outermost nodes of the sink's functions, each thread's under a thread of
 * its own; its duration is the time in those outermost calls. NULL on
 * ENOMEM. */
static fp__pdata_t *
cut(const fp__pdata_t *d, const fp__dsink_t *s)
{
	fp__pdata_t *out = fp__pdata_new(&d->meta);
	uint32_t *fmap = NULL, *nmap = NULL, *tmap = NULL;
	uint8_t *chosen = NULL;
	size_t i;

	if (out == NULL)
		return NULL;
	out->meta.duration = 0;
	fmap = malloc((d->nfuncs + 1) * sizeof *fmap);
	chosen = malloc(d->nfuncs + 1);
	nmap = malloc((d->nnodes + 1) * sizeof *nmap);
	tmap = malloc((d->nthreads + 1) * sizeof *tmap);
	if (fmap == NULL || chosen == NULL || nmap == NULL || tmap == NULL)
		goto fail;
	for (i = 0; i < d->nfuncs; i++) {
		fmap[i] = FP__NONE;
		chosen[i] = (uint8_t)sink_has(s, &d->funcs[i]);
	}
	memset(tmap, 0xff, (d->nthreads + 1) * sizeof *tmap);
	for (i = 0; i < d->nnodes; i++) {
		const fp__pnode_t *n = &d->nodes[i];
		uint32_t parent;
		fp__stats_t st;
		int outermost = 0;

		nmap[i] = FP__NONE;
		if (n->parent == FP__NONE || n->func == FP__NONE)
			continue;
		parent = nmap[n->parent];
		if (parent == FP__NONE) {
			const fp__pthread_t *t = &d->threads[n->thread];

			if (!chosen[n->func])
				continue;
			if (tmap[n->thread] == FP__NONE &&
			    (tmap[n->thread] = fp__pdata_add_thread(out, t->ident,
			    t->native_id, t->name, t->pid)) == FP__NONE)
				goto fail;
			parent = out->threads[tmap[n->thread]].root;
			outermost = 1;
		}
		if (fmap[n->func] == FP__NONE) {
			const fp__pfunc_t *f = &d->funcs[n->func];

			fmap[n->func] = fp__pdata_add_func(out, f->file, f->line,
			    f->name, f->module);
			if (fmap[n->func] == FP__NONE)
				goto fail;
		}
		st = n->stats;
		/* Recursive only through a caller left out: its activations
		 * are outermost here, and their total is their inclusive sum
		 * (the suspended part of it is not known). */
		if (n->recursive && !on_path(out, parent, fmap[n->func]))
			st.total = st.sum;
		if (outermost)
			out->meta.duration += st.total;
		nmap[i] = fp__pdata_add_node(out, parent, fmap[n->func], &st);
		if (nmap[i] == FP__NONE)
			goto fail;
	}
	free(fmap);
	free(chosen);
	free(nmap);
	free(tmap);
	return out;
fail:
	free(fmap);
	free(chosen);
	free(nmap);
	free(tmap);
	fp__pdata_free(out);
	return NULL;
}

/* Returns the sink's share of profile p (p may be NULL: nothing) merged
 * into *out (created when NULL); returns 0 or -1 on ENOMEM. */
static int
add_share(fp__pdata_t **out, fp_profile_t *p, const fp__dsink_t *s)
{
	fp__pdata_t *d, *c;
	int rc = 0;

	if (p == NULL)
		return 0;
	if ((d = fp__profile_data(p)) == NULL)
		return -1;
	c = cut(d, s);
	fp__pdata_free(d);
	if (c == NULL)
		return -1;
	if (*out == NULL) {
		*out = c;
		return 0;
	}
	if (fp__pdata_merge(*out, c) != FP_OK)
		rc = -1;
	fp__pdata_free(c);
	return rc;
}

/* Writes one line to stderr, "fullprof: cannot WHAT PATH: CAUSE", about
 * a sink that could not be saved, once per process. */
static void
warn_save(fp__dsink_t *s, const char *what, const char *path,
    const char *cause)
{
	char line[4400];

	if (s->warned)
		return;
	s->warned = 1;
	snprintf(line, sizeof line, "fullprof: cannot %s %s: %s\n", what, path,
	    cause);
	fp__write_all(STDERR_FILENO, line, strlen(line));
}

/* Creates the directory dir and its missing parents, as mkdir -p does,
 * with mode 0777 less the umask; returns 0, or an errno value. */
static int
make_dir(const char *dir)
{
	struct stat st;
	char *p, *slash;
	int err = 0;

	if (stat(dir, &st) == 0)
		return 0;
	if ((p = strdup(dir)) == NULL)
		return ENOMEM;
	for (slash = strchr(p + 1, '/'); err == 0; slash = strchr(slash + 1,
	    '/')) {
		if (slash != NULL)
			*slash = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST)
			err = errno;
		if (slash == NULL)
			break;
		*slash = '/';
	}
	free(p);
	return err;
}

/* Writes the sink's file now: its share of the decorator's profile and of
 * the profile it borrowed from (the first with figures gives the file its
 * metadata), in its directory, created when missing. Failures are
 * reported on stderr, once; nothing is raised. */
void
fp__dsink_save(fp__dsink_t *s)
{
	fp__render_opts_t o;
	fp_profile_t *first = fp__deco_own, *second = fp__deco_borrowed;
	fp__pdata_t *out = NULL;
	char *path = NULL;
	int rc = FP_OK, sys_errno = 0;

	memset(&o, 0, sizeof o);
	s->dirty = 0;
	s->due = 0;
	s->last_save = fp__monotonic_ns();
	if ((sys_errno = make_dir(s->dir)) != 0) {
		warn_save(s, "create directory", s->dir, strerror(sys_errno));
		return;
	}
	if (fp__deco_borrowed != NULL && fp__deco_borrowed != fp__deco_own &&
	    (fp__deco_own == NULL || !fp__profile_has_data(fp__deco_own))) {
		first = fp__deco_borrowed;
		second = fp__deco_own;
	}
	if (second == first)
		second = NULL;
	if (add_share(&out, first, s) != 0 || add_share(&out, second, s) != 0)
		rc = FP_ERR_NOMEM;
	if (rc == FP_OK && out == NULL)
		rc = FP_ERR_NOMEM;	/* neither profile exists: not reached */
	if (asprintf(&path, "%s/%s%ld.fprof", s->dir, s->prefix,
	    (long)getpid()) < 0) {
		path = NULL;
		rc = FP_ERR_NOMEM;
	}
	/* The GIL stays held: two threads saving at once could otherwise
	 * rename an older copy over a newer one. */
	if (rc == FP_OK)
		rc = fp__pdata_write(out, "fprof", path, &o, &sys_errno);
	if (rc != FP_OK)
		warn_save(s, "write", path ? path : s->prefix,
		    rc == FP_ERR_IO ? strerror(sys_errno) : fp_strerror(rc));
	fp__pdata_free(out);
	free(path);
}

/* Saves every sink with calls not yet saved. */
static void
save_all(void)
{
	fp__saved_exc_t saved;
	fp__dsink_t *s;

	fp__exc_save(&saved);
	for (s = fp__dsinks; s != NULL; s = s->next) {
		if (s->dirty)
			fp__dsink_save(s);
	}
	fp__exc_restore(&saved);
}

/* The atexit callback. */
static PyObject *
at_exit(PyObject *self, PyObject *unused)
{
	(void)self;
	(void)unused;
	save_all();
	Py_RETURN_NONE;
}

static PyMethodDef at_exit_def = {
	"_fullprof_profile_at_exit", at_exit, METH_NOARGS, NULL
};

/* Returns non-zero when multiprocessing started this process (a Pool
 * worker, whatever the start method): multiprocessing.parent_process() is
 * not None. Such a process is ended by SIGTERM at any moment by
 * Pool.terminate(). */
static int
started_by_multiprocessing(void)
{
	PyObject *modules = PySys_GetObject("modules"), *mp, *parent;
	int yes = 0;

	if (modules == NULL || !PyDict_Check(modules) ||
	    (mp = PyDict_GetItemString(modules, "multiprocessing")) == NULL)
		return 0;
	if ((parent = PyObject_CallMethod(mp, "parent_process", NULL)) != NULL) {
		yes = parent != Py_None;
		Py_DECREF(parent);
	}
	PyErr_Clear();
	return yes;
}

/* Returns non-zero when this process writes its files after every
 * outermost decorated call: a forked child or a process multiprocessing
 * started, which Pool.terminate() ends with SIGTERM, so figures kept for a
 * later save would be lost. (A Python SIGTERM handler cannot be used to
 * save them: a signal that comes just before a worker blocks on a
 * multiprocessing lock is then never acted on, and the worker, and the
 * pool's terminate(), hang.) Decided once per process, under the GIL. */
int
fp__dsink_save_each_call(void)
{
	if (each_call < 0) {
		fp__saved_exc_t saved;

		fp__exc_save(&saved);
		each_call = started_by_multiprocessing();
		fp__exc_restore(&saved);
	}
	return each_call;
}

/* In a forked child: what the parent recorded is the parent's to write.
 * The profile borrowed from is cleared too (the launcher clears its own
 * in a forked child anyway), so that the child's files hold only the
 * child's calls. */
static void
after_fork(void)
{
	fp__dsink_t *s;

	if (fp__deco_own != NULL)
		fp_profile_clear(fp__deco_own);
	if (fp__deco_borrowed != NULL && fp__deco_borrowed != fp__deco_own)
		fp_profile_clear(fp__deco_borrowed);
	for (s = fp__dsinks; s != NULL; s = s->next) {
		s->dirty = 0;
		s->due = 0;
		s->warned = 0;
		s->last_save = fp__monotonic_ns();
	}
	each_call = 1;
}

/* Arranges the saves at exit and the clearing in a forked child, once per
 * process family; returns 0 or -1 with an exception
 * set. */
int
fp__dsink_ready_hooks(void)
{
	PyObject *atexit_mod, *fn, *r;

	if (hooks_ready)
		return 0;
	fn = PyCFunction_New(&at_exit_def, NULL);
	atexit_mod = fn ? PyImport_ImportModule("atexit") : NULL;
	r = atexit_mod ? PyObject_CallMethod(atexit_mod, "register", "O", fn) :
	    NULL;
	Py_XDECREF(atexit_mod);
	Py_XDECREF(fn);
	if (r == NULL)
		return -1;
	Py_DECREF(r);
	if (fp__pyexit_on_fork_child(after_fork) != 0 ||
	    fp__pyexit_on_os_exit(save_all, FP__PYEXIT_ORDER_DECORATOR) != 0)
		return -1;
	hooks_ready = 1;
	return 0;
}

/* Returns the sink for (dir, prefix), creating it; NULL with MemoryError. */
fp__dsink_t *
fp__dsink_for(const char *dir, const char *prefix)
{
	fp__dsink_t *s;

	for (s = fp__dsinks; s != NULL; s = s->next) {
		if (strcmp(s->dir, dir) == 0 && strcmp(s->prefix, prefix) == 0)
			return s;
	}
	s = calloc(1, sizeof *s);
	if (s == NULL || (s->dir = strdup(dir)) == NULL ||
	    (s->prefix = strdup(prefix)) == NULL) {
		if (s != NULL)
			free(s->dir);
		free(s);
		PyErr_NoMemory();
		return NULL;
	}
	s->last_save = fp__monotonic_ns();
	s->next = fp__dsinks;
	fp__dsinks = s;
	return s;
}

/* Adds a function's record to a sink; returns 0 or -1 with MemoryError. */
int
fp__dsink_add(fp__dsink_t *s, const fp__func_t *f)
{
	size_t i;

	for (i = 0; i < s->nfuncs; i++) {
		if (s->funcs[i] == f)
			return 0;
	}
	if (s->nfuncs == s->capacity) {
		size_t ncap = s->capacity ? s->capacity * 2 : 8;
		const fp__func_t **nf = realloc(s->funcs, ncap * sizeof *nf);

		if (nf == NULL) {
			PyErr_NoMemory();
			return -1;
		}
		s->funcs = nf;
		s->capacity = ncap;
	}
	s->funcs[s->nfuncs++] = f;
	return 0;
}

