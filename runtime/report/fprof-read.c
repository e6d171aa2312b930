/*
 * fprof-read.c: the .fprof reader. It parses a document line by line (the
 * format is described in report/fprof.c) and builds the profile data with
 * the same calls a live profile uses, so what it returns holds the same
 * invariants: every index in range, parents before children, one node per
 * call path, strings valid UTF-8 without NUL, figures small enough to add
 * up. Nothing in the input is trusted: every line is bounded, every number
 * range-checked, every escape decoded by hand, and the first problem found
 * ends the reading with one line saying where and what.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/fprof-read.h"

#define HEADER "fullprof-profile"
#define MAX_DEPTH 32		/* nesting of an unknown meta value */

/* The sums that merging adds up, by column. */
enum { SUM_CALLS, SUM_OWN, SUM_TOTAL, SUM_SUSPENDED, SUM_SUM, SUM_SAMPLES,
    SUM_OWN_SAMPLES, NSUMS };

typedef struct reader {
	const char *p, *eol;	/* the unread part of the current line */
	size_t line;		/* its number, from 1; 0 in messages about
				 * the whole file */
	const char *rec;	/* the record being read, for messages */
	fp__pdata_t *d;
	uint64_t sums[NSUMS];	/* absolute values summed, per column */
	char *err;
	size_t errlen;
} reader_t;

static const char *const modes[] = { "trace", "sample", NULL };
static const char *const timers[] = { "wall", "cpu", "process", "custom",
    NULL };

static int fail(reader_t *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Writes a message into the caller's buffer, prefixed by the line number
 * when there is one; returns FP_ERR_INVAL. */
static int
fail(reader_t *r, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (r->err == NULL || r->errlen == 0)
		return FP_ERR_INVAL;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (r->line > 0)
		snprintf(r->err, r->errlen, "line %zu: %s", r->line, msg);
	else
		snprintf(r->err, r->errlen, "%s", msg);
	return FP_ERR_INVAL;
}

/* Copies n bytes of s into out for a message: printable ASCII only (the
 * rest as '?'), cut with "..." past 24 characters; returns out. */
static const char *
shown(const char *s, size_t n, char *out, size_t size)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 4 < size; i++) {
		if (i == 24) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		out[o++] = s[i] >= 0x20 && s[i] < 0x7F ? s[i] : '?';
	}
	out[o] = '\0';
	return out;
}

/* Returns non-zero when the current field has ended: at a space or at the
 * end of the line. */
static int
field_ends(const reader_t *r)
{
	return r->p == r->eol || *r->p == ' ';
}

/* Reads decimal digits (no sign, no leading zero) into *v; returns 0, or
 * -1 when there are none or the number passes UINT64_MAX. */
static int
scan_u64(reader_t *r, uint64_t *v)
{
	const char *p = r->p;
	uint64_t n = 0;

	if (p == r->eol || *p < '0' || *p > '9')
		return -1;
	if (*p == '0' && p + 1 < r->eol && p[1] >= '0' && p[1] <= '9')
		return -1;
	for (; p < r->eol && *p >= '0' && *p <= '9'; p++) {
		unsigned digit = (unsigned)(*p - '0');

		if (n > (UINT64_MAX - digit) / 10)
			return -1;
		n = n * 10 + digit;
	}
	r->p = p;
	*v = n;
	return 0;
}

/* Reads an optionally negative decimal number whose magnitude is at most
 * max (< 2^63) into *v; returns 0 or -1. */
static int
scan_i64(reader_t *r, uint64_t max, int64_t *v)
{
	int neg = r->p < r->eol && *r->p == '-';
	uint64_t m;

	if (neg)
		r->p++;
	if (scan_u64(r, &m) != 0 || m > max)
		return -1;
	*v = neg ? -(int64_t)m : (int64_t)m;
	return 0;
}

/* Consumes the space before a field; returns 0 or an error naming the
 * field as missing. */
static int
field_start(reader_t *r, const char *name)
{
	if (r->p < r->eol && *r->p == ' ') {
		r->p++;
		return 0;
	}
	if (r->p == r->eol)
		return fail(r, "%s: %s is missing", r->rec, name);
	return fail(r, "%s: unexpected character before %s", r->rec, name);
}

/* Reads " N" with N from 0 to max into *v; returns 0 or an error. */
static int
field_u64(reader_t *r, const char *name, uint64_t max, uint64_t *v)
{
	int rc = field_start(r, name);

	if (rc != 0)
		return rc;
	if (scan_u64(r, v) != 0 || !field_ends(r))
		return fail(r, "%s: %s is not a whole number", r->rec, name);
	if (*v > max)
		return fail(r, "%s: %s %llu is too large", r->rec, name,
		    (unsigned long long)*v);
	return 0;
}

/* Reads " N" with N from -max to max into *v; returns 0 or an error. */
static int
field_i64(reader_t *r, const char *name, uint64_t max, int64_t *v)
{
	int rc = field_start(r, name);

	if (rc != 0)
		return rc;
	if (scan_i64(r, max, v) != 0 || !field_ends(r))
		return fail(r, "%s: %s is not a whole number from -%llu to %llu",
		    r->rec, name, (unsigned long long)max,
		    (unsigned long long)max);
	return 0;
}

/* Returns the length of the valid UTF-8 sequence at s (before end), or 0
 * (overlong forms, surrogates and code points past U+10FFFF are
 * invalid). */
static size_t
utf8_length(const unsigned char *s, const unsigned char *end)
{
	size_t n, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xE0) == 0xC0)
		n = 2, cp = s[0] & 0x1F;
	else if ((s[0] & 0xF0) == 0xE0)
		n = 3, cp = s[0] & 0x0F;
	else if ((s[0] & 0xF8) == 0xF0)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if ((size_t)(end - s) < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

/* Reads four hex digits at s into *v; returns 0 or -1. */
static int
hex4(const char *s, const char *end, unsigned *v)
{
	int i;

	if (end - s < 4)
		return -1;
	*v = 0;
	for (i = 0; i < 4; i++) {
		char c = s[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

/* Appends the UTF-8 encoding of code point cp at o; returns the end. */
static char *
put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xC0 | (cp >> 6));
		*o++ = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xE0 | (cp >> 12));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*o++ = (char)(0x80 | (cp & 0x3F));
	} else {
		*o++ = (char)(0xF0 | (cp >> 18));
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*o++ = (char)(0x80 | (cp & 0x3F));
	}
	return o;
}

/* Decodes the JSON escapes and bytes from s to q (the closing quote) into
 * o, which has room for q - s bytes; returns the end of the output, or
 * NULL with *why set. The output is never longer than the input: an
 * escape is at least as long as what it stands for. */
static char *
decode(const char *s, const char *q, char *o, const char **why)
{
	unsigned cp, lo;
	size_t n;

	while (s < q) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20) {
			*why = "a control character that is not escaped";
			return NULL;
		}
		if (c >= 0x80) {
			if ((n = utf8_length((const unsigned char *)s,
			    (const unsigned char *)q)) == 0) {
				*why = "bytes that are not UTF-8";
				return NULL;
			}
			memcpy(o, s, n);
			o += n;
			s += n;
			continue;
		}
		if (c != '\\') {
			*o++ = *s++;
			continue;
		}
		s++;		/* the scan before ensured a character follows */
		switch (*s++) {
		case '"': *o++ = '"'; continue;
		case '\\': *o++ = '\\'; continue;
		case '/': *o++ = '/'; continue;
		case 'b': *o++ = '\b'; continue;
		case 'f': *o++ = '\f'; continue;
		case 'n': *o++ = '\n'; continue;
		case 'r': *o++ = '\r'; continue;
		case 't': *o++ = '\t'; continue;
		case 'u': break;
		default:
			*why = "an unknown escape";
			return NULL;
		}
		if (hex4(s, q, &cp) != 0) {
			*why = "a \\u escape without four hex digits";
			return NULL;
		}
		s += 4;
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			if (q - s < 6 || s[0] != '\\' || s[1] != 'u' ||
			    hex4(s + 2, q, &lo) != 0 || lo < 0xDC00 ||
			    lo > 0xDFFF) {
				*why = "a lone surrogate";
				return NULL;
			}
			s += 6;
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
			*why = "a lone surrogate";
			return NULL;
		} else if (cp == 0) {
			*why = "a NUL character";
			return NULL;
		}
		o = put_utf8(o, cp);
	}
	return o;
}

/* Reads the JSON string literal at r->p into a new string *out; returns
 * 0, FP_ERR_NOMEM, or an error naming the field. */
static int
scan_string(reader_t *r, const char *name, char **out)
{
	const char *s = r->p, *q, *why = "no closing quote";
	char *str, *end;

	*out = NULL;
	if (s == r->eol || *s != '"')
		return fail(r, "%s: %s is not a string", r->rec, name);
	for (q = s + 1; q < r->eol && *q != '"'; q++) {
		if (*q == '\\' && ++q == r->eol)
			break;
	}
	if (q >= r->eol)
		return fail(r, "%s: %s is not a valid string (%s)", r->rec,
		    name, why);
	if ((str = malloc((size_t)(q - s))) == NULL)
		return FP_ERR_NOMEM;
	if ((end = decode(s + 1, q, str, &why)) == NULL) {
		free(str);
		return fail(r, "%s: %s is not a valid string (%s)", r->rec,
		    name, why);
	}
	*end = '\0';
	r->p = q + 1;
	*out = str;
	return 0;
}

/* Returns non-zero, past it, when the line continues with word. */
static int
take(reader_t *r, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(r->eol - r->p) < n || memcmp(r->p, word, n) != 0)
		return 0;
	r->p += n;
	return 1;
}

/* Reads " STRING" (or " null" when nullable) into *out; returns 0,
 * FP_ERR_NOMEM or an error. */
static int
field_string(reader_t *r, const char *name, int nullable, char **out)
{
	int rc = field_start(r, name);

	*out = NULL;
	if (rc != 0)
		return rc;
	if (nullable && take(r, "null")) {
		if (!field_ends(r))
			return fail(r, "%s: %s is not a string or null", r->rec,
			    name);
		return 0;
	}
	if ((rc = scan_string(r, name, out)) != 0)
		return rc;
	if (!field_ends(r)) {
		free(*out);
		*out = NULL;
		return fail(r, "%s: unexpected text after %s", r->rec, name);
	}
	return 0;
}

/* Checks that the record has no more fields; returns 0 or an error. */
static int
record_ends(reader_t *r)
{
	if (r->p != r->eol)
		return fail(r, "%s: unexpected text at the end of the line",
		    r->rec);
	return 0;
}

/* Skips JSON spaces and tabs. */
static void
skip_ws(reader_t *r)
{
	while (r->p < r->eol && (*r->p == ' ' || *r->p == '\t'))
		r->p++;
}

/* Skips the digits at r->p; returns how many there were. */
static size_t
skip_digits(reader_t *r)
{
	const char *p = r->p;

	while (r->p < r->eol && *r->p >= '0' && *r->p <= '9')
		r->p++;
	return (size_t)(r->p - p);
}

/* Skips a JSON number; returns 0 or -1. */
static int
skip_number(reader_t *r)
{
	if (r->p < r->eol && *r->p == '-')
		r->p++;
	if (r->p < r->eol && *r->p == '0')
		r->p++;
	else if (skip_digits(r) == 0)
		return -1;
	if (r->p < r->eol && *r->p == '.') {
		r->p++;
		if (skip_digits(r) == 0)
			return -1;
	}
	if (r->p < r->eol && (*r->p == 'e' || *r->p == 'E')) {
		r->p++;
		if (r->p < r->eol && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (skip_digits(r) == 0)
			return -1;
	}
	return 0;
}

/* Skips one JSON value of a meta key this fullprof does not know, nested
 * at most MAX_DEPTH deep; returns 0, FP_ERR_NOMEM or an error. */
static int
skip_value(reader_t *r, const char *key, int depth)
{
	char close;
	char *s;
	int rc;

	if (depth > MAX_DEPTH)
		return fail(r, "meta: %s is nested too deeply", key);
	if (r->p == r->eol)
		return fail(r, "meta: %s has no value", key);
	switch (*r->p) {
	case '"':
		if ((rc = scan_string(r, key, &s)) != 0)
			return rc;
		free(s);
		return 0;
	case '{':
	case '[':
		close = *r->p == '{' ? '}' : ']';
		r->p++;
		skip_ws(r);
		if (r->p < r->eol && *r->p == close) {
			r->p++;
			return 0;
		}
		for (;;) {
			if (close == '}') {
				if ((rc = scan_string(r, key, &s)) != 0)
					return rc;
				free(s);
				skip_ws(r);
				if (r->p == r->eol || *r->p != ':')
					return fail(r, "meta: %s is not valid "
					    "JSON", key);
				r->p++;
				skip_ws(r);
			}
			if ((rc = skip_value(r, key, depth + 1)) != 0)
				return rc;
			skip_ws(r);
			if (r->p < r->eol && *r->p == close) {
				r->p++;
				return 0;
			}
			if (r->p == r->eol || *r->p != ',')
				return fail(r, "meta: %s is not valid JSON", key);
			r->p++;
			skip_ws(r);
		}
	}
	if (take(r, "true") || take(r, "false") || take(r, "null") ||
	    skip_number(r) == 0)
		return 0;
	return fail(r, "meta: %s is not valid JSON", key);
}

/* Reads a meta value that is a name from names (or null) into *out: the
 * static copy, so that the meta record owns nothing more. */
static int
meta_name(reader_t *r, const char *key, const char *const *names,
    const char **out)
{
	char *s, show[32];
	int rc;

	*out = NULL;
	if (take(r, "null"))
		return 0;
	if ((rc = scan_string(r, key, &s)) != 0)
		return rc;
	for (; *names != NULL; names++) {
		if (strcmp(*names, s) == 0) {
			*out = *names;
			free(s);
			return 0;
		}
	}
	rc = fail(r, "meta: unknown %s \"%s\"", key, shown(s, strlen(s), show,
	    sizeof show));
	free(s);
	return rc;
}

/* Reads the meta argv: a JSON array of strings. */
static int
meta_argv(reader_t *r, fp__meta_t *m)
{
	char **na;
	int rc;

	if (r->p == r->eol || *r->p != '[')
		return fail(r, "meta: argv is not an array of strings");
	r->p++;
	skip_ws(r);
	if (r->p < r->eol && *r->p == ']') {
		r->p++;
		return 0;
	}
	for (;;) {
		if (m->argc >= INT_MAX - 1)
			return fail(r, "meta: argv is too long");
		na = realloc(m->argv, ((size_t)m->argc + 2) * sizeof *na);
		if (na == NULL)
			return FP_ERR_NOMEM;
		m->argv = na;
		na[m->argc] = NULL;
		if ((rc = scan_string(r, "argv", &na[m->argc])) != 0)
			return rc;
		na[++m->argc] = NULL;
		skip_ws(r);
		if (r->p < r->eol && *r->p == ']') {
			r->p++;
			return 0;
		}
		if (r->p == r->eol || *r->p != ',')
			return fail(r, "meta: argv is not an array of strings");
		r->p++;
		skip_ws(r);
	}
}

/* Reads a JSON whole number for a meta key into *v (magnitude at most
 * max); returns 0 or an error. */
static int
meta_number(reader_t *r, const char *key, uint64_t max, int64_t *v)
{
	if (scan_i64(r, max, v) != 0 || (r->p < r->eol && (*r->p == '.' ||
	    *r->p == 'e' || *r->p == 'E')))
		return fail(r, "meta: %s is not a whole number from -%llu to "
		    "%llu", key, (unsigned long long)max,
		    (unsigned long long)max);
	return 0;
}

/* Reads a JSON whole number from 0 to FP__FPROF_LIMIT for a meta key into
 * *v; returns 0 or an error. */
static int
meta_count(reader_t *r, const char *key, uint64_t *v)
{
	if (scan_u64(r, v) != 0 || *v > FP__FPROF_LIMIT || (r->p < r->eol &&
	    (*r->p == '.' || *r->p == 'e' || *r->p == 'E')))
		return fail(r, "meta: %s is not a whole number from 0 to %llu",
		    key, (unsigned long long)FP__FPROF_LIMIT);
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
	fp__meta_t *m = &r->d->meta;
	char show[32];
	int64_t v;
	uint64_t u;
	int rc;

	if (strcmp(key, "mode") == 0)
		return meta_name(r, "mode", modes, &m->mode);
	if (strcmp(key, "timer") == 0)
		return meta_name(r, "timer", timers, &m->timer);
	if (strcmp(key, "python") == 0) {
		if (take(r, "null"))
			return 0;
		return scan_string(r, "python", &m->python);
	}
	if (strcmp(key, "argv") == 0)
		return meta_argv(r, m);
	if (strcmp(key, "pid") == 0) {
		if ((rc = meta_number(r, key, LONG_MAX, &v)) == 0)
			m->pid = (long)v;
		return rc;
	}
	if (strcmp(key, "duration_ns") == 0) {
		if ((rc = meta_number(r, key, FP__FPROF_LIMIT, &v)) == 0)
			m->duration = v;
		return rc;
	}
	if (strcmp(key, "started_unix_ns") == 0) {
		if ((rc = meta_number(r, key, INT64_MAX, &v)) == 0)
			m->started_unix_ns = v;
		return rc;
	}
	if (strcmp(key, "interval_ns") == 0) {
		if ((rc = meta_count(r, key, &u)) == 0)
			m->interval = (fp_time_t)u;
		return rc;
	}
	if (strcmp(key, "samples_requested") == 0)
		return meta_count(r, key, &m->samples_requested);
	if (strcmp(key, "samples_taken") == 0)
		return meta_count(r, key, &m->samples_taken);
	if (strcmp(key, "samples_dropped") == 0)
		return meta_count(r, key, &m->samples_dropped);
	if (strcmp(key, "samples_uncovered_ns") == 0) {
		if ((rc = meta_count(r, key, &u)) == 0)
			m->samples_uncovered = (fp_time_t)u;
		return rc;
	}
	if (strcmp(key, "lost_calls") == 0) {
		if (scan_u64(r, &u) != 0 || (r->p < r->eol && (*r->p == '.' ||
		    *r->p == 'e' || *r->p == 'E')))
			return fail(r, "meta: lost_calls is not a whole number "
			    "from 0 to %llu", (unsigned long long)UINT64_MAX);
		m->lost = u;
		return 0;
	}
	return skip_value(r, shown(key, strlen(key), show, sizeof show), 0);
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
	unsigned seen = 0;
	char *key = NULL, *fullprof;
	int rc, k;

	r->rec = "meta";
	if ((rc = field_start(r, "the object")) != 0)
		return rc;
	if (r->p == r->eol || *r->p != '{')
		return fail(r, "meta: not a JSON object");
	r->p++;
	skip_ws(r);
	if (r->p < r->eol && *r->p == '}') {
		r->p++;
		goto done;
	}
	for (;;) {
		if ((rc = scan_string(r, "a key", &key)) != 0)
			return rc;
		for (k = 0; meta_keys[k] != NULL; k++) {
			if (strcmp(meta_keys[k], key) == 0)
				break;
		}
		if (meta_keys[k] != NULL && (seen & (1u << k))) {
			rc = fail(r, "meta: %s appears twice", meta_keys[k]);
			goto out;
		}
		if (meta_keys[k] != NULL)
			seen |= 1u << k;
		skip_ws(r);
		if (r->p == r->eol || *r->p != ':') {
			rc = fail(r, "meta: no ':' after a key");
			goto out;
		}
		r->p++;
		skip_ws(r);
		if (strcmp(key, "fullprof") == 0) {
			rc = scan_string(r, "fullprof", &fullprof);
			free(fullprof);
		} else {
			rc = meta_value(r, key);
		}
		if (rc != 0)
			goto out;
		free(key);
		key = NULL;
		skip_ws(r);
		if (r->p < r->eol && *r->p == '}') {
			r->p++;
			break;
		}
		if (r->p == r->eol || *r->p != ',')
			return fail(r, "meta: expected ',' or '}' after a value");
		r->p++;
		skip_ws(r);
	}
done:
	if (r->p != r->eol)
		return fail(r, "meta: unexpected text after the object");
	if (r->d->meta.mode == NULL)
		return fail(r, "meta: no mode");
	if (!sampled(r) && (r->d->meta.interval != 0 ||
	    r->d->meta.samples_requested != 0 ||
	    r->d->meta.samples_taken != 0 || r->d->meta.samples_dropped != 0))
		return fail(r, "meta: sample counts or an interval in a %s "
		    "profile", r->d->meta.mode);
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
	fp__pdata_t *d = r->d;
	char *file = NULL, *name = NULL, *module = NULL;
	uint64_t index, line;
	uint32_t got;
	int rc;

	r->rec = "func";
	if ((rc = field_u64(r, "the index", UINT32_MAX - 1, &index)) != 0 ||
	    (rc = field_u64(r, "the line", INT_MAX, &line)) != 0 ||
	    (rc = field_string(r, "the file", 0, &file)) != 0 ||
	    (rc = field_string(r, "the name", 0, &name)) != 0 ||
	    (rc = field_string(r, "the module", 1, &module)) != 0 ||
	    (rc = record_ends(r)) != 0)
		goto out;
	if (index != d->nfuncs) {
		rc = fail(r, "func %llu is out of order (expected func %zu)",
		    (unsigned long long)index, d->nfuncs);
		goto out;
	}
	got = fp__pdata_add_func(d, file, (int)line, name, module);
	if (got == FP__NONE)
		rc = FP_ERR_NOMEM;
	else if (got != index)
		rc = fail(r, "func %llu is the same function as func %lu",
		    (unsigned long long)index, (unsigned long)got);
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
	fp__pdata_t *d = r->d;
	uint64_t index, root, ident, pid;
	int64_t native_id;
	char *name = NULL;
	int rc;

	r->rec = "thread";
	if ((rc = field_u64(r, "the index", UINT32_MAX - 2, &index)) != 0 ||
	    (rc = field_u64(r, "the root node", UINT32_MAX - 2, &root)) != 0 ||
	    (rc = field_u64(r, "the ident", UINT64_MAX, &ident)) != 0 ||
	    (rc = field_i64(r, "the native id", INT64_MAX, &native_id)) != 0 ||
	    (rc = field_u64(r, "the pid", UINT64_MAX, &pid)) != 0 ||
	    (rc = field_string(r, "the name", 0, &name)) != 0 ||
	    (rc = record_ends(r)) != 0)
		goto out;
	if (index != d->nthreads)
		rc = fail(r, "thread %llu is out of order (expected thread %zu)",
		    (unsigned long long)index, d->nthreads);
	else if (root != d->nnodes)
		rc = fail(r, "thread %llu: its root node %llu is out of order "
		    "(expected node %zu)", (unsigned long long)index,
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
	int rc;

	if (r->eol - r->p >= 2 && r->p[0] == ' ' && r->p[1] == '-' &&
	    (r->eol - r->p == 2 || r->p[2] == ' ')) {
		r->p += 2;
		*v = INT64_MAX;
		return 0;
	}
	if ((rc = field_i64(r, "min", FP__FPROF_LIMIT, v)) != 0)
		return rc;
	return 0;
}

/* Reads "node INDEX PARENT FUNC CALLS OWN TOTAL SUSPENDED SUM MIN MAX",
 * followed in sample mode (only) by "SAMPLES OWN_SAMPLES"; a sampled node
 * without them, as written before sampling existed, has no samples. */
static int
read_node(reader_t *r)
{
	fp__pdata_t *d = r->d;
	uint64_t index, parent, func;
	fp__stats_t s;
	uint32_t got;
	int rc;

	memset(&s, 0, sizeof s);
	r->rec = "node";
	if ((rc = field_u64(r, "the index", UINT32_MAX - 2, &index)) != 0 ||
	    (rc = field_u64(r, "the parent", UINT32_MAX - 2, &parent)) != 0 ||
	    (rc = field_u64(r, "the function", UINT32_MAX - 2, &func)) != 0 ||
	    (rc = field_u64(r, "calls", FP__FPROF_LIMIT, &s.calls)) != 0 ||
	    (rc = field_i64(r, "own", FP__FPROF_LIMIT, &s.own)) != 0 ||
	    (rc = field_i64(r, "total", FP__FPROF_LIMIT, &s.total)) != 0 ||
	    (rc = field_i64(r, "suspended", FP__FPROF_LIMIT,
	    &s.suspended)) != 0 ||
	    (rc = field_i64(r, "sum", FP__FPROF_LIMIT, &s.sum)) != 0 ||
	    (rc = field_min(r, &s.min)) != 0 ||
	    (rc = field_i64(r, "max", FP__FPROF_LIMIT, &s.max)) != 0)
		return rc;
	if (sampled(r) && r->p != r->eol && ((rc = field_u64(r, "samples",
	    FP__FPROF_LIMIT, &s.samples)) != 0 || (rc = field_u64(r,
	    "own samples", FP__FPROF_LIMIT, &s.own_samples)) != 0))
		return rc;
	if ((rc = record_ends(r)) != 0)
		return rc;
	if (index != d->nnodes)
		return fail(r, "node %llu is out of order (expected node %zu)",
		    (unsigned long long)index, d->nnodes);
	if (parent >= d->nnodes)
		return fail(r, "node %llu has unknown parent %llu",
		    (unsigned long long)index, (unsigned long long)parent);
	if (func >= d->nfuncs)
		return fail(r, "node %llu has unknown function %llu",
		    (unsigned long long)index, (unsigned long long)func);
	if (add_sum(&r->sums[SUM_CALLS], (int64_t)s.calls) != 0 ||
	    add_sum(&r->sums[SUM_OWN], s.own) != 0 ||
	    add_sum(&r->sums[SUM_TOTAL], s.total) != 0 ||
	    add_sum(&r->sums[SUM_SUSPENDED], s.suspended) != 0 ||
	    add_sum(&r->sums[SUM_SUM], s.sum) != 0 ||
	    add_sum(&r->sums[SUM_SAMPLES], (int64_t)s.samples) != 0 ||
	    add_sum(&r->sums[SUM_OWN_SAMPLES], (int64_t)s.own_samples) != 0)
		return fail(r, "node %llu: the figures add up to more than "
		    "%llu", (unsigned long long)index,
		    (unsigned long long)FP__FPROF_LIMIT);
	got = fp__pdata_add_node(d, (uint32_t)parent, (uint32_t)func, &s);
	if (got == FP__NONE)
		return FP_ERR_NOMEM;
	if (got != index)
		return fail(r, "node %llu repeats node %lu (same parent and "
		    "function)", (unsigned long long)index, (unsigned long)got);
	return 0;
}

/* Reads "nodata SPEC". */
static int
read_nodata(reader_t *r)
{
	fp__pdata_t *d = r->d;
	char *spec, **nd;
	int rc;

	r->rec = "nodata";
	if ((rc = field_string(r, "the name", 0, &spec)) != 0)
		return rc;
	if ((rc = record_ends(r)) != 0) {
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
	uint64_t n;
	int rc;

	r->rec = "end";
	if ((rc = field_u64(r, "the number of nodes", UINT64_MAX, &n)) != 0 ||
	    (rc = record_ends(r)) != 0)
		return rc;
	if (n != r->d->nnodes)
		return fail(r, "end: the file says %llu nodes but has %zu",
		    (unsigned long long)n, r->d->nnodes);
	return 0;
}

#define CR_MESSAGE "the line ends with a carriage return (Windows line " \
	"ends are not allowed)"

/* Returns non-zero when the line ends with a carriage return, which no
 * field may hold: the file was given Windows line ends. */
static int
ends_with_cr(const reader_t *r)
{
	return r->eol > r->p && r->eol[-1] == '\r';
}

/* Checks the first line, "fullprof-profile VERSION", which is complete
 * when a newline ends it; returns 0 or an error (r->line is 1). */
static int
read_header(reader_t *r, int complete)
{
	size_t n = (size_t)(r->eol - r->p), hn = strlen(HEADER);
	uint64_t version;

	if (memcmp(r->p, HEADER, n < hn ? n : hn) != 0 ||
	    (n > hn && r->p[hn] != ' ') || (n <= hn && complete))
		return fail(r, "not a fullprof profile (it does not begin with "
		    "'" HEADER "')");
	if (!complete) {
		r->line = 0;
		return fail(r, "truncated: the header line is incomplete");
	}
	if (ends_with_cr(r))
		return fail(r, CR_MESSAGE);
	r->p += hn + 1;
	if (scan_u64(r, &version) != 0 || r->p != r->eol)
		return fail(r, "the header has no format version");
	if (version != FP__FPROF_VERSION) {
		r->line = 0;
		return fail(r, "format version %llu is not supported (this "
		    "fullprof reads version %d)", (unsigned long long)version,
		    FP__FPROF_VERSION);
	}
	return 0;
}

/* Reads one record line after the header; *state is 0 before the meta
 * record, 1 after it, 2 after the end record. */
static int
read_record(reader_t *r, int *state)
{
	const char *w = r->p;
	char show[32];
	size_t n;
	int rc;

	while (r->p < r->eol && *r->p != ' ')
		r->p++;
	n = (size_t)(r->p - w);
	if (*state == 2)
		return fail(r, "text after the end line");
	if (n == 0)
		return fail(r, "empty record");
#define IS(word) (n == sizeof(word) - 1 && memcmp(w, word, n) == 0)
	if (*state == 0) {
		if (!IS("meta"))
			return fail(r, "expected the meta record, found '%s'",
			    shown(w, n, show, sizeof show));
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
		return fail(r, "a second meta record");
#undef IS
	return fail(r, "unknown record '%s'", shown(w, n, show, sizeof show));
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
	r.err = err;
	r.errlen = errlen;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (len == 0)
		return fail(&r, "empty file");
	if ((r.d = fp__pdata_new(NULL)) == NULL)
		return FP_ERR_NOMEM;
	while (p < end && rc == FP_OK) {
		nl = memchr(p, '\n', (size_t)(end - p));
		r.line++;
		r.p = p;
		r.eol = nl != NULL ? nl : end;
		if ((size_t)(r.eol - p) > FP__FPROF_MAX_LINE) {
			rc = fail(&r, "longer than %u bytes",
			    FP__FPROF_MAX_LINE);
			break;
		}
		if (r.line == 1) {
			rc = read_header(&r, nl != NULL);
		} else if (nl == NULL) {
			r.line = 0;
			rc = fail(&r, "truncated: the last line is incomplete");
		} else if (ends_with_cr(&r) && state != 2) {
			rc = fail(&r, CR_MESSAGE);
		} else {
			rc = read_record(&r, &state);
		}
		p = nl != NULL ? nl + 1 : end;
	}
	if (rc == FP_OK && state != 2) {
		r.line = 0;
		rc = fail(&r, "truncated: no end line");
	}
	if (rc == FP_OK && fp__fprof_magnitude(r.d) > FP__FPROF_LIMIT) {
		r.line = 0;
		rc = fail(&r, "the figures add up to more than %llu",
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
