/*
 * taskread.c: picking a waiting asyncio task of an idle event loop and
 * reading its await chain, without the GIL.
 *
 * asyncio keeps every live task in a weakref.WeakSet, whose .data is a
 * set of weak references. A set is a hash table: picking random slots
 * until one holds a reference to a task of the loop whose coroutine is
 * suspended is a uniform choice among those tasks, and takes few probes
 * while the table is reasonably full (CPython rebuilds it from the live
 * entries as new tasks arrive). Probes go eight at a time, each step of
 * the path (slot, weak reference, task) one batched read, then one read
 * per coroutine of the loop's tasks (its header, frame and value stack
 * together) and one per code object of the chosen chain. A
 * table left sparse by a burst of finished tasks is scanned whole when it
 * holds few entries.
 *
 * The set may be resized or its objects freed while we read: every
 * object read must carry the type pointer learned at discovery, and a
 * failed read just loses that probe.
 */
#include "config.h"

#include <Python.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sample/memread.h"
#include "sample/taskread.h"

#define PROBES		8	/* slots probed per round */
#define ROUNDS		16	/* rounds before giving up on random probes */
#define SCAN_USED	512	/* a sparse table with at most this many
				 * entries is scanned whole */
#define SCAN_SLOTS	65536	/* ... and at most this many slots */
#define CHAIN_STEPS	256	/* awaits followed at most */

struct fp__taskread {
	PyObject *weakset;	/* asyncio's registry (strong reference) */
	PyObject *data;		/* its .data set (strong reference) */
	int known;		/* discovery succeeded */
	uint64_t set;		/* address of data */
	uint64_t set_used, set_mask, set_table; /* offsets in PySetObject */
	uint64_t ref_type;	/* type of the weak references in data */
	uint64_t ref_object;	/* offset of wr_object */
	uint64_t task_type;	/* _asyncio.Task */
	uint64_t task_loop;	/* offset of its loop */
	uint64_t task_coro;	/* offset of its coroutine */
	uint64_t task_span;	/* bytes of a task read */
	uint64_t *scan;		/* whole-table scan buffer (2 words a slot) */
	size_t scan_cap;	/* its slots */
};

/* One candidate on its way through the probe pipeline. */
struct probe {
	uint64_t slot[2];	/* set entry: key, hash */
	uint64_t ref[8];	/* the weak reference's first words */
	uint64_t task[64];	/* the task's first words */
	uint64_t coro;
	fp__rframe_t frame;	/* the coroutine's frame, once checked */
};

/* Returns non-zero when p can be the address of an object. */
static int
plausible(uint64_t p)
{
	return p >= 4096 && (p & 7) == 0 && p < (1ull << 56);
}

/* Returns non-zero when a set entry (key, hash) may hold a live key: a
 * deleted entry keeps the dummy key with hash -1, which no object's hash
 * is. */
static int
live_entry(const uint64_t *slot)
{
	return plausible(slot[0]) && slot[1] != UINT64_MAX;
}

/* Returns a task reader that knows nothing yet, or NULL. */
fp__taskread_t *
fp__taskread_new(void)
{
	return calloc(1, sizeof(fp__taskread_t));
}

/* Returns the first live C task in the set of weak references data (a
 * new reference), or NULL. Learns the weak reference type on the way. */
static PyObject *
first_task(fp__taskread_t *t, PyObject *data, PyObject *task_type)
{
	PyObject *it, *ref, *obj, *found = NULL;

	it = PyObject_GetIter(data);
	if (it == NULL)
		return NULL;
	while (found == NULL && (ref = PyIter_Next(it)) != NULL) {
		if (PyWeakref_CheckRefExact(ref)) {
			t->ref_type = (uint64_t)(uintptr_t)Py_TYPE(ref);
			obj = PyObject_CallNoArgs(ref);
			if (obj != NULL && Py_TYPE(obj) == (PyTypeObject *)task_type)
				found = obj;
			else
				Py_XDECREF(obj);
		}
		Py_DECREF(ref);
	}
	Py_DECREF(it);
	return found;
}

/* Finds the offset at which obj (of size basic) holds the pointer p, from
 * past the object header; 0 when it does not. */
static uint64_t
offset_of(PyObject *obj, Py_ssize_t basic, PyObject *p)
{
	Py_ssize_t off;
	PyObject *w;

	for (off = sizeof(PyObject); off + (Py_ssize_t)sizeof w <= basic;
	    off += sizeof w) {
		memcpy(&w, (char *)obj + off, sizeof w);
		if (w == p)
			return (uint64_t)off;
	}
	return 0;
}

/* Learns the loop and coroutine offsets of task (a C Task); 0 or
 * -EAGAIN when this task cannot tell (finished, or no coroutine). */
static int
learn(fp__taskread_t *t, PyObject *task)
{
	Py_ssize_t basic = Py_TYPE(task)->tp_basicsize;
	PyObject *loop, *coro;
	int rc = -EAGAIN;

	loop = PyObject_CallMethod(task, "get_loop", NULL);
	coro = PyObject_CallMethod(task, "get_coro", NULL);
	if (loop != NULL && coro != NULL && loop != Py_None &&
	    coro != Py_None) {
		t->task_loop = offset_of(task, basic, loop);
		t->task_coro = offset_of(task, basic, coro);
		if (t->task_loop != 0 && t->task_coro != 0) {
			t->task_span = (t->task_loop > t->task_coro ?
			    t->task_loop : t->task_coro) + 8;
			rc = t->task_span <= sizeof ((struct probe *)0)->task ?
			    0 : -ENOTSUP;
		}
	}
	Py_XDECREF(loop);
	Py_XDECREF(coro);
	return rc;
}

/* Finds asyncio's task registry and learns a C task's layout: 0,
 * -EAGAIN (not yet) or -errno. */
int
fp__taskread_discover(fp__taskread_t *t)
{
	PyObject *exc_type, *exc_value, *exc_tb;
	PyObject *mod = NULL, *ws = NULL, *data = NULL, *amod = NULL;
	PyObject *task_type = NULL, *task = NULL, *name;
	int rc = -EAGAIN;

	if (t->known)
		return 0;
	PyErr_Fetch(&exc_type, &exc_value, &exc_tb);
	if ((name = PyUnicode_FromString("asyncio.tasks")) == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	mod = PyImport_GetModule(name);
	Py_DECREF(name);
	if (mod == NULL)
		goto out;
	ws = PyObject_GetAttrString(mod, "_scheduled_tasks");
	if (ws == NULL) {
		PyErr_Clear();
		ws = PyObject_GetAttrString(mod, "_all_tasks");
	}
	if (ws == NULL || (data = PyObject_GetAttrString(ws, "data")) == NULL ||
	    !PySet_Check(data)) {
		rc = -ENOENT;
		goto out;
	}
	amod = PyImport_ImportModule("_asyncio");
	if (amod == NULL ||
	    (task_type = PyObject_GetAttrString(amod, "Task")) == NULL ||
	    !PyType_Check(task_type)) {
		rc = -ENOENT;
		goto out;
	}
	task = first_task(t, data, task_type);
	if (task == NULL || (rc = learn(t, task)) != 0)
		goto out;
	if (offsetof(PyWeakReference, wr_object) + 8 >
	    sizeof ((struct probe *)0)->ref) {
		rc = -ENOTSUP;
		goto out;
	}
	t->set = (uint64_t)(uintptr_t)data;
	t->set_used = offsetof(PySetObject, used);
	t->set_mask = offsetof(PySetObject, mask);
	t->set_table = offsetof(PySetObject, table);
	t->ref_object = offsetof(PyWeakReference, wr_object);
	t->task_type = (uint64_t)(uintptr_t)task_type;
	Py_XDECREF(t->weakset);
	Py_XDECREF(t->data);
	t->weakset = ws;
	t->data = data;
	ws = data = NULL;
	t->known = 1;
out:
	Py_XDECREF(task);
	Py_XDECREF(task_type);
	Py_XDECREF(amod);
	Py_XDECREF(data);
	Py_XDECREF(ws);
	Py_XDECREF(mod);
	PyErr_Restore(exc_type, exc_value, exc_tb);
	return rc;
}

/* Returns the next number of a xorshift64* sequence kept in *s. */
static uint64_t
next_random(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

/* Reads every request of iov[0..k), noting in ok[] which were read:
 * 0, or -errno when the process cannot be read at all. */
static int
read_each(fp__mem_t *m, const fp__mem_iov_t *iov, size_t k, char *ok)
{
	size_t j = 0;
	int got;

	memset(ok, 0, k);
	while (j < k) {
		if ((got = fp__mem_readv(m, iov + j, k - j)) < 0)
			return got;
		while (got-- > 0)
			ok[j++] = 1;
		j++;		/* the unreadable one */
	}
	return 0;
}

/* Runs candidates p[0..n) (n <= PROBES, their set entries read) through
 * the pipeline: weak reference, task of loop, suspended coroutine. Moves
 * the coroutines of the qualifying ones to the front and returns how
 * many. */
static size_t
filter(fp__taskread_t *t, fp__stackreader_t *r, uint64_t loop,
    struct probe *p, size_t n)
{
	fp__mem_t *m = fp__stackreader_mem(r);
	const fp__pylayout_t *l = fp__stackreader_layout(r);
	fp__mem_iov_t iov[PROBES];
	size_t idx[PROBES], i, j, k, keep;
	char ok[PROBES];

	/* weak references (the dummy key of a deleted entry, and freed
	 * ones, fail the type check) */
	for (i = k = 0; i < n; i++) {
		p[i].coro = 0;
		if (!live_entry(p[i].slot))
			continue;
		iov[k].addr = p[i].slot[0];
		iov[k].dst = p[i].ref;
		iov[k].len = t->ref_object + 8;
		idx[k++] = i;
	}
	if (read_each(m, iov, k, ok) != 0)
		return 0;
	/* the tasks they point to */
	for (i = j = 0; i < k; i++) {
		struct probe *q = &p[idx[i]];
		uint64_t obj = q->ref[t->ref_object / 8];

		if (!ok[i] || q->ref[l->ob_type / 8] != t->ref_type ||
		    !plausible(obj))
			continue;
		iov[j].addr = obj;
		iov[j].dst = q->task;
		iov[j].len = t->task_span;
		idx[j++] = idx[i];
	}
	k = j;
	if (read_each(m, iov, k, ok) != 0)
		return 0;
	for (i = 0; i < k; i++) {
		struct probe *q = &p[idx[i]];

		if (ok[i] && q->task[l->ob_type / 8] == t->task_type &&
		    q->task[t->task_loop / 8] == loop)
			q->coro = q->task[t->task_coro / 8];
	}
	/* their coroutines, suspended (one read each: only the loop's own
	 * tasks get this far) */
	for (i = keep = 0; i < n; i++) {
		if (p[i].coro != 0 &&
		    fp__stackreader_suspended(r, p[i].coro, &p[keep].frame) == 0)
			p[keep++].coro = p[i].coro;
	}
	return keep;
}

/* Picks a waiting task by random probes of the table, its coroutine's
 * frame into *out; returns 0 when none was found in ROUNDS rounds. */
static int
probe_random(fp__taskread_t *t, fp__stackreader_t *r, uint64_t loop,
    uint64_t table, uint64_t mask, uint64_t *seed, fp__rframe_t *out)
{
	fp__mem_t *m = fp__stackreader_mem(r);
	struct probe p[PROBES];
	fp__mem_iov_t iov[PROBES];
	size_t i, j, n;
	int got;

	for (i = 0; i < ROUNDS; i++) {
		for (j = 0; j < PROBES; j++) {
			iov[j].addr = table + (next_random(seed) & mask) * 16;
			iov[j].dst = p[j].slot;
			iov[j].len = 16;
		}
		got = fp__mem_readv(m, iov, PROBES);
		if (got <= 0)
			return 0;
		n = filter(t, r, loop, p, (size_t)got);
		if (n > 0) {
			*out = p[0].frame;
			return 1;
		}
	}
	return 0;
}

/* Picks a waiting task from a whole read of a small table, uniformly
 * among the qualifying ones, its coroutine's frame into *out; returns 0
 * when there is none. */
static int
scan_all(fp__taskread_t *t, fp__stackreader_t *r, uint64_t loop,
    uint64_t table, uint64_t mask, uint64_t *seed, fp__rframe_t *out)
{
	fp__mem_t *m = fp__stackreader_mem(r);
	struct probe p[PROBES];
	uint64_t slots = mask + 1, i, seen = 0;
	size_t n = 0, k, j;

	if (slots > t->scan_cap) {
		uint64_t *b = realloc(t->scan, slots * 16);

		if (b == NULL)
			return 0;
		t->scan = b;
		t->scan_cap = slots;
	}
	if (fp__mem_read(m, table, t->scan, slots * 16) != 0)
		return 0;
	for (i = 0; i <= slots; i++) {
		if (i < slots && live_entry(&t->scan[2 * i])) {
			p[n].slot[0] = t->scan[2 * i];
			p[n].slot[1] = t->scan[2 * i + 1];
			n++;
		}
		if (n == PROBES || (i == slots && n > 0)) {
			k = filter(t, r, loop, p, n);
			/* reservoir sampling: each keeps 1 / seen chance */
			for (j = 0; j < k; j++) {
				seen++;
				if (next_random(seed) % seen == 0)
					*out = p[j].frame;
			}
			n = 0;
		}
	}
	return seen > 0;
}

/* Fills chain with the await chain from the suspended coroutine whose
 * frame is f, outermost first; returns its length. */
static size_t
follow(fp__stackreader_t *r, fp__rframe_t *f, const fp__rcode_t **chain,
    size_t max)
{
	size_t n = 0, steps;

	for (steps = 0; steps < CHAIN_STEPS && n < max; steps++) {
		const fp__rcode_t *c = fp__stackreader_code(r, f->code,
		    f->globals);

		if (c == NULL)
			break;
		chain[n++] = c;
		/* What it awaits is on top of its value stack; only a
		 * suspended coroutine or generator is followed. */
		if (f->stack_top == 0 ||
		    fp__stackreader_suspended(r, f->stack_top, f) != 0)
			break;
	}
	return n;
}

/* Fills chain with the await chain of a random waiting task of loop. */
int
fp__taskread_waiting_chain(fp__taskread_t *t, fp__stackreader_t *r,
    uint64_t loop, uint64_t random, const fp__rcode_t **chain, size_t max,
    size_t *n)
{
	fp__mem_t *m = fp__stackreader_mem(r);
	uint64_t hdr[16], used, mask, table, seed;
	fp__rframe_t f;
	size_t span;
	int err, found;

	*n = 0;
	if (!t->known)
		return -EAGAIN;
	span = t->set_table + 8;
	if (span > sizeof hdr || t->set_used + 8 > span ||
	    t->set_mask + 8 > span)
		return -EINVAL;
	if ((err = fp__mem_read(m, t->set, hdr, span)) != 0)
		return err == -EFAULT ? -ENOENT : err;
	used = hdr[t->set_used / 8];
	mask = hdr[t->set_mask / 8];
	table = hdr[t->set_table / 8];
	if (used == 0 || ((mask + 1) & mask) != 0 || mask >= (1u << 26) ||
	    !plausible(table))
		return -ENOENT;
	/* Spread the caller's number over all bits (splitmix64's finaliser):
	 * close or counting numbers must not give related probes. */
	seed = random + 0x9e3779b97f4a7c15ull;
	seed = (seed ^ seed >> 30) * 0xbf58476d1ce4e5b9ull;
	seed = (seed ^ seed >> 27) * 0x94d049bb133111ebull;
	seed = (seed ^ seed >> 31) | 1;
	if (used * 8 < mask + 1 && used <= SCAN_USED && mask < SCAN_SLOTS)
		found = scan_all(t, r, loop, table, mask, &seed, &f);
	else
		found = probe_random(t, r, loop, table, mask, &seed, &f);
	if (!found)
		return -ENOENT;
	*n = follow(r, &f, chain, max);
	return *n > 0 ? 0 : -ENOENT;
}

/* Drops the references and frees t. */
void
fp__taskread_free(fp__taskread_t *t)
{
	if (t == NULL)
		return;
	Py_XDECREF(t->weakset);
	Py_XDECREF(t->data);
	free(t->scan);
	free(t);
}
