/*
 * pstats.c: the pstats format, the file cProfile's dump_stats()
 * writes and pstats.Stats, snakeviz and the other cProfile tools load.
 *
 * It is one object in Python's marshal format: a dict keyed by function,
 * (file, line, name), whose values are (cc, nc, tt, ct, callers): primitive
 * calls, calls, own seconds, total seconds, and a dict keyed by each
 * calling function with (nc, cc, tt, ct) for the calls made from it. The
 * marshal bytes are written here directly, using only the types every
 * Python 3 since 3.4 reads (Python/marshal.c): '{' ... '0' dicts, ')'
 * small tuples, 'i' 32-bit and 'l' larger ints, 'g' binary floats, and
 * 'z' short ASCII or 'u' UTF-8 strings, never references.
 *
 * The figures come from the call tree: a function's are the sums over its
 * nodes (total counted once per outermost activation, as cProfile does),
 * and an edge's are the callee's figures on the nodes whose parent is the
 * caller, so a function's edges add up to its own figures less the calls
 * made at the top of a thread, which have no caller.
 *
 * A statistical profile has no calls: its sample counts take their place
 * (nc and cc are both the samples with the function on the stack, which
 * recursive paths do not repeat), and tt and ct are the estimated own and
 * total seconds, so the tools sort and draw by them as usual.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "report/formats.h"

/* One call path reduced to the functions at its two ends. */
typedef struct edge {
	uint32_t callee, caller, node;
} edge_t;

/* Appends one byte. */
static void
put_byte(fp__buf_t *b, int c)
{
	char ch = (char)c;

	fp__buf_add(b, &ch, 1);
}

/* Appends a 32-bit value, least significant byte first. */
static void
put_u32(fp__buf_t *b, uint32_t v)
{
	char p[4];

	p[0] = (char)(v & 0xff);
	p[1] = (char)((v >> 8) & 0xff);
	p[2] = (char)((v >> 16) & 0xff);
	p[3] = (char)((v >> 24) & 0xff);
	fp__buf_add(b, p, 4);
}

/* Appends an int: 'i' and 4 bytes when it fits 32 bits, else 'l', the
 * signed count of 15-bit digits and the digits, least significant first,
 * as 2-byte values. */
static void
put_int(fp__buf_t *b, int neg, uint64_t mag)
{
	uint64_t m;
	uint32_t ndigits = 0;

	if (!neg && mag <= INT32_MAX) {
		put_byte(b, 'i');
		put_u32(b, (uint32_t)mag);
		return;
	}
	if (neg && mag <= (uint64_t)INT32_MAX + 1) {
		put_byte(b, 'i');
		put_u32(b, (uint32_t)(0 - mag));
		return;
	}
	for (m = mag; m != 0; m >>= 15)
		ndigits++;
	put_byte(b, 'l');
	put_u32(b, neg ? 0 - ndigits : ndigits);
	for (m = mag; m != 0; m >>= 15) {
		char d[2];

		d[0] = (char)(m & 0xff);
		d[1] = (char)((m >> 8) & 0x7f);
		fp__buf_add(b, d, 2);
	}
}

/* Appends a count. */
static void
put_count(fp__buf_t *b, uint64_t v)
{
	put_int(b, 0, v);
}

/* Appends nanoseconds as a float of seconds: 'g' and the IEEE 754 double,
 * least significant byte first. */
static void
put_seconds(fp__buf_t *b, fp_time_t ns)
{
	double x = (double)ns / 1e9;
	uint64_t bits;
	char p[8];
	int i;

	memcpy(&bits, &x, sizeof bits);
	for (i = 0; i < 8; i++)
		p[i] = (char)((bits >> (8 * i)) & 0xff);
	put_byte(b, 'g');
	fp__buf_add(b, p, 8);
}

/* Appends a str: 'z' with a 1-byte length for short ASCII, else 'u' with
 * a 4-byte length and UTF-8, each invalid byte written as U+FFFD (marshal
 * would refuse the whole file over it). */
static void
put_str(fp__buf_t *b, const char *s)
{
	const unsigned char *p;
	size_t len = 0, ascii = 1, n;

	for (p = (const unsigned char *)s; *p != '\0'; p += n) {
		n = fp__utf8_length(p);
		if (n != 1)
			ascii = 0;
		len += n ? n : 3;
		if (n == 0)
			n = 1;
	}
	if (ascii && len < 256) {
		put_byte(b, 'z');
		put_byte(b, (int)len);
		fp__buf_add(b, s, len);
		return;
	}
	put_byte(b, 'u');
	put_u32(b, (uint32_t)len);
	for (p = (const unsigned char *)s; *p != '\0'; p += n) {
		n = fp__utf8_length(p);
		if (n == 0) {
			fp__buf_add(b, "\xef\xbf\xbd", 3);
			n = 1;
		} else {
			fp__buf_add(b, (const char *)p, n);
		}
	}
}

/* Appends a function's key, the tuple (file, line, name). */
static void
put_func(fp__buf_t *b, const fp__pfunc_t *f)
{
	put_byte(b, ')');
	put_byte(b, 3);
	put_str(b, f->file);
	put_int(b, f->line < 0, f->line < 0 ? 0 - (uint64_t)(int64_t)f->line :
	    (uint64_t)f->line);
	put_str(b, f->name);
}

/* Orders edges by callee, then caller, then node. */
static int
edge_cmp(const void *pa, const void *pb)
{
	const edge_t *a = pa, *b = pb;

	if (a->callee != b->callee)
		return a->callee < b->callee ? -1 : 1;
	if (a->caller != b->caller)
		return a->caller < b->caller ? -1 : 1;
	return a->node < b->node ? -1 : a->node > b->node;
}

/* Returns the count pstats calls a node's calls: its samples in a
 * statistical profile. */
static uint64_t
count_of(const fp__stats_t *s, int sampled)
{
	return sampled ? s->samples : s->calls;
}

/* Appends the callers dict of the edges [e, end) into one callee, summing
 * the edges of each caller. */
static void
put_callers(fp__buf_t *b, const fp__pdata_t *d, const edge_t *e,
    const edge_t *end, int sampled)
{
	put_byte(b, '{');
	while (e < end) {
		uint32_t caller = e->caller;
		uint64_t nc = 0, cc = 0;
		fp_time_t tt = 0, ct = 0;

		for (; e < end && e->caller == caller; e++) {
			const fp__pnode_t *n = &d->nodes[e->node];

			nc += count_of(&n->stats, sampled);
			if (!n->recursive)
				cc += count_of(&n->stats, sampled);
			tt += n->stats.own;
			ct += n->stats.total;
		}
		if (nc == 0 && tt == 0 && ct == 0)
			continue;
		put_func(b, &d->funcs[caller]);
		put_byte(b, ')');
		put_byte(b, 4);
		put_count(b, nc);
		put_count(b, cc);
		put_seconds(b, tt);
		put_seconds(b, ct);
	}
	put_byte(b, '0');
}

/* Renders profile data as a pstats file. Returns FP_OK or FP_ERR_NOMEM. */
int
fp__render_pstats(fp__buf_t *out, const fp__pdata_t *d,
    const fp__render_opts_t *o)
{
	fp__stats_t *sums = NULL;
	uint64_t *primitive = NULL;
	uint8_t *calls_out = NULL;
	edge_t *edges = NULL, *e, *end;
	size_t nedges = 0, i;
	int rc = FP_ERR_NOMEM, sampled = fp__meta_sampled(&d->meta);

	(void)o;
	sums = calloc(d->nfuncs + 1, sizeof *sums);
	primitive = calloc(d->nfuncs + 1, sizeof *primitive);
	calls_out = calloc(d->nfuncs + 1, 1);
	edges = malloc((d->nnodes + 1) * sizeof *edges);
	if (sums == NULL || primitive == NULL || calls_out == NULL ||
	    edges == NULL)
		goto out;
	for (i = 0; i < d->nnodes; i++) {
		const fp__pnode_t *n = &d->nodes[i];
		uint32_t caller;

		if (n->func == FP__NONE)
			continue;
		fp__stats_merge(&sums[n->func], &n->stats);
		if (!n->recursive)
			primitive[n->func] += count_of(&n->stats, sampled);
		caller = d->nodes[n->parent].func;
		if (caller == FP__NONE)
			continue;
		edges[nedges].callee = n->func;
		edges[nedges].caller = caller;
		edges[nedges].node = (uint32_t)i;
		nedges++;
		calls_out[caller] = 1;
	}
	qsort(edges, nedges, sizeof *edges, edge_cmp);
	e = edges;
	end = edges + nedges;
	put_byte(out, '{');
	for (i = 0; i < d->nfuncs; i++) {
		const fp__stats_t *s = &sums[i];
		const edge_t *first;

		while (e < end && e->callee < i)
			e++;
		for (first = e; e < end && e->callee == i; e++)
			;
		/* As in the per-function rows, plus any function that called
		 * one, so that every caller is a key too. */
		if (s->calls == 0 && s->own == 0 && s->samples == 0 &&
		    !calls_out[i])
			continue;
		put_func(out, &d->funcs[i]);
		put_byte(out, ')');
		put_byte(out, 5);
		put_count(out, primitive[i]);
		put_count(out, count_of(s, sampled));
		put_seconds(out, s->own);
		put_seconds(out, s->total);
		put_callers(out, d, first, e, sampled);
	}
	put_byte(out, '0');
	rc = out->nomem ? FP_ERR_NOMEM : FP_OK;
out:
	free(sums);
	free(primitive);
	free(calls_out);
	free(edges);
	return rc;
}
