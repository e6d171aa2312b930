/*
 * pdata.c: building profile data from live accounting, adding to it,
 * merging two, and summing it into rows by function.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/pdata.h"
#include "trace/timeline.h"

/* Hash tables kept beside a pdata while it is built: functions by identity
 * and nodes by (parent, func). They are rebuilt on demand, so a pdata read
 * from a file or copied needs none until something is added. */
struct fp__pdata_index {
	uint32_t *funcs;	/* open addressing, FP__NONE = empty */
	size_t fcap;
	uint32_t *nodes;
	size_t ncap;
};

/* The index of each pdata, kept in a side table so the public struct stays
 * plain data. */
typedef struct indexed {
	fp__pdata_t d;
	struct fp__pdata_index ix;
	size_t fcap, ncap, tcap;	/* allocated lengths of the arrays */
} indexed_t;

/* Returns the FNV-1a hash of a function identity. */
static uint64_t
func_hash(const char *file, int line, const char *name)
{
	uint64_t h = 14695981039346656037ull;
	const char *p;

	for (p = file; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	h = (h ^ (uint64_t)(unsigned)line) * 1099511628211ull;
	for (p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	return h;
}

/* Returns the hash of a (parent, func) pair. */
static uint64_t
node_hash(uint32_t parent, uint32_t func)
{
	return fp__hash_pair(parent, func);
}

/* Returns an empty pdata with meta deep-copied, or NULL. */
fp__pdata_t *
fp__pdata_new(const fp__meta_t *meta)
{
	indexed_t *x = calloc(1, sizeof *x);

	if (x == NULL)
		return NULL;
	if (meta != NULL && fp__meta_copy(&x->d.meta, meta) != 0) {
		fp__meta_free(&x->d.meta);
		free(x);
		return NULL;
	}
	return &x->d;
}

/* Releases profile data. */
void
fp__pdata_free(fp__pdata_t *d)
{
	indexed_t *x = (indexed_t *)d;
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nfuncs; i++) {
		free(d->funcs[i].file);
		free(d->funcs[i].name);
		free(d->funcs[i].module);
	}
	for (i = 0; i < d->nthreads; i++)
		free(d->threads[i].name);
	for (i = 0; i < d->nno_data; i++)
		free(d->no_data[i]);
	free(d->funcs);
	free(d->nodes);
	free(d->threads);
	free(d->no_data);
	free(d->events);
	free(x->ix.funcs);
	free(x->ix.nodes);
	fp__meta_free(&d->meta);
	free(x);
}

/* Grows an array of n used elements of size sz to hold one more; returns
 * 0 or -1 on ENOMEM. */
static int
grow(void **arr, size_t *cap, size_t n, size_t sz)
{
	size_t ncap;
	void *na;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	na = realloc(*arr, ncap * sz);
	if (na == NULL)
		return -1;
	*arr = na;
	*cap = ncap;
	return 0;
}

/* Rebuilds the function hash when it is missing or too full; 0 or -1. */
static int
index_funcs(indexed_t *x)
{
	size_t cap = x->ix.fcap, i;
	uint32_t *t;

	if (cap != 0 && (x->d.nfuncs + 1) * 2 <= cap)
		return 0;
	cap = cap ? cap * 2 : 1024;
	while ((x->d.nfuncs + 1) * 2 > cap)
		cap *= 2;
	t = malloc(cap * sizeof *t);
	if (t == NULL)
		return -1;
	memset(t, 0xff, cap * sizeof *t);
	for (i = 0; i < x->d.nfuncs; i++) {
		const fp__pfunc_t *f = &x->d.funcs[i];
		size_t j = func_hash(f->file, f->line, f->name) & (cap - 1);

		while (t[j] != FP__NONE)
			j = (j + 1) & (cap - 1);
		t[j] = (uint32_t)i;
	}
	free(x->ix.funcs);
	x->ix.funcs = t;
	x->ix.fcap = cap;
	return 0;
}

/* Adds a function (deduplicated) and returns its index. */
uint32_t
fp__pdata_add_func(fp__pdata_t *d, const char *file, int line,
    const char *name, const char *module)
{
	indexed_t *x = (indexed_t *)d;
	fp__pfunc_t *f;
	size_t j;

	if (index_funcs(x) != 0)
		return FP__NONE;
	j = func_hash(file, line, name) & (x->ix.fcap - 1);
	for (; x->ix.funcs[j] != FP__NONE; j = (j + 1) & (x->ix.fcap - 1)) {
		f = &d->funcs[x->ix.funcs[j]];
		if (f->line == line && strcmp(f->name, name) == 0 &&
		    strcmp(f->file, file) == 0) {
			if (f->module == NULL && module != NULL)
				f->module = strdup(module);
			return x->ix.funcs[j];
		}
	}
	if (grow((void **)&d->funcs, &x->fcap, d->nfuncs, sizeof *d->funcs) != 0)
		return FP__NONE;
	f = &d->funcs[d->nfuncs];
	f->file = strdup(file);
	f->name = strdup(name);
	f->module = module ? strdup(module) : NULL;
	f->line = line;
	if (f->file == NULL || f->name == NULL || (module && f->module == NULL)) {
		free(f->file);
		free(f->name);
		free(f->module);
		return FP__NONE;
	}
	x->ix.funcs[j] = (uint32_t)d->nfuncs;
	return (uint32_t)d->nfuncs++;
}

/* Rebuilds the (parent, func) hash when missing or too full; 0 or -1. */
static int
index_nodes(indexed_t *x)
{
	size_t cap = x->ix.ncap, i;
	uint32_t *t;

	if (cap != 0 && (x->d.nnodes + 1) * 2 <= cap)
		return 0;
	cap = cap ? cap * 2 : 4096;
	while ((x->d.nnodes + 1) * 2 > cap)
		cap *= 2;
	t = malloc(cap * sizeof *t);
	if (t == NULL)
		return -1;
	memset(t, 0xff, cap * sizeof *t);
	for (i = 0; i < x->d.nnodes; i++) {
		const fp__pnode_t *n = &x->d.nodes[i];
		size_t j;

		if (n->parent == FP__NONE)
			continue;
		j = node_hash(n->parent, n->func) & (cap - 1);
		while (t[j] != FP__NONE)
			j = (j + 1) & (cap - 1);
		t[j] = (uint32_t)i;
	}
	free(x->ix.nodes);
	x->ix.nodes = t;
	x->ix.ncap = cap;
	return 0;
}

/* Appends a node record; returns its index or FP__NONE. */
static uint32_t
append_node(indexed_t *x, uint32_t parent, uint32_t func, uint32_t thread,
    const fp__stats_t *stats)
{
	fp__pdata_t *d = &x->d;
	fp__pnode_t *n;
	uint32_t a;

	if (grow((void **)&d->nodes, &x->ncap, d->nnodes, sizeof *d->nodes) != 0)
		return FP__NONE;
	n = &d->nodes[d->nnodes];
	n->parent = parent;
	n->func = func;
	n->thread = thread;
	n->recursive = 0;
	for (a = parent; a != FP__NONE && func != FP__NONE; a = d->nodes[a].parent) {
		if (d->nodes[a].func == func) {
			n->recursive = 1;
			break;
		}
	}
	if (stats != NULL)
		n->stats = *stats;
	else
		fp__stats_init(&n->stats);
	return (uint32_t)d->nnodes++;
}

/* Adds a thread with its root node and returns its index. */
uint32_t
fp__pdata_add_thread(fp__pdata_t *d, uint64_t ident, int64_t native_id,
    const char *name, uint64_t pid)
{
	indexed_t *x = (indexed_t *)d;
	fp__pthread_t *t;
	uint32_t root;

	if (grow((void **)&d->threads, &x->tcap, d->nthreads,
	    sizeof *d->threads) != 0)
		return FP__NONE;
	root = append_node(x, FP__NONE, FP__NONE, (uint32_t)d->nthreads, NULL);
	if (root == FP__NONE)
		return FP__NONE;
	t = &d->threads[d->nthreads];
	t->ident = ident;
	t->native_id = native_id;
	t->pid = pid;
	t->root = root;
	t->name = strdup(name ? name : "");
	if (t->name == NULL) {
		d->nnodes--;
		return FP__NONE;
	}
	return (uint32_t)d->nthreads++;
}

/* Returns the child of parent for func, creating it with empty figures. */
static uint32_t
child_of(indexed_t *x, uint32_t parent, uint32_t func)
{
	size_t j;
	uint32_t n;

	if (index_nodes(x) != 0)
		return FP__NONE;
	j = node_hash(parent, func) & (x->ix.ncap - 1);
	for (; x->ix.nodes[j] != FP__NONE; j = (j + 1) & (x->ix.ncap - 1)) {
		const fp__pnode_t *c = &x->d.nodes[x->ix.nodes[j]];

		if (c->parent == parent && c->func == func)
			return x->ix.nodes[j];
	}
	n = append_node(x, parent, func, x->d.nodes[parent].thread, NULL);
	if (n != FP__NONE)
		x->ix.nodes[j] = n;
	return n;
}

/* Adds a node under parent and returns its index; figures are added to
 * those of an existing node on the same path. */
uint32_t
fp__pdata_add_node(fp__pdata_t *d, uint32_t parent, uint32_t func,
    const fp__stats_t *stats)
{
	uint32_t n;

	if (parent >= d->nnodes || func >= d->nfuncs)
		return FP__NONE;
	n = child_of((indexed_t *)d, parent, func);
	if (n != FP__NONE && stats != NULL)
		fp__stats_merge(&d->nodes[n].stats, stats);
	return n;
}

/* The sink that sends closed activations into copied node figures. */
static fp__stats_t *
copy_sink(void *ctx, const fp__node_t *node)
{
	return &((fp__stats_t *)ctx)[node->id];
}

/* Converts figures in clock units to nanoseconds (k ns per unit). */
static void
scale_stats(fp__stats_t *s, double k)
{
	if (k == 1.0)
		return;
	s->own = (fp_time_t)((double)s->own * k + 0.5);
	s->total = (fp_time_t)((double)s->total * k + 0.5);
	s->suspended = (fp_time_t)((double)s->suspended * k + 0.5);
	s->sum = (fp_time_t)((double)s->sum * k + 0.5);
	if (s->calls != 0)
		s->min = (fp_time_t)((double)s->min * k + 0.5);
	s->max = (fp_time_t)((double)s->max * k + 0.5);
}

/* Keeps the specs of filter that name no function with figures in paths
 * (the figures of the live accounting's first count nodes) as no_data;
 * returns 0 or -1 on ENOMEM. */
static int
keep_no_data(fp__pdata_t *d, const fp__acct_t *a, const fp__filter_t *filter,
    const fp__stats_t *paths, uint32_t count)
{
	size_t i;
	uint32_t n;

	if (filter == NULL || filter->count == 0)
		return 0;
	d->no_data = calloc(filter->count, sizeof *d->no_data);
	if (d->no_data == NULL)
		return -1;
	for (i = 0; i < filter->count; i++) {
		const char *spec = filter->specs[i];

		for (n = 0; n < count; n++) {
			const fp__func_t *f = a->tree.nodes[n]->func;

			if (f != NULL && (paths[n].calls != 0 || paths[n].own != 0) &&
			    fp__filter_spec_matches(spec, f->module,
			    f->match_name ? f->match_name : f->name))
				break;
		}
		if (n < count)
			continue;
		if ((d->no_data[d->nno_data] = strdup(spec)) == NULL)
			return -1;
		d->nno_data++;
	}
	return 0;
}

/* Copies the events of a timeline into d, with node ids mapped to d's
 * nodes and times in ns from the earliest start; returns 0 or -1. */
static int
copy_timeline(fp__pdata_t *d, const fp__timeline_t *tl,
    const uint32_t *node_map, double k)
{
	fp_time_t base;
	size_t i;

	if (tl == NULL)
		return 0;
	d->has_timeline = 1;
	d->events_dropped = tl->dropped;
	if (tl->count == 0)
		return 0;
	d->events = malloc(tl->count * sizeof *d->events);
	if (d->events == NULL)
		return -1;
	base = tl->events[0].start;
	for (i = 1; i < tl->count; i++) {
		if (tl->events[i].start < base)
			base = tl->events[i].start;
	}
	for (i = 0; i < tl->count; i++) {
		const fp__event_t *e = &tl->events[i];
		fp__pevent_t *p;

		if (node_map[e->node] == FP__NONE)
			continue;
		p = &d->events[d->nevents++];
		p->node = node_map[e->node];
		p->kind = e->kind;
		p->start = (fp_time_t)((double)(e->start - base) * k + 0.5);
		p->end = (fp_time_t)((double)(e->end - base) * k + 0.5);
	}
	return 0;
}

/* Builds profile data from live accounting. */
fp__pdata_t *
fp__pdata_from_acct(fp__acct_t *a, int live, fp_time_t now,
    const fp__meta_t *meta, const fp__filter_t *filter)
{
	fp__tree_t *tree = &a->tree;
	uint32_t nglobal = fp__func_count(), count = tree->count, i;
	uint32_t *func_map = NULL, *node_map = NULL;
	fp__stats_t *paths = NULL;
	fp__pdata_t *d = fp__pdata_new(meta);
	indexed_t *x = (indexed_t *)d;
	const fp__thread_t *t;
	double k;

	if (d == NULL)
		return NULL;
	d->meta.lost = a->lost;
	paths = malloc(((size_t)count + 1) * sizeof *paths);
	node_map = malloc(((size_t)count + 1) * sizeof *node_map);
	func_map = malloc(((size_t)nglobal + 1) * sizeof *func_map);
	if (paths == NULL || node_map == NULL || func_map == NULL)
		goto fail;
	memset(node_map, 0xff, ((size_t)count + 1) * sizeof *node_map);
	memset(func_map, 0xff, ((size_t)nglobal + 1) * sizeof *func_map);
	for (i = 0; i < count; i++)
		paths[i] = tree->nodes[i]->stats;
	if (live)
		fp__acct_close_all(a, now, 0, copy_sink, paths);
	k = a->ns_per_unit > 0 ? a->ns_per_unit : fp__clock_ns_per_unit(&a->clock);
	for (t = a->threads; t != NULL; t = t->next) {
		uint32_t ti = fp__pdata_add_thread(d, t->ident, t->native_id,
		    t->name, (uint64_t)meta->pid);

		if (ti == FP__NONE)
			goto fail;
		node_map[t->root->id] = d->threads[ti].root;
	}
	/* Nodes come in creation order, so a parent is mapped before its
	 * children. Closing the activations above adds no node. */
	for (i = 0; i < count; i++) {
		const fp__node_t *n = tree->nodes[i];
		const fp__func_t *f = n->func;
		uint32_t parent, fi, ni;
		fp__stats_t s;

		if (n->parent == NULL || (parent = node_map[n->parent->id]) == FP__NONE)
			continue;
		if (parent >= d->nnodes)	/* mapped nodes are d's */
			goto fail;
		if ((fi = func_map[f->id]) == FP__NONE) {
			fi = fp__pdata_add_func(d, f->file, f->line, f->name,
			    f->module);
			if (fi == FP__NONE)
				goto fail;
			func_map[f->id] = fi;
		}
		s = paths[i];
		scale_stats(&s, k);
		ni = append_node(x, parent, fi, d->nodes[parent].thread, &s);
		if (ni == FP__NONE)
			goto fail;
		node_map[i] = ni;
	}
	if (keep_no_data(d, a, filter, paths, count) != 0 ||
	    copy_timeline(d, a->timeline, node_map, k) != 0)
		goto fail;
	free(paths);
	free(node_map);
	free(func_map);
	return d;
fail:
	free(paths);
	free(node_map);
	free(func_map);
	fp__pdata_free(d);
	return NULL;
}

/* Returns the index of the thread of dst that is (pid, ident), adding it
 * when there is none; FP__NONE on ENOMEM. */
static uint32_t
same_thread(fp__pdata_t *dst, const fp__pthread_t *t)
{
	size_t i;

	for (i = 0; i < dst->nthreads; i++) {
		if (dst->threads[i].pid == t->pid && dst->threads[i].ident == t->ident)
			return (uint32_t)i;
	}
	return fp__pdata_add_thread(dst, t->ident, t->native_id, t->name, t->pid);
}

/* Adds n to the count *c, stopping at UINT64_MAX. */
static void
add_count(uint64_t *c, uint64_t n)
{
	*c = *c > UINT64_MAX - n ? UINT64_MAX : *c + n;
}

/* Sums the figures of the top-level calls of the first n threads. */
void
fp__pdata_thread_sums(const fp__pdata_t *d, fp_time_t *total,
    uint64_t *samples, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		total[i] = 0;
		samples[i] = 0;
	}
	for (i = 0; i < d->nnodes; i++) {
		const fp__pnode_t *nd = &d->nodes[i];

		if (nd->parent != FP__NONE && nd->thread < n &&
		    nd->parent == d->threads[nd->thread].root) {
			total[nd->thread] += nd->stats.total;
			samples[nd->thread] += nd->stats.samples;
		}
	}
}

/* Adds a no-data name unless present. */
int
fp__pdata_add_no_data(fp__pdata_t *d, const char *spec)
{
	char **nd;
	size_t j;

	for (j = 0; j < d->nno_data; j++) {
		if (strcmp(d->no_data[j], spec) == 0)
			return 0;
	}
	nd = realloc(d->no_data, (d->nno_data + 1) * sizeof *nd);
	if (nd == NULL)
		return -1;
	d->no_data = nd;
	if ((nd[d->nno_data] = strdup(spec)) == NULL)
		return -1;
	d->nno_data++;
	return 0;
}

/* Adds everything in src to dst. */
int
fp__pdata_merge(fp__pdata_t *dst, const fp__pdata_t *src)
{
	uint32_t *fmap = malloc((src->nfuncs + 1) * sizeof *fmap);
	uint32_t *nmap = malloc((src->nnodes + 1) * sizeof *nmap);
	size_t i;
	int rc = FP_ERR_NOMEM;

	if (fmap == NULL || nmap == NULL)
		goto out;
	for (i = 0; i < src->nfuncs; i++) {
		const fp__pfunc_t *f = &src->funcs[i];

		fmap[i] = fp__pdata_add_func(dst, f->file, f->line, f->name,
		    f->module);
		if (fmap[i] == FP__NONE)
			goto out;
	}
	memset(nmap, 0xff, (src->nnodes + 1) * sizeof *nmap);
	for (i = 0; i < src->nthreads; i++) {
		uint32_t t = same_thread(dst, &src->threads[i]);

		if (t == FP__NONE)
			goto out;
		nmap[src->threads[i].root] = dst->threads[t].root;
	}
	for (i = 0; i < src->nnodes; i++) {
		const fp__pnode_t *n = &src->nodes[i];

		if (n->parent == FP__NONE || nmap[n->parent] == FP__NONE ||
		    n->func == FP__NONE)
			continue;
		nmap[i] = fp__pdata_add_node(dst, nmap[n->parent], fmap[n->func],
		    &n->stats);
		if (nmap[i] == FP__NONE)
			goto out;
	}
	for (i = 0; i < src->nno_data; i++) {
		if (fp__pdata_add_no_data(dst, src->no_data[i]) != 0)
			goto out;
	}
	dst->meta.duration += src->meta.duration;
	dst->meta.lost += src->meta.lost;
	/* Sample counts add up (saturating: a merge never wraps them);
	 * profiles sampled at different intervals have none in common. */
	add_count(&dst->meta.samples_requested, src->meta.samples_requested);
	add_count(&dst->meta.samples_taken, src->meta.samples_taken);
	add_count(&dst->meta.samples_dropped, src->meta.samples_dropped);
	dst->meta.samples_uncovered += src->meta.samples_uncovered;
	if (dst->meta.interval != src->meta.interval)
		dst->meta.interval = 0;
	rc = FP_OK;
out:
	free(fmap);
	free(nmap);
	return rc;
}

/* Returns the variance of an estimate of est ns made of n of a thread's
 * `of` samples (see pdata.h). */
double
fp__sample_variance(fp_time_t est, uint64_t n, uint64_t of)
{
	double mean, miss;

	if (n == 0)
		return 0;
	mean = (double)est / (double)n;
	miss = of >= n ? 1.0 - (double)n / (double)of : 1.0;
	if (of == 0)
		miss = 1.0;
	return mean * mean * (double)n * miss;
}

/* Returns the standard error of such an estimate, rounded to a ns. */
fp_time_t
fp__sample_error(fp_time_t est, uint64_t n, uint64_t of)
{
	return (fp_time_t)(sqrt(fp__sample_variance(est, n, of)) + 0.5);
}
