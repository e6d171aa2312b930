/*
 * fprof-lex.c: the .fprof lexer, the half of the reader that knows how a
 * line is spelled and nothing of what it means: fields after single
 * spaces, whole numbers range-checked digit by digit, JSON string literals
 * with every escape decoded by hand and every byte checked as UTF-8, and
 * the JSON values of the meta record (skipped when a key is unknown). The
 * parser (fprof-read.c) asks it for one field at a time.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "report/fprof-lex.h"

#define MAX_DEPTH 32		/* nesting of an unknown meta value */

/* Writes a message into the caller's buffer, prefixed by the line number
 * when there is one; returns FP_ERR_INVAL. */
int
fp__lex_fail(fp__lex_t *x, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (x->err == NULL || x->errlen == 0)
		return FP_ERR_INVAL;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (x->line > 0)
		snprintf(x->err, x->errlen, "line %zu: %s", x->line, msg);
	else
		snprintf(x->err, x->errlen, "%s", msg);
	return FP_ERR_INVAL;
}

/* Copies n bytes of s into out for a message: printable ASCII only (the
 * rest as '?'), cut with "..." past 24 characters; returns out. */
const char *
fp__lex_shown(const char *s, size_t n, char *out, size_t size)
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
field_ends(const fp__lex_t *x)
{
	return x->p == x->eol || *x->p == ' ';
}

/* Reads decimal digits (no sign, no leading zero) into *v; returns 0, or
 * -1 when there are none or the number passes UINT64_MAX. */
int
fp__lex_scan_u64(fp__lex_t *x, uint64_t *v)
{
	const char *p = x->p;
	uint64_t n = 0;

	if (p == x->eol || *p < '0' || *p > '9')
		return -1;
	if (*p == '0' && p + 1 < x->eol && p[1] >= '0' && p[1] <= '9')
		return -1;
	for (; p < x->eol && *p >= '0' && *p <= '9'; p++) {
		unsigned digit = (unsigned)(*p - '0');

		if (n > (UINT64_MAX - digit) / 10)
			return -1;
		n = n * 10 + digit;
	}
	x->p = p;
	*v = n;
	return 0;
}

/* Reads an optionally negative decimal number whose magnitude is at most
 * max (< 2^63) into *v; returns 0 or -1. */
int
fp__lex_scan_i64(fp__lex_t *x, uint64_t max, int64_t *v)
{
	int neg = x->p < x->eol && *x->p == '-';
	uint64_t m;

	if (neg)
		x->p++;
	if (fp__lex_scan_u64(x, &m) != 0 || m > max)
		return -1;
	*v = neg ? -(int64_t)m : (int64_t)m;
	return 0;
}

/* Consumes the space before a field; returns 0 or an error naming the
 * field as missing. */
int
fp__lex_field_start(fp__lex_t *x, const char *name)
{
	if (x->p < x->eol && *x->p == ' ') {
		x->p++;
		return 0;
	}
	if (x->p == x->eol)
		return fp__lex_fail(x, "%s: %s is missing", x->rec, name);
	return fp__lex_fail(x, "%s: unexpected character before %s", x->rec,
	    name);
}

/* Reads " N" with N from 0 to max into *v; returns 0 or an error. */
int
fp__lex_u64(fp__lex_t *x, const char *name, uint64_t max, uint64_t *v)
{
	int rc = fp__lex_field_start(x, name);

	if (rc != 0)
		return rc;
	if (fp__lex_scan_u64(x, v) != 0 || !field_ends(x))
		return fp__lex_fail(x, "%s: %s is not a whole number", x->rec,
		    name);
	if (*v > max)
		return fp__lex_fail(x, "%s: %s %llu is too large", x->rec, name,
		    (unsigned long long)*v);
	return 0;
}

/* Reads " N" with N from -max to max into *v; returns 0 or an error. */
int
fp__lex_i64(fp__lex_t *x, const char *name, uint64_t max, int64_t *v)
{
	int rc = fp__lex_field_start(x, name);

	if (rc != 0)
		return rc;
	if (fp__lex_scan_i64(x, max, v) != 0 || !field_ends(x))
		return fp__lex_fail(x, "%s: %s is not a whole number from "
		    "-%llu to %llu", x->rec, name, (unsigned long long)max,
		    (unsigned long long)max);
	return 0;
}

/* Reads four hex digits at s into *v; returns 0 or -1. */
static int
hex4(const char *s, const char *end, uint32_t *v)
{
	int i;

	if (end - s < 4)
		return -1;
	*v = 0;
	for (i = 0; i < 4; i++) {
		char c = s[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

/* Decodes the JSON escapes and bytes from s to q (the closing quote) into
 * o, which has room for q - s bytes; returns the end of the output, or
 * NULL with *why set. The output is never longer than the input: an
 * escape is at least as long as what it stands for. */
static char *
decode(const char *s, const char *q, char *o, const char **why)
{
	uint32_t cp, lo;
	size_t n;

	while (s < q) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20) {
			*why = "a control character that is not escaped";
			return NULL;
		}
		if (c >= 0x80) {
			if ((n = fp__utf8_decode((const unsigned char *)s,
			    (size_t)(q - s), &cp)) == 0) {
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
		o += fp__utf8_encode(o, cp);
	}
	return o;
}

/* Reads the JSON string literal at x->p into a new string *out; returns
 * 0, FP_ERR_NOMEM, or an error naming the field. */
int
fp__lex_scan_string(fp__lex_t *x, const char *name, char **out)
{
	const char *s = x->p, *q, *why = "no closing quote";
	char *str, *end;

	*out = NULL;
	if (s == x->eol || *s != '"')
		return fp__lex_fail(x, "%s: %s is not a string", x->rec, name);
	for (q = s + 1; q < x->eol && *q != '"'; q++) {
		if (*q == '\\' && ++q == x->eol)
			break;
	}
	if (q >= x->eol)
		return fp__lex_fail(x, "%s: %s is not a valid string (%s)",
		    x->rec, name, why);
	if ((str = malloc((size_t)(q - s))) == NULL)
		return FP_ERR_NOMEM;
	if ((end = decode(s + 1, q, str, &why)) == NULL) {
		free(str);
		return fp__lex_fail(x, "%s: %s is not a valid string (%s)",
		    x->rec, name, why);
	}
	*end = '\0';
	x->p = q + 1;
	*out = str;
	return 0;
}

/* Returns non-zero, past it, when the line continues with word. */
int
fp__lex_take(fp__lex_t *x, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(x->eol - x->p) < n || memcmp(x->p, word, n) != 0)
		return 0;
	x->p += n;
	return 1;
}

/* Reads " STRING" (or " null" when nullable) into *out; returns 0,
 * FP_ERR_NOMEM or an error. */
int
fp__lex_str(fp__lex_t *x, const char *name, int nullable, char **out)
{
	int rc = fp__lex_field_start(x, name);

	*out = NULL;
	if (rc != 0)
		return rc;
	if (nullable && fp__lex_take(x, "null")) {
		if (!field_ends(x))
			return fp__lex_fail(x, "%s: %s is not a string or null",
			    x->rec, name);
		return 0;
	}
	if ((rc = fp__lex_scan_string(x, name, out)) != 0)
		return rc;
	if (!field_ends(x)) {
		free(*out);
		*out = NULL;
		return fp__lex_fail(x, "%s: unexpected text after %s", x->rec,
		    name);
	}
	return 0;
}

/* Checks that the record has no more fields; returns 0 or an error. */
int
fp__lex_end(fp__lex_t *x)
{
	if (x->p != x->eol)
		return fp__lex_fail(x, "%s: unexpected text at the end of "
		    "the line", x->rec);
	return 0;
}

/* Skips JSON spaces and tabs. */
void
fp__lex_skip_ws(fp__lex_t *x)
{
	while (x->p < x->eol && (*x->p == ' ' || *x->p == '\t'))
		x->p++;
}

/* Skips the digits at x->p; returns how many there were. */
static size_t
skip_digits(fp__lex_t *x)
{
	const char *p = x->p;

	while (x->p < x->eol && *x->p >= '0' && *x->p <= '9')
		x->p++;
	return (size_t)(x->p - p);
}

/* Skips a JSON number; returns 0 or -1. */
static int
skip_number(fp__lex_t *x)
{
	if (x->p < x->eol && *x->p == '-')
		x->p++;
	if (x->p < x->eol && *x->p == '0')
		x->p++;
	else if (skip_digits(x) == 0)
		return -1;
	if (x->p < x->eol && *x->p == '.') {
		x->p++;
		if (skip_digits(x) == 0)
			return -1;
	}
	if (x->p < x->eol && (*x->p == 'e' || *x->p == 'E')) {
		x->p++;
		if (x->p < x->eol && (*x->p == '+' || *x->p == '-'))
			x->p++;
		if (skip_digits(x) == 0)
			return -1;
	}
	return 0;
}

/* Skips one JSON value of a meta key this fullprof does not know, nested
 * at most MAX_DEPTH deep; returns 0, FP_ERR_NOMEM or an error. */
int
fp__lex_skip_value(fp__lex_t *x, const char *key, int depth)
{
	char close;
	char *s;
	int rc;

	if (depth > MAX_DEPTH)
		return fp__lex_fail(x, "meta: %s is nested too deeply", key);
	if (x->p == x->eol)
		return fp__lex_fail(x, "meta: %s has no value", key);
	switch (*x->p) {
	case '"':
		if ((rc = fp__lex_scan_string(x, key, &s)) != 0)
			return rc;
		free(s);
		return 0;
	case '{':
	case '[':
		close = *x->p == '{' ? '}' : ']';
		x->p++;
		fp__lex_skip_ws(x);
		if (x->p < x->eol && *x->p == close) {
			x->p++;
			return 0;
		}
		for (;;) {
			if (close == '}') {
				rc = fp__lex_scan_string(x, key, &s);
				if (rc != 0)
					return rc;
				free(s);
				fp__lex_skip_ws(x);
				if (x->p == x->eol || *x->p != ':')
					return fp__lex_fail(x, "meta: %s is "
					    "not valid JSON", key);
				x->p++;
				fp__lex_skip_ws(x);
			}
			if ((rc = fp__lex_skip_value(x, key, depth + 1)) != 0)
				return rc;
			fp__lex_skip_ws(x);
			if (x->p < x->eol && *x->p == close) {
				x->p++;
				return 0;
			}
			if (x->p == x->eol || *x->p != ',')
				return fp__lex_fail(x, "meta: %s is not "
				    "valid JSON", key);
			x->p++;
			fp__lex_skip_ws(x);
		}
	}
	if (fp__lex_take(x, "true") || fp__lex_take(x, "false") ||
	    fp__lex_take(x, "null") || skip_number(x) == 0)
		return 0;
	return fp__lex_fail(x, "meta: %s is not valid JSON", key);
}
