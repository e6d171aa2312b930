/*
 * utf8.h: the one UTF-8 decoder, validator and encoder. Strings inside
 * fullprof are UTF-8 as CPython gives them, but a .fprof file, a name read
 * from another process or a file name made of raw bytes may hold anything:
 * every writer and reader checks its bytes here, with the same rules
 * (no overlong forms, no surrogates, nothing past U+10FFFF). Nothing here
 * allocates or owns memory; the caller owns every buffer passed in.
 */
#ifndef FP_UTF8_H
#define FP_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define FP__UTF8_MAX 4		/* the longest encoding of a character */

/* Decodes the character that begins at s, of which at most n bytes may be
 * read, into *cp; returns its length in bytes (1 to 4), or 0, leaving *cp
 * alone, when the bytes there begin no valid character (a stray or missing
 * continuation byte, an overlong form, a surrogate, a code point past
 * U+10FFFF). In a NUL-terminated string n may be SIZE_MAX: a NUL continues
 * no character, so the decoder never reads past it. */
size_t fp__utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Returns the length of the valid UTF-8 character that begins at s, a
 * NUL-terminated string, or 0 when s begins none (as fp__utf8_decode). */
size_t fp__utf8_length(const unsigned char *s);

/* Returns the number of characters in the NUL-terminated string s: its
 * bytes that do not continue a character (what a terminal shows for valid
 * UTF-8; an invalid byte counts as one). */
size_t fp__utf8_count(const char *s);

/* Writes code point cp (at most U+10FFFF and no surrogate) at out, which
 * has room for FP__UTF8_MAX bytes; returns the bytes written, 1 to 4.
 * Inline: the sampler encodes every character of the names it reads. */
static inline size_t
fp__utf8_encode(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

#endif /* FP_UTF8_H */
