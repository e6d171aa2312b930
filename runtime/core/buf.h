/*
 * buf.h: a growable text buffer that the report writers print into. An
 * allocation failure is sticky and reported once, when the text is used.
 *
 * Ownership: a buffer owns its text; fp__buf_free releases it, and the
 * caller owns a buffer's storage (usually on its stack).
 */
#ifndef FP_BUF_H
#define FP_BUF_H

#include <stddef.h>

typedef struct fp__buf {
	char *data;
	size_t len, cap;
	int nomem;
} fp__buf_t;

/* Initialises an empty buffer. */
void fp__buf_init(fp__buf_t *b);

/* Releases the buffer's memory. */
void fp__buf_free(fp__buf_t *b);

/* Appends n bytes. */
void fp__buf_add(fp__buf_t *b, const char *s, size_t n);

/* Appends a NUL-terminated string. */
void fp__buf_puts(fp__buf_t *b, const char *s);

/* Appends printf-formatted text. */
void fp__buf_printf(fp__buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Appends s as a JSON string literal, quotes included; bytes that are not
 * valid UTF-8 are written as U+FFFD. */
void fp__buf_json_string(fp__buf_t *b, const char *s);

/* Appends a duration in nanoseconds as JSON seconds, exactly
 * ("0.000014", "1.5", "0"). */
void fp__buf_json_seconds(fp__buf_t *b, long long ns);

#endif /* FP_BUF_H */
