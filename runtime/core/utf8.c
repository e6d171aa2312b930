/*
 * utf8.c: checking and decoding UTF-8 (see utf8.h; the encoder, which the
 * sampler calls per character, is inline there).
 */
#include "config.h"

#include "core/utf8.h"

/* Decodes the character at s (at most n bytes) into *cp; returns its
 * length, or 0 when the bytes there are not valid UTF-8. */
size_t
fp__utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0)
		len = 2, c = s[0] & 0x1F;
	else if ((s[0] & 0xF0) == 0xE0)
		len = 3, c = s[0] & 0x0F;
	else if ((s[0] & 0xF8) == 0xF0)
		len = 4, c = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if ((len == 2 && c < 0x80) || (len == 3 && c < 0x800) ||
	    (len == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
	    (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

/* Returns the length of the valid character at the NUL-terminated s, or
 * 0. */
size_t
fp__utf8_length(const unsigned char *s)
{
	uint32_t cp;

	return fp__utf8_decode(s, SIZE_MAX, &cp);
}

/* Returns the number of bytes of s that do not continue a character. */
size_t
fp__utf8_count(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}
