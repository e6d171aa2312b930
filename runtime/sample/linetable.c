/*
 * linetable.c: decoding a code object's location table (co_linetable,
 * the format of CPython 3.11 and later: PEP 626 and CPython's
 * Objects/locations.md) into the line that runs at a code unit.
 *
 * The decoder works on bytes already copied out of the target and trusts
 * none of them: every varint is bounded, an entry that runs past the end
 * or a line out of range ends the search with "unknown".
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "sample/linetable.h"

/* Reads the unsigned varint of a location table at p[*i], in 6-bit
 * chunks, least significant first, bit 6 set on all but the last chunk;
 * advances *i. Returns 0, or -1 when it runs off the end or past 32 bits
 * or into the next entry. */
static int
varint(const unsigned char *p, size_t len, size_t *i, uint32_t *v)
{
	unsigned shift;

	*v = 0;
	for (shift = 0; shift < 32; shift += 6) {
		if (*i >= len || (p[*i] & 0x80))
			return -1;
		*v |= (uint32_t)(p[*i] & 0x3f) << shift;
		if (!(p[(*i)++] & 0x40))
			return 0;
	}
	return -1;
}

/* Reads the signed varint at p[*i] (the unsigned one holds the magnitude
 * shifted left by one, the sign in bit 0); 0 or -1 as varint(). */
static int
svarint(const unsigned char *p, size_t len, size_t *i, int64_t *v)
{
	uint32_t u;

	if (varint(p, len, i, &u) != 0)
		return -1;
	*v = (u & 1) ? -(int64_t)(u >> 1) : (int64_t)(u >> 1);
	return 0;
}

/* Returns the line of code unit unit of a code object whose first line is
 * first, from its location table p[0..len): -1 when the table ends before
 * the unit, the unit has no location, or the table is malformed.
 *
 * Each entry starts with a byte with bit 7 set: bits 3-6 are its kind,
 * bits 0-2 the number of code units it covers minus one. Its start line
 * is a delta from the previous entry's (co_firstlineno for the first):
 * kinds 0-9 (short form, one column byte follows) keep the line, 10-12
 * (one-line form, two column bytes) add kind - 10, 13 (no columns) adds a
 * signed varint, 14 (long form) adds a signed varint and is followed by
 * three varints (end line delta, columns); 15 has no location and keeps
 * the line for the entries after it. */
int
fp__linetable_line(const unsigned char *p, size_t len, int first, uint64_t unit)
{
	uint64_t at = 0;	/* the first code unit of the entry */
	int64_t line = first, delta;
	uint32_t skip;
	size_t i = 0;
	unsigned kind, units, k;

	while (i < len) {
		if (!(p[i] & 0x80))
			return -1;
		kind = p[i] >> 3 & 15;
		units = (p[i] & 7) + 1u;
		i++;
		delta = 0;
		if (kind == 14 || kind == 13) {
			if (svarint(p, len, &i, &delta) != 0)
				return -1;
			for (k = 0; kind == 14 && k < 3; k++) {
				if (varint(p, len, &i, &skip) != 0)
					return -1;
			}
		} else if (kind >= 10 && kind <= 12) {
			delta = kind - 10;
			i += 2;
		} else if (kind < 10)
			i += 1;
		if (i > len)
			return -1;
		line += delta;
		if (line < 0 || line > INT32_MAX)
			return -1;
		if (unit < at + units)
			return kind == 15 ? -1 : (int)line;
		at += units;
	}
	return -1;
}
