/*
 * buf.c: the growable text buffer and its JSON helpers.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"

/* Initialises an empty buffer. */
void
fp__buf_init(fp__buf_t *b)
{
	memset(b, 0, sizeof *b);
}

/* Releases the buffer's memory. */
void
fp__buf_free(fp__buf_t *b)
{
	free(b->data);
	fp__buf_init(b);
}

/* Makes room for n more bytes plus a NUL; returns 0 or -1. */
static int
reserve(fp__buf_t *b, size_t n)
{
	size_t need = b->len + n + 1, ncap;
	char *nd;

	if (b->nomem)
		return -1;
	if (need <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 4096;
	while (ncap < need)
		ncap *= 2;
	nd = realloc(b->data, ncap);
	if (nd == NULL) {
		b->nomem = 1;
		return -1;
	}
	b->data = nd;
	b->cap = ncap;
	return 0;
}

/* Appends n bytes. */
void
fp__buf_add(fp__buf_t *b, const char *s, size_t n)
{
	if (reserve(b, n) != 0)
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/* Appends a NUL-terminated string. */
void
fp__buf_puts(fp__buf_t *b, const char *s)
{
	fp__buf_add(b, s, strlen(s));
}

/* Appends printf-formatted text. */
void
fp__buf_printf(fp__buf_t *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || reserve(b, (size_t)n) != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* Appends s as a JSON string literal. */
void
fp__buf_json_string(fp__buf_t *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fp__buf_add(b, "\"", 1);
	while (*p != '\0') {
		size_t n;

		switch (*p) {
		case '"': fp__buf_add(b, "\\\"", 2); p++; continue;
		case '\\': fp__buf_add(b, "\\\\", 2); p++; continue;
		case '\n': fp__buf_add(b, "\\n", 2); p++; continue;
		case '\r': fp__buf_add(b, "\\r", 2); p++; continue;
		case '\t': fp__buf_add(b, "\\t", 2); p++; continue;
		case '\b': fp__buf_add(b, "\\b", 2); p++; continue;
		case '\f': fp__buf_add(b, "\\f", 2); p++; continue;
		}
		if (*p < 0x20 || *p == 0x7F) {
			fp__buf_printf(b, "\\u%04x", *p);
			p++;
			continue;
		}
		n = fp__utf8_length(p);
		if (n == 0) {
			fp__buf_puts(b, "\\ufffd");
			p++;
			continue;
		}
		fp__buf_add(b, (const char *)p, n);
		p += n;
	}
	fp__buf_add(b, "\"", 1);
}

/* Appends a duration in nanoseconds as exact JSON seconds. */
void
fp__buf_json_seconds(fp__buf_t *b, long long ns)
{
	char frac[16];
	int i;
	unsigned long long a = ns < 0 ? -(unsigned long long)ns : (unsigned long long)ns;

	if (ns < 0)
		fp__buf_add(b, "-", 1);
	fp__buf_printf(b, "%llu", a / 1000000000ull);
	snprintf(frac, sizeof frac, "%09llu", a % 1000000000ull);
	for (i = 8; i >= 0 && frac[i] == '0'; i--)
		frac[i] = '\0';
	if (frac[0] != '\0') {
		fp__buf_add(b, ".", 1);
		fp__buf_puts(b, frac);
	}
}
