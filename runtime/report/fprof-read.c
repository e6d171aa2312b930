/*
 * fprof-read.c: the .fprof reader. It parses a document line by line (the
 * format is described in report/fprof.c) and builds the profile data with
 * the same calls a live profile uses, so what it returns holds the same
 * invariants: every index in range, parents before children, one node per
 * call path, strings valid UTF-8 without NUL, figures small enough to add
 * up. Nothing in the input is trusted: every line is bounded, every number
 * range-checked, every escape decoded by hand (by the lexer, fprof-lex.c,
 * which reads the fields this parser asks for), and the first problem
 * found ends the reading with one line saying where and what.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/fprof-lex.h"
#include "report/fprof-read.h"

#define HEADER "fullprof-profile"

/* The sums that merging adds up, by column. */
enum { SUM_CALLS, SUM_OWN, SUM_TOTAL, SUM_SUSPENDED, SUM_SUM, SUM_SAMPLES,
    SUM_OWN_SAMPLES, NSUMS };

/* The parser: the lexer on the current line, and what it builds. */
typedef struct reader {
	fp__lex_t x;
	fp__pdata_t *d;
	uint64_t sums[NSUMS];	/* absolute values summed, per column */
} reader_t;

static const char *const modes[] = { "trace", "sample", NULL };
static const char *const timers[] = { "wall", "cpu", "process", "custom",
    NULL };

/* Reads a meta value that is a name from names (or null) into *out: the
 * static copy, so that the meta record owns nothing more. */
static int
meta_name(fp__lex_t *x, const char *key, const char *const *names,
    const char **out)
{
	char *s, show[32];
	int rc;

	*out = NULL;
	if (fp__lex_take(x, "null"))
		return 0;
	if ((rc = fp__lex_scan_string(x, key, &s)) != 0)
		return rc;
	for (; *names != NULL; names++) {
		if (strcmp(*names, s) == 0) {
			*out = *names;
			free(s);
			return 0;
		}
	}
	rc = fp__lex_fail(x, "meta: unknown %s \"%s\"", key,
	    fp__lex_shown(s, strlen(s), show, sizeof show));
	free(s);
	return rc;
}

/* Reads the meta argv: a JSON array of strings. */
static int
meta_argv(fp__lex_t *x, fp__meta_t *m)
{
	char **na;
	int rc;

	if (x->p == x->eol || *x->p != '[')
		return fp__lex_fail(x, "meta: argv is not an array of "
		    "strings");
	x->p++;
	fp__lex_skip_ws(x);
	if (x->p < x->eol && *x->p == ']') {
		x->p++;
		return 0;
	}
	for (;;) {
		if (m->argc >= INT_MAX - 1)
			return fp__lex_fail(x, "meta: argv is too long");
		na = realloc(m->argv, ((size_t)m->argc + 2) * sizeof *na);
		if (na == NULL)
			return FP_ERR_NOMEM;
		m->argv = na;
		na[m->argc] = NULL;
		if ((rc = fp__lex_scan_string(x, "argv", &na[m->argc])) != 0)
			return rc;
		na[++m->argc] = NULL;
		fp__lex_skip_ws(x);
		if (x->p < x->eol && *x->p == ']') {
			x->p++;
			return 0;
		}
		if (x->p == x->eol || *x->p != ',')
			return fp__lex_fail(x, "meta: argv is not an array of "
			    "strings");
		x->p++;
		fp__lex_skip_ws(x);
	}
}

/* Reads a JSON whole number for a meta key into *v (magnitude at most
 * max); returns 0 or an error. */
static int
meta_number(fp__lex_t *x, const char *key, uint64_t max, int64_t *v)
{
	if (fp__lex_scan_i64(x, max, v) != 0 || (x->p < x->eol &&
	    (*x->p == '.' || *x->p == 'e' || *x->p == 'E')))
		return fp__lex_fail(x, "meta: %s is not a whole number from "
		    "-%llu to %llu", key, (unsigned long long)max,
		    (unsigned long long)max);
	return 0;
}

/* Reads a JSON whole number from 0 to FP__FPROF_LIMIT for a meta key into
 * *v; returns 0 or an error. */
static int
meta_count(fp__lex_t *x, const char *key, uint64_t *v)
{
	if (fp__lex_scan_u64(x, v) != 0 || *v > FP__FPROF_LIMIT ||
	    (x->p < x->eol && (*x->p == '.' || *x->p == 'e' || *x->p == 'E')))
		return fp__lex_fail(x, "meta: %s is not a whole number from 0 "
		    "to %llu", key, (unsigned long long)FP__FPROF_LIMIT);
	return 0;
}

/* Returns non-zero when the profile being read is a statistical one. */
static int
sampled(const reader_t *r)
{
	return r->d->meta.mode != NULL &&
	    strcmp(r->d->meta.mode, "sample") == 0;
}

/* Reads the value of one meta key into the profile's meta record. */
static int
meta_value(reader_t *r, const char *key)
{
	fp__lex_t *x = &r->x;
	fp__meta_t *m = &r->d->meta;
	char show[32];
	int64_t v;
	uint64_t u;
	int rc;

	if (strcmp(key, "mode") == 0)
		return meta_name(x, "mode", modes, &m->mode);
	if (strcmp(key, "timer") == 0)
		return meta_name(x, "timer", timers, &m->timer);
	if (strcmp(key, "python") == 0) {
		if (fp__lex_take(x, "null"))
			return 0;
		return fp__lex_scan_string(x, "python", &m->python);
	}
	if (strcmp(key, "argv") == 0)
		return meta_argv(x, m);
	if (strcmp(key, "pid") == 0) {
		if ((rc = meta_number(x, key, LONG_MAX, &v)) == 0)
			m->pid = (long)v;
		return rc;
	}
	if (strcmp(key, "duration_ns") == 0) {
		if ((rc = meta_number(x, key, FP__FPROF_LIMIT, &v)) == 0)
			m->duration = v;
		return rc;
	}
	if (strcmp(key, "started_unix_ns") == 0) {
		if ((rc = meta_number(x, key, INT64_MAX, &v)) == 0)
			m->started_unix_ns = v;
		return rc;
	}
	if (strcmp(key, "interval_ns") == 0) {
		if ((rc = meta_count(x, key, &u)) == 0)
			m->interval = (fp_time_t)u;
		return rc;
	}
	if (strcmp(key, "samples_requested") == 0)
		return meta_count(x, key, &m->samples_requested);
	if (strcmp(key, "samples_taken") == 0)
		return meta_count(x, key, &m->samples_taken);
	if (strcmp(key, "samples_dropped") == 0)
		return meta_count(x, key, &m->samples_dropped);
	if (strcmp(key, "samples_uncovered_ns") == 0) {
		if ((rc = meta_count(x, key, &u)) == 0)
			m->samples_uncovered = (fp_time_t)u;
		return rc;
	}
	if (strcmp(key, "lost_calls") == 0) {
		if (fp__lex_scan_u64(x, &u) != 0 || (x->p < x->eol &&
		    (*x->p == '.' || *x->p == 'e' || *x->p == 'E')))
			return fp__lex_fail(x, "meta: lost_calls is not a "
			    "whole number from 0 to %llu",
			    (unsigned long long)UINT64_MAX);
		m->lost = u;
		return 0;
	}
	return fp__lex_skip_value(x, fp__lex_shown(key, strlen(key), show,
	    sizeof show), 0);
}

/* The meta keys this fullprof reads, each allowed once. */
static const char *const meta_keys[] = { "fullprof", "mode", "timer",
    "python", "pid", "argv", "duration_ns", "started_unix_ns", "lost_calls",
    "interval_ns", "samples_requested", "samples_taken", "samples_dropped",
    "samples_uncovered_ns", NULL };

/* Reads the meta record: "meta" and a JSON object on one line. Unknown
 * keys are skipped, so that later versions may add some. */
static int
read_meta(reader_t *r)
{
	fp__lex_t *x = &r->x;
	unsigned seen = 0;
	char *key = NULL, *fullprof;
	int rc, k;

	x->rec = "meta";
	if ((rc = fp__lex_field_start(x, "the object")) != 0)
		return rc;
	if (x->p == x->eol || *x->p != '{')
		return fp__lex_fail(x, "meta: not a JSON object");
	x->p++;
	fp__lex_skip_ws(x);
	if (x->p < x->eol && *x->p == '}') {
		x->p++;
		goto done;
	}
	for (;;) {
		if ((rc = fp__lex_scan_string(x, "a key", &key)) != 0)
			return rc;
		for (k = 0; meta_keys[k] != NULL; k++) {
			if (strcmp(meta_keys[k], key) == 0)
				break;
		}
		if (meta_keys[k] != NULL && (seen & (1u << k))) {
			rc = fp__lex_fail(x, "meta: %s appears twice",
			    meta_keys[k]);
			goto out;
		}
		if (meta_keys[k] != NULL)
			seen |= 1u << k;
		fp__lex_skip_ws(x);
		if (x->p == x->eol || *x->p != ':') {
			rc = fp__lex_fail(x, "meta: no ':' after a key");
			goto out;
		}
		x->p++;
		fp__lex_skip_ws(x);
		if (strcmp(key, "fullprof") == 0) {
			rc = fp__lex_scan_string(x, "fullprof", &fullprof);
			free(fullprof);
		} else {
			rc = meta_value(r, key);
		}
		if (rc != 0)
			goto out;
		free(key);
		key = NULL;
		fp__lex_skip_ws(x);
		if (x->p < x->eol && *x->p == '}') {
			x->p++;
			break;
		}
		if (x->p == x->eol || *x->p != ',')
			return fp__lex_fail(x, "meta: expected ',' or '}' "
			    "after a value");
		x->p++;
		fp__lex_skip_ws(x);
	}
done:
	if (x->p != x->eol)
		return fp__lex_fail(x, "meta: unexpected text after the "
		    "object");
	if (r->d->meta.mode == NULL)
		return fp__lex_fail(x, "meta: no mode");
	if (!sampled(r) && (r->d->meta.interval != 0 ||
	    r->d->meta.samples_requested != 0 ||
	    r->d->meta.samples_taken != 0 || r->d->meta.samples_dropped != 0))
		return fp__lex_fail(x, "meta: sample counts or an interval in "
		    "a %s profile", r->d->meta.mode);
	return 0;
out:
	free(key);
	return rc;
}

/* Adds the magnitude of v to a column sum; returns 0, or -1 when the sum
 * passes FP__FPROF_LIMIT. */
static int
add_sum(uint64_t *sum, int64_t v)
{
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	if (a > FP__FPROF_LIMIT || *sum + a > FP__FPROF_LIMIT)
		return -1;
	*sum += a;
	return 0;
}

/* Reads "func INDEX LINE FILE NAME MODULE". */
static int
read_func(reader_t *r)
{
	fp__lex_t *x = &r->x;
	fp__pdata_t *d = r->d;
	char *file = NULL, *name = NULL, *module = NULL;
	uint64_t index, line;
	uint32_t got;
	int rc;

	x->rec = "func";
	if ((rc = fp__lex_u64(x, "the index", UINT32_MAX - 1, &index)) != 0 ||
	    (rc = fp__lex_u64(x, "the line", INT_MAX, &line)) != 0 ||
	    (rc = fp__lex_str(x, "the file", 0, &file)) != 0 ||
	    (rc = fp__lex_str(x, "the name", 0, &name)) != 0 ||
	    (rc = fp__lex_str(x, "the module", 1, &module)) != 0 ||
	    (rc = fp__lex_end(x)) != 0)
		goto out;
	if (index != d->nfuncs) {
		rc = fp__lex_fail(x, "func %llu is out of order (expected "
		    "func %zu)", (unsigned long long)index, d->nfuncs);
		goto out;
	}
	got = fp__pdata_add_func(d, file, (int)line, name, module);
	if (got == FP__NONE)
		rc = FP_ERR_NOMEM;
	else if (got != index)
		rc = fp__lex_fail(x, "func %llu is the same function as "
		    "func %lu", (unsigned long long)index, (unsigned long)got);
out:
	free(file);
	free(name);
	free(module);
	return rc;
}

/* Reads "thread INDEX ROOT IDENT NATIVE_ID PID NAME". */
static int
read_thread(reader_t *r)
{
	fp__lex_t *x = &r->x;
	fp__pdata_t *d = r->d;
	uint64_t index, root, ident, pid;
	int64_t native_id;
	char *name = NULL;
	int rc;

	x->rec = "thread";
	if ((rc = fp__lex_u64(x, "the index", UINT32_MAX - 2, &index)) != 0 ||
	    (rc = fp__lex_u64(x, "the root node", UINT32_MAX - 2,
	    &root)) != 0 ||
	    (rc = fp__lex_u64(x, "the ident", UINT64_MAX, &ident)) != 0 ||
	    (rc = fp__lex_i64(x, "the native id", INT64_MAX,
	    &native_id)) != 0 ||
	    (rc = fp__lex_u64(x, "the pid", UINT64_MAX, &pid)) != 0 ||
	    (rc = fp__lex_str(x, "the name", 0, &name)) != 0 ||
	    (rc = fp__lex_end(x)) != 0)
		goto out;
	if (index != d->nthreads)
		rc = fp__lex_fail(x, "thread %llu is out of order (expected "
		    "thread %zu)", (unsigned long long)index, d->nthreads);
	else if (root != d->nnodes)
		rc = fp__lex_fail(x, "thread %llu: its root node %llu is out "
		    "of order (expected node %zu)", (unsigned long long)index,
		    (unsigned long long)root, d->nnodes);
	else if (fp__pdata_add_thread(d, ident, native_id, name, pid) ==
	    FP__NONE)
		rc = FP_ERR_NOMEM;
out:
	free(name);
	return rc;
}

/* Reads " -" (no minimum: INT64_MAX) or a time into *v. */
static int
field_min(reader_t *r, int64_t *v)
{
	fp__lex_t *x = &r->x;
	int rc;

	if (x->eol - x->p >= 2 && x->p[0] == ' ' && x->p[1] == '-' &&
	    (x->eol - x->p == 2 || x->p[2] == ' ')) {
		x->p += 2;
		*v = INT64_MAX;
		return 0;
	}
	if ((rc = fp__lex_i64(x, "min", FP__FPROF_LIMIT, v)) != 0)
		return rc;
	return 0;
}

/* Reads "node INDEX PARENT FUNC CALLS OWN TOTAL SUSPENDED SUM MIN MAX",
 * followed in sample mode (only) by "SAMPLES OWN_SAMPLES"; a sampled node
 * without them, as written before sampling existed, has no samples. */
static int
read_node(reader_t *r)
{
	fp__lex_t *x = &r->x;
	fp__pdata_t *d = r->d;
	uint64_t index, parent, func;
	fp__stats_t s;
	uint32_t got;
	int rc;

	memset(&s, 0, sizeof s);
	x->rec = "node";
	if ((rc = fp__lex_u64(x, "the index", UINT32_MAX - 2, &index)) != 0 ||
	    (rc = fp__lex_u64(x, "the parent", UINT32_MAX - 2,
	    &parent)) != 0 ||
	    (rc = fp__lex_u64(x, "the function", UINT32_MAX - 2,
	    &func)) != 0 ||
	    (rc = fp__lex_u64(x, "calls", FP__FPROF_LIMIT, &s.calls)) != 0 ||
	    (rc = fp__lex_i64(x, "own", FP__FPROF_LIMIT, &s.own)) != 0 ||
	    (rc = fp__lex_i64(x, "total", FP__FPROF_LIMIT, &s.total)) != 0 ||
	    (rc = fp__lex_i64(x, "suspended", FP__FPROF_LIMIT,
	    &s.suspended)) != 0 ||
	    (rc = fp__lex_i64(x, "sum", FP__FPROF_LIMIT, &s.sum)) != 0 ||
	    (rc = field_min(r, &s.min)) != 0 ||
	    (rc = fp__lex_i64(x, "max", FP__FPROF_LIMIT, &s.max)) != 0)
		return rc;
	if (sampled(r) && x->p != x->eol && ((rc = fp__lex_u64(x, "samples",
	    FP__FPROF_LIMIT, &s.samples)) != 0 || (rc = fp__lex_u64(x,
	    "own samples", FP__FPROF_LIMIT, &s.own_samples)) != 0))
		return rc;
	if ((rc = fp__lex_end(x)) != 0)
		return rc;
	if (index != d->nnodes)
		return fp__lex_fail(x, "node %llu is out of order (expected "
		    "node %zu)", (unsigned long long)index, d->nnodes);
	if (parent >= d->nnodes)
		return fp__lex_fail(x, "node %llu has unknown parent %llu",
		    (unsigned long long)index, (unsigned long long)parent);
	if (func >= d->nfuncs)
		return fp__lex_fail(x, "node %llu has unknown function %llu",
		    (unsigned long long)index, (unsigned long long)func);
	if (add_sum(&r->sums[SUM_CALLS], (int64_t)s.calls) != 0 ||
	    add_sum(&r->sums[SUM_OWN], s.own) != 0 ||
	    add_sum(&r->sums[SUM_TOTAL], s.total) != 0 ||
	    add_sum(&r->sums[SUM_SUSPENDED], s.suspended) != 0 ||
	    add_sum(&r->sums[SUM_SUM], s.sum) != 0 ||
	    add_sum(&r->sums[SUM_SAMPLES], (int64_t)s.samples) != 0 ||
	    add_sum(&r->sums[SUM_OWN_SAMPLES], (int64_t)s.own_samples) != 0)
		return fp__lex_fail(x, "node %llu: the figures add up to more "
		    "than %llu", (unsigned long long)index,
		    (unsigned long long)FP__FPROF_LIMIT);
	got = fp__pdata_add_node(d, (uint32_t)parent, (uint32_t)func, &s);
	if (got == FP__NONE)
		return FP_ERR_NOMEM;
	if (got != index)
		return fp__lex_fail(x, "node %llu repeats node %lu (same "
		    "parent and function)", (unsigned long long)index,
		    (unsigned long)got);
	return 0;
}

/* Reads "nodata SPEC". */
static int
read_nodata(reader_t *r)
{
	fp__lex_t *x = &r->x;
	fp__pdata_t *d = r->d;
	char *spec, **nd;
	int rc;

	x->rec = "nodata";
	if ((rc = fp__lex_str(x, "the name", 0, &spec)) != 0)
		return rc;
	if ((rc = fp__lex_end(x)) != 0) {
		free(spec);
		return rc;
	}
	nd = realloc(d->no_data, (d->nno_data + 1) * sizeof *nd);
	if (nd == NULL) {
		free(spec);
		return FP_ERR_NOMEM;
	}
	d->no_data = nd;
	nd[d->nno_data++] = spec;
	return 0;
}

/* Reads "end NODES". */
static int
read_end(reader_t *r)
{
	fp__lex_t *x = &r->x;
	uint64_t n;
	int rc;

	x->rec = "end";
	if ((rc = fp__lex_u64(x, "the number of nodes", UINT64_MAX,
	    &n)) != 0 ||
	    (rc = fp__lex_end(x)) != 0)
		return rc;
	if (n != r->d->nnodes)
		return fp__lex_fail(x, "end: the file says %llu nodes but has "
		    "%zu", (unsigned long long)n, r->d->nnodes);
	return 0;
}

#define CR_MESSAGE "the line ends with a carriage return (Windows line " \
	"ends are not allowed)"

/* Returns non-zero when the line ends with a carriage return, which no
 * field may hold: the file was given Windows line ends. */
static int
ends_with_cr(const reader_t *r)
{
	const fp__lex_t *x = &r->x;

	return x->eol > x->p && x->eol[-1] == '\r';
}

/* Checks the first line, "fullprof-profile VERSION", which is complete
 * when a newline ends it; returns 0 or an error (x->line is 1). */
static int
read_header(reader_t *r, int complete)
{
	fp__lex_t *x = &r->x;
	size_t n = (size_t)(x->eol - x->p), hn = strlen(HEADER);
	uint64_t version;

	if (memcmp(x->p, HEADER, n < hn ? n : hn) != 0 ||
	    (n > hn && x->p[hn] != ' ') || (n <= hn && complete))
		return fp__lex_fail(x, "not a fullprof profile (it does not "
		    "begin with '" HEADER "')");
	if (!complete) {
		x->line = 0;
		return fp__lex_fail(x, "truncated: the header line is "
		    "incomplete");
	}
	if (ends_with_cr(r))
		return fp__lex_fail(x, CR_MESSAGE);
	x->p += hn + 1;
	if (fp__lex_scan_u64(x, &version) != 0 || x->p != x->eol)
		return fp__lex_fail(x, "the header has no format version");
	if (version != FP__FPROF_VERSION) {
		x->line = 0;
		return fp__lex_fail(x, "format version %llu is not supported "
		    "(this fullprof reads version %d)",
		    (unsigned long long)version, FP__FPROF_VERSION);
	}
	return 0;
}

/* Reads one record line after the header; *state is 0 before the meta
 * record, 1 after it, 2 after the end record. */
static int
read_record(reader_t *r, int *state)
{
	fp__lex_t *x = &r->x;
	const char *w = x->p;
	char show[32];
	size_t n;
	int rc;

	while (x->p < x->eol && *x->p != ' ')
		x->p++;
	n = (size_t)(x->p - w);
	if (*state == 2)
		return fp__lex_fail(x, "text after the end line");
	if (n == 0)
		return fp__lex_fail(x, "empty record");
#define IS(word) (n == sizeof(word) - 1 && memcmp(w, word, n) == 0)
	if (*state == 0) {
		if (!IS("meta"))
			return fp__lex_fail(x, "expected the meta record, "
			    "found '%s'", fp__lex_shown(w, n, show,
			    sizeof show));
		*state = 1;
		return read_meta(r);
	}
	if (IS("func"))
		return read_func(r);
	if (IS("thread"))
		return read_thread(r);
	if (IS("node"))
		return read_node(r);
	if (IS("nodata"))
		return read_nodata(r);
	if (IS("end")) {
		if ((rc = read_end(r)) == 0)
			*state = 2;
		return rc;
	}
	if (IS("meta"))
		return fp__lex_fail(x, "a second meta record");
#undef IS
	return fp__lex_fail(x, "unknown record '%s'", fp__lex_shown(w, n, show,
	    sizeof show));
}

/* Parses a .fprof document from memory. */
int
fp__fprof_read(const char *data, size_t len, fp__pdata_t **out, char *err,
    size_t errlen)
{
	const char *p = data, *end = data + len, *nl;
	reader_t r;
	int rc = FP_OK, state = 0;

	*out = NULL;
	memset(&r, 0, sizeof r);
	r.x.err = err;
	r.x.errlen = errlen;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (len == 0)
		return fp__lex_fail(&r.x, "empty file");
	if ((r.d = fp__pdata_new(NULL)) == NULL)
		return FP_ERR_NOMEM;
	while (p < end && rc == FP_OK) {
		nl = memchr(p, '\n', (size_t)(end - p));
		r.x.line++;
		r.x.p = p;
		r.x.eol = nl != NULL ? nl : end;
		if ((size_t)(r.x.eol - p) > FP__FPROF_MAX_LINE) {
			rc = fp__lex_fail(&r.x, "longer than %u bytes",
			    FP__FPROF_MAX_LINE);
			break;
		}
		if (r.x.line == 1) {
			rc = read_header(&r, nl != NULL);
		} else if (nl == NULL) {
			r.x.line = 0;
			rc = fp__lex_fail(&r.x, "truncated: the last line is "
			    "incomplete");
		} else if (ends_with_cr(&r) && state != 2) {
			rc = fp__lex_fail(&r.x, CR_MESSAGE);
		} else {
			rc = read_record(&r, &state);
		}
		p = nl != NULL ? nl + 1 : end;
	}
	if (rc == FP_OK && state != 2) {
		r.x.line = 0;
		rc = fp__lex_fail(&r.x, "truncated: no end line");
	}
	if (rc == FP_OK && fp__fprof_magnitude(r.d) > FP__FPROF_LIMIT) {
		r.x.line = 0;
		rc = fp__lex_fail(&r.x, "the figures add up to more than %llu",
		    (unsigned long long)FP__FPROF_LIMIT);
	}
	if (rc != FP_OK) {
		if (rc == FP_ERR_NOMEM && err != NULL && errlen > 0)
			snprintf(err, errlen, "%s", fp_strerror(rc));
		fp__pdata_free(r.d);
		return rc;
	}
	*out = r.d;
	return FP_OK;
}

/* Reads a whole file (or standard input for "-") into a new buffer;
 * returns 0, or an errno value. */
static int
slurp(const char *path, char **data, size_t *len)
{
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO :
	    open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 65536, n = 0;
	struct stat st;
	char *buf = NULL, *nb;
	ssize_t got;
	int e = 0;

	if (fd < 0)
		return errno;
	if (fstat(fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			e = EISDIR;
			goto out;
		}
		if (S_ISREG(st.st_mode) && st.st_size > 0 &&
		    (uint64_t)st.st_size < SIZE_MAX / 2)
			cap = (size_t)st.st_size + 1;
	}
	if ((buf = malloc(cap)) == NULL) {
		e = ENOMEM;
		goto out;
	}
	for (;;) {
		if (n == cap) {
			if (cap > SIZE_MAX / 2 ||
			    (nb = realloc(buf, cap * 2)) == NULL) {
				e = ENOMEM;
				goto out;
			}
			buf = nb;
			cap *= 2;
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			e = errno;
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
out:
	if (fd != STDIN_FILENO)
		close(fd);
	if (e != 0) {
		free(buf);
		return e;
	}
	*data = buf;
	*len = n;
	return 0;
}

/* Reads and parses a .fprof file. */
int
fp__fprof_read_file(const char *path, fp__pdata_t **out, char *err,
    size_t errlen)
{
	char *data = NULL;
	size_t len = 0;
	int e, rc;

	*out = NULL;
	if ((e = slurp(path, &data, &len)) != 0) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s", strerror(e));
		return e == ENOMEM ? FP_ERR_NOMEM : FP_ERR_IO;
	}
	rc = fp__fprof_read(data, len, out, err, errlen);
	free(data);
	return rc;
}

/* Adds the magnitude of v to *sum, saturating. */
static void
add_saturating(uint64_t *sum, int64_t v)
{
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	*sum = *sum > UINT64_MAX - a ? UINT64_MAX : *sum + a;
}

/* Returns the magnitude of d. */
uint64_t
fp__fprof_magnitude(const fp__pdata_t *d)
{
	uint64_t sums[NSUMS + 1], max = 0;
	size_t i;
	int k;

	memset(sums, 0, sizeof sums);
	for (i = 0; i < d->nnodes; i++) {
		const fp__stats_t *s = &d->nodes[i].stats;

		sums[SUM_CALLS] = sums[SUM_CALLS] > UINT64_MAX - s->calls ?
		    UINT64_MAX : sums[SUM_CALLS] + s->calls;
		add_saturating(&sums[SUM_OWN], s->own);
		add_saturating(&sums[SUM_TOTAL], s->total);
		add_saturating(&sums[SUM_SUSPENDED], s->suspended);
		add_saturating(&sums[SUM_SUM], s->sum);
		sums[SUM_SAMPLES] = sums[SUM_SAMPLES] > UINT64_MAX - s->samples ?
		    UINT64_MAX : sums[SUM_SAMPLES] + s->samples;
		sums[SUM_OWN_SAMPLES] = sums[SUM_OWN_SAMPLES] > UINT64_MAX -
		    s->own_samples ? UINT64_MAX : sums[SUM_OWN_SAMPLES] +
		    s->own_samples;
	}
	add_saturating(&sums[NSUMS], d->meta.duration);
	for (k = 0; k <= NSUMS; k++)
		if (sums[k] > max)
			max = sums[k];
	return max;
}
