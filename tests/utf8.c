/*
 * utf8.c: checks for runtime/core/utf8.c, the one UTF-8 module: the
 * decoder at every length and on every kind of invalid input (stray and
 * missing continuation bytes, overlong forms, surrogates, past U+10FFFF,
 * a bound that cuts a character), the validator on NUL-terminated
 * strings, the character count, and the encoder, checked against the
 * decoder over every code point.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "suites.h"
#include "core/utf8.h"

/* Returns what fp__utf8_decode returns for the string s (its whole length
 * readable), with the code point in *cp (0xFFFFFFFF when left alone). */
static size_t
decode(const char *s, uint32_t *cp)
{
	*cp = 0xFFFFFFFFu;
	return fp__utf8_decode((const unsigned char *)s, strlen(s), cp);
}

/* Returns what fp__utf8_length returns for the string s. */
static size_t
length(const char *s)
{
	return fp__utf8_length((const unsigned char *)s);
}

START_TEST(test_fp__utf8_decode_lengths)
{
	static const struct {
		const char *s;
		size_t len;
		uint32_t cp;
	} good[] = {
		{ "A", 1, 0x41 }, { "\x7F", 1, 0x7F },
		{ "\xC2\x80", 2, 0x80 }, { "\xC3\xA9z", 2, 0xE9 },
		{ "\xDF\xBF", 2, 0x7FF }, { "\xE0\xA0\x80", 3, 0x800 },
		{ "\xE5\x87\xBD", 3, 0x51FD }, { "\xEF\xBF\xBF", 3, 0xFFFF },
		{ "\xF0\x90\x80\x80", 4, 0x10000 },
		{ "\xF4\x8F\xBF\xBF", 4, 0x10FFFF },
	};
	uint32_t cp;
	size_t i;

	for (i = 0; i < sizeof good / sizeof *good; i++) {
		ck_assert_msg(decode(good[i].s, &cp) == good[i].len,
		    "good[%zu]: wrong length", i);
		ck_assert_msg(cp == good[i].cp, "good[%zu]: U+%04X", i, cp);
	}
}
END_TEST

START_TEST(test_fp__utf8_decode_invalid)
{
	static const char *const bad[] = {
		"\x80", "\xBF",		/* a stray continuation byte */
		"\xC3", "\xC3(", "\xE5\x87", "\xE5\x87z",
		"\xF0\x90\x80",		/* missing continuations */
		"\xC0\x80", "\xC1\xBF",		/* overlong: 2 bytes */
		"\xE0\x80\x80", "\xE0\x9F\xBF",	/* 3 bytes */
		"\xF0\x80\x80\x80", "\xF0\x8F\xBF\xBF",	/* 4 bytes */
		"\xED\xA0\x80", "\xED\xBF\xBF",	/* surrogates */
		"\xF4\x90\x80\x80", "\xF7\xBF\xBF\xBF", /* past U+10FFFF */
		"\xF8\x88\x80\x80\x80", "\xFE", "\xFF", /* no such lead */
	};
	uint32_t cp;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		ck_assert_msg(decode(bad[i], &cp) == 0, "bad[%zu] decoded", i);
		ck_assert_msg(cp == 0xFFFFFFFFu, "bad[%zu] set *cp", i);
	}
}
END_TEST

START_TEST(test_fp__utf8_decode_bound)
{
	const unsigned char s[] = "\xF0\x9F\x94\xA5";	/* U+1F525 */
	uint32_t cp = 0;
	size_t n;

	/* A bound that cuts the character leaves it invalid, whatever the
	 * bytes past the bound hold; no bound, no character. */
	for (n = 0; n < 4; n++)
		ck_assert_uint_eq(fp__utf8_decode(s, n, &cp), 0);
	ck_assert_uint_eq(fp__utf8_decode(s, 4, &cp), 4);
	ck_assert_uint_eq(cp, 0x1F525);
	ck_assert_uint_eq(fp__utf8_decode((const unsigned char *)"x", 0, &cp),
	    0);
}
END_TEST

START_TEST(test_fp__utf8_length_nul)
{
	/* On a NUL-terminated string the NUL ends a character short. */
	ck_assert_uint_eq(length("\xE5\x87"), 0);
	ck_assert_uint_eq(length("\xE5\x87\xBD"), 3);
	ck_assert_uint_eq(length("a\xFF"), 1);
	ck_assert_uint_eq(length("\xFF"), 0);
	ck_assert_uint_eq(length("\xED\xA0\x80"), 0);
}
END_TEST

START_TEST(test_fp__utf8_count_characters)
{
	ck_assert_uint_eq(fp__utf8_count(""), 0);
	ck_assert_uint_eq(fp__utf8_count("abc"), 3);
	ck_assert_uint_eq(fp__utf8_count("caf\xC3\xA9"), 4);
	ck_assert_uint_eq(fp__utf8_count("\xE5\x87\xBD\xE6\x95\xB0"), 2);
	ck_assert_uint_eq(fp__utf8_count("\xF0\x9F\x94\xA5!"), 2);
	/* An invalid lead byte counts as one; a stray continuation, none. */
	ck_assert_uint_eq(fp__utf8_count("a\xFF" "b"), 3);
	ck_assert_uint_eq(fp__utf8_count("a\x80" "b"), 2);
}
END_TEST

START_TEST(test_fp__utf8_encode_known)
{
	char out[FP__UTF8_MAX];

	ck_assert_uint_eq(fp__utf8_encode(out, 0x24), 1);
	ck_assert_int_eq(memcmp(out, "$", 1), 0);
	ck_assert_uint_eq(fp__utf8_encode(out, 0xE9), 2);
	ck_assert_int_eq(memcmp(out, "\xC3\xA9", 2), 0);
	ck_assert_uint_eq(fp__utf8_encode(out, 0x20AC), 3);
	ck_assert_int_eq(memcmp(out, "\xE2\x82\xAC", 3), 0);
	ck_assert_uint_eq(fp__utf8_encode(out, 0x10348), 4);
	ck_assert_int_eq(memcmp(out, "\xF0\x90\x8D\x88", 4), 0);
}
END_TEST

START_TEST(test_fp__utf8_encode_round_trip)
{
	char out[FP__UTF8_MAX];
	uint32_t c, back;
	size_t n, want;

	/* Every code point but the surrogates encodes in the shortest form
	 * and decodes back to itself. */
	for (c = 0; c <= 0x10FFFF; c++) {
		if (c >= 0xD800 && c <= 0xDFFF)
			continue;
		want = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
		n = fp__utf8_encode(out, c);
		if (n != want)
			ck_abort_msg("U+%04X: %zu bytes, not %zu", c, n, want);
		back = 0xFFFFFFFFu;
		if (fp__utf8_decode((const unsigned char *)out, n,
		    &back) != n || back != c)
			ck_abort_msg("U+%04X does not decode back", c);
	}
}
END_TEST

/* Returns the suite of runtime/core/utf8.c. */
Suite *
suite_utf8(void)
{
	Suite *s = suite_create("utf8");
	TCase *tc;

	tc = tcase_create("fp__utf8_decode");
	tcase_add_test(tc, test_fp__utf8_decode_lengths);
	tcase_add_test(tc, test_fp__utf8_decode_invalid);
	tcase_add_test(tc, test_fp__utf8_decode_bound);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__utf8_length");
	tcase_add_test(tc, test_fp__utf8_length_nul);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__utf8_count");
	tcase_add_test(tc, test_fp__utf8_count_characters);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__utf8_encode");
	tcase_add_test(tc, test_fp__utf8_encode_known);
	tcase_add_test(tc, test_fp__utf8_encode_round_trip);
	suite_add_tcase(s, tc);
	return s;
}
