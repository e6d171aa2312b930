/*
 * fprof-lex.h: the .fprof lexer, which reads one line of a document field
 * by field for the parser (fprof-read.c): " N" whole numbers, " STRING"
 * JSON string literals, the end of a record, and the JSON values of the
 * meta record. Every reading function returns 0, FP_ERR_NOMEM, or
 * FP_ERR_INVAL with one line in the caller's message buffer saying where
 * and what ("line 12: node: calls is not a whole number").
 *
 * Ownership: a lexer points into the caller's document and message buffer
 * and owns neither; a string a function returns in *out is the caller's,
 * to free, and is NULL whenever the function fails.
 */
#ifndef FP_FPROF_LEX_H
#define FP_FPROF_LEX_H

#include <stddef.h>
#include <stdint.h>

#include "fullprof.h"

typedef struct fp__lex {
	const char *p, *eol;	/* the unread part of the current line */
	size_t line;		/* its number, from 1; 0 in messages about
				 * the whole file */
	const char *rec;	/* the record being read, for messages */
	char *err;		/* the caller's message buffer, or NULL */
	size_t errlen;
} fp__lex_t;

/* Writes a message into x's buffer, prefixed by "line N: " when x->line
 * is not 0; returns FP_ERR_INVAL. */
int fp__lex_fail(fp__lex_t *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Copies n bytes of s into out (size bytes) for a message: printable
 * ASCII only, the rest as '?', cut with "..." past 24 characters; returns
 * out. */
const char *fp__lex_shown(const char *s, size_t n, char *out, size_t size);

/* Reads decimal digits (no sign, no leading zero) into *v; returns 0, or
 * -1 (and no message) when there are none or the number passes
 * UINT64_MAX. */
int fp__lex_scan_u64(fp__lex_t *x, uint64_t *v);

/* Reads an optionally negative decimal number of magnitude at most max
 * (< 2^63) into *v; returns 0 or -1 (and no message). */
int fp__lex_scan_i64(fp__lex_t *x, uint64_t max, int64_t *v);

/* Consumes the space before the field called name. */
int fp__lex_field_start(fp__lex_t *x, const char *name);

/* Reads the field " N", N from 0 to max, into *v. */
int fp__lex_u64(fp__lex_t *x, const char *name, uint64_t max,
    uint64_t *v);

/* Reads the field " N", N from -max to max, into *v. */
int fp__lex_i64(fp__lex_t *x, const char *name, uint64_t max,
    int64_t *v);

/* Reads the JSON string literal at x->p into a new string *out: valid
 * UTF-8 without NUL. */
int fp__lex_scan_string(fp__lex_t *x, const char *name, char **out);

/* Reads the field " STRING" (or " null", giving NULL, when nullable) into
 * *out. */
int fp__lex_str(fp__lex_t *x, const char *name, int nullable,
    char **out);

/* Returns non-zero, past it, when the line continues with word. */
int fp__lex_take(fp__lex_t *x, const char *word);

/* Checks that the record has no more fields. */
int fp__lex_end(fp__lex_t *x);

/* Skips JSON spaces and tabs. */
void fp__lex_skip_ws(fp__lex_t *x);

/* Skips one JSON value of the meta key key (one fullprof does not know),
 * nested depth deep (0 at the top) and at most 32. */
int fp__lex_skip_value(fp__lex_t *x, const char *key, int depth);

#endif /* FP_FPROF_LEX_H */
