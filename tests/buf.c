/*
 * buf.c: checks for runtime/core/buf.c, the growable text buffer: growth,
 * printf, the sticky allocation failure, and the two JSON helpers (string
 * escaping with UTF-8 validation, and exact decimal seconds).
 */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "suites.h"
#include "core/buf.h"

/* Returns the JSON literal fp__buf_json_string makes of s, in a static
 * buffer. */
static const char *
json(const char *s)
{
	static char out[1024];
	fp__buf_t b;

	fp__buf_init(&b);
	fp__buf_json_string(&b, s);
	ck_assert_int_eq(b.nomem, 0);
	ck_assert_uint_lt(b.len, sizeof out);
	ck_assert_uint_eq(strlen(b.data), b.len);
	memcpy(out, b.data, b.len + 1);
	fp__buf_free(&b);
	return out;
}

/* Returns the JSON seconds fp__buf_json_seconds makes of ns, in a static
 * buffer. */
static const char *
seconds(long long ns)
{
	static char out[64];
	fp__buf_t b;

	fp__buf_init(&b);
	fp__buf_json_seconds(&b, ns);
	ck_assert_uint_lt(b.len, sizeof out);
	memcpy(out, b.data, b.len + 1);
	fp__buf_free(&b);
	return out;
}

START_TEST(test_fp__buf_init_empty)
{
	fp__buf_t b;

	memset(&b, 0xAB, sizeof b);
	fp__buf_init(&b);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_eq(b.cap, 0);
	ck_assert_int_eq(b.nomem, 0);
}
END_TEST

START_TEST(test_fp__buf_free_resets)
{
	fp__buf_t b;

	fp__buf_init(&b);
	fp__buf_puts(&b, "something");
	ck_assert_ptr_nonnull(b.data);
	fp__buf_free(&b);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_eq(b.cap, 0);
	/* A freed buffer is usable again. */
	fp__buf_puts(&b, "again");
	ck_assert_str_eq(b.data, "again");
	fp__buf_free(&b);
}
END_TEST

START_TEST(test_fp__buf_add_bytes)
{
	fp__buf_t b;

	fp__buf_init(&b);
	fp__buf_add(&b, "abcdef", 3);
	ck_assert_uint_eq(b.len, 3);
	ck_assert_str_eq(b.data, "abc");
	/* Embedded NULs are bytes like any other. */
	fp__buf_add(&b, "x\0y", 3);
	ck_assert_uint_eq(b.len, 6);
	ck_assert_int_eq(memcmp(b.data, "abcx\0y", 7), 0);
	fp__buf_add(&b, "", 0);
	ck_assert_uint_eq(b.len, 6);
	fp__buf_free(&b);
}
END_TEST

START_TEST(test_fp__buf_add_growth)
{
	fp__buf_t b;
	char piece[37];
	size_t i;

	fp__buf_init(&b);
	for (i = 0; i < sizeof piece; i++)
		piece[i] = (char)('a' + i % 26);
	/* About 370 KB in odd-sized pieces, across many reallocations. */
	for (i = 0; i < 10000; i++) {
		fp__buf_add(&b, piece, sizeof piece);
		ck_assert_uint_eq(b.len, (i + 1) * sizeof piece);
		ck_assert_uint_gt(b.cap, b.len);
		ck_assert_int_eq(b.data[b.len], '\0');
	}
	ck_assert_int_eq(b.nomem, 0);
	for (i = 0; i < 10000 * sizeof piece; i++)
		ck_assert_int_eq(b.data[i], piece[i % sizeof piece]);
	fp__buf_free(&b);
}
END_TEST

START_TEST(test_fp__buf_add_exact_capacity)
{
	fp__buf_t b;
	char big[4095];

	/* 4095 bytes plus the NUL fill the first 4096-byte block exactly;
	 * one more byte must grow it. */
	memset(big, 'z', sizeof big);
	fp__buf_init(&b);
	fp__buf_add(&b, big, sizeof big);
	ck_assert_uint_eq(b.len, 4095);
	ck_assert_uint_ge(b.cap, 4096);
	fp__buf_add(&b, "!", 1);
	ck_assert_uint_eq(b.len, 4096);
	ck_assert_uint_gt(b.cap, 4096);
	ck_assert_int_eq(b.data[4095], '!');
	ck_assert_int_eq(b.data[4096], '\0');
	fp__buf_free(&b);
}
END_TEST

#if !defined(__SANITIZE_ADDRESS__)
START_TEST(test_fp__buf_add_nomem_sticky)
{
	fp__buf_t b;

	fp__buf_init(&b);
	fp__buf_puts(&b, "ab");
	/* No allocator can give 2^62 bytes; the source is never read. */
	fp__buf_add(&b, "x", (size_t)1 << 62);
	ck_assert_int_eq(b.nomem, 1);
	ck_assert_uint_eq(b.len, 2);
	ck_assert_str_eq(b.data, "ab");
	/* Once failed, the buffer takes nothing more. */
	fp__buf_puts(&b, "c");
	fp__buf_printf(&b, "%d", 1);
	fp__buf_json_string(&b, "d");
	ck_assert_uint_eq(b.len, 2);
	ck_assert_str_eq(b.data, "ab");
	fp__buf_free(&b);
	ck_assert_int_eq(b.nomem, 0);
}
END_TEST
#endif

START_TEST(test_fp__buf_puts_appends)
{
	fp__buf_t b;

	fp__buf_init(&b);
	fp__buf_puts(&b, "");
	ck_assert_uint_eq(b.len, 0);
	fp__buf_puts(&b, "one");
	fp__buf_puts(&b, ", two");
	ck_assert_str_eq(b.data, "one, two");
	ck_assert_uint_eq(b.len, 8);
	fp__buf_free(&b);
}
END_TEST

START_TEST(test_fp__buf_printf_formats)
{
	fp__buf_t b;

	fp__buf_init(&b);
	fp__buf_printf(&b, "%d-%s-%05.1f", 42, "x", 3.25);
	ck_assert_str_eq(b.data, "42-x-003.2");
	fp__buf_printf(&b, "|%llu|%%", 18446744073709551615ull);
	ck_assert_str_eq(b.data, "42-x-003.2|18446744073709551615|%");
	ck_assert_uint_eq(b.len, strlen(b.data));
	fp__buf_free(&b);
}
END_TEST

START_TEST(test_fp__buf_printf_growth)
{
	fp__buf_t b;
	size_t i;

	fp__buf_init(&b);
	fp__buf_puts(&b, "<");
	/* One formatted piece larger than the first block. */
	fp__buf_printf(&b, "%*s>", 10000, "x");
	ck_assert_uint_eq(b.len, 10002);
	ck_assert_uint_eq(strlen(b.data), 10002);
	ck_assert_int_eq(b.data[0], '<');
	for (i = 1; i < 10000; i++)
		ck_assert_int_eq(b.data[i], ' ');
	ck_assert_int_eq(b.data[10000], 'x');
	ck_assert_int_eq(b.data[10001], '>');
	/* Many small pieces. */
	for (i = 0; i < 5000; i++)
		fp__buf_printf(&b, "%zu,", i % 10);
	ck_assert_uint_eq(b.len, 10002 + 2 * 5000);
	ck_assert_int_eq(memcmp(b.data + 10002, "0,1,2,3,4,5,6,7,8,9,0,", 22),
	    0);
	fp__buf_printf(&b, "%s", "");
	ck_assert_uint_eq(b.len, 20002);
	fp__buf_free(&b);
}
END_TEST

START_TEST(test_fp__buf_json_string_plain)
{
	ck_assert_str_eq(json(""), "\"\"");
	ck_assert_str_eq(json("abc"), "\"abc\"");
	ck_assert_str_eq(json("/usr/lib/python3.11/json/decoder.py"),
	    "\"/usr/lib/python3.11/json/decoder.py\"");
	ck_assert_str_eq(json(" ~!#$%&'()*+,-./:;<=>?@[]^_`{|}"),
	    "\" ~!#$%&'()*+,-./:;<=>?@[]^_`{|}\"");
}
END_TEST

START_TEST(test_fp__buf_json_string_quote_backslash)
{
	ck_assert_str_eq(json("a\"b"), "\"a\\\"b\"");
	ck_assert_str_eq(json("\""), "\"\\\"\"");
	ck_assert_str_eq(json("C:\\dir\\f.py"), "\"C:\\\\dir\\\\f.py\"");
	ck_assert_str_eq(json("\\\""), "\"\\\\\\\"\"");
	/* The solidus needs no escape. */
	ck_assert_str_eq(json("a/b"), "\"a/b\"");
}
END_TEST

START_TEST(test_fp__buf_json_string_short_escapes)
{
	ck_assert_str_eq(json("a\nb"), "\"a\\nb\"");
	ck_assert_str_eq(json("\r"), "\"\\r\"");
	ck_assert_str_eq(json("\t"), "\"\\t\"");
	ck_assert_str_eq(json("\b"), "\"\\b\"");
	ck_assert_str_eq(json("\f"), "\"\\f\"");
	ck_assert_str_eq(json("\t\n\r\b\f"), "\"\\t\\n\\r\\b\\f\"");
}
END_TEST

START_TEST(test_fp__buf_json_string_control)
{
	ck_assert_str_eq(json("\x01"), "\"\\u0001\"");
	ck_assert_str_eq(json("a\x1f" "b"), "\"a\\u001fb\"");
	ck_assert_str_eq(json("\x0b"), "\"\\u000b\"");
	ck_assert_str_eq(json("\x1b[0m"), "\"\\u001b[0m\"");
	ck_assert_str_eq(json("\x7f"), "\"\\u007f\"");
	/* 0x20 is the first byte that needs nothing. */
	ck_assert_str_eq(json("\x20"), "\" \"");
}
END_TEST

START_TEST(test_fp__buf_json_string_utf8_valid)
{
	/* Two-, three- and four-byte sequences pass through unchanged. */
	ck_assert_str_eq(json("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
	ck_assert_str_eq(json("\xe2\x82\xac"), "\"\xe2\x82\xac\"");
	ck_assert_str_eq(json("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"");
	/* Boundaries: U+0080, U+07FF, U+0800, U+D7FF, U+E000, U+FFFF,
	 * U+10000, U+10FFFF. */
	ck_assert_str_eq(json("\xc2\x80"), "\"\xc2\x80\"");
	ck_assert_str_eq(json("\xdf\xbf"), "\"\xdf\xbf\"");
	ck_assert_str_eq(json("\xe0\xa0\x80"), "\"\xe0\xa0\x80\"");
	ck_assert_str_eq(json("\xed\x9f\xbf"), "\"\xed\x9f\xbf\"");
	ck_assert_str_eq(json("\xee\x80\x80"), "\"\xee\x80\x80\"");
	ck_assert_str_eq(json("\xef\xbf\xbf"), "\"\xef\xbf\xbf\"");
	ck_assert_str_eq(json("\xf0\x90\x80\x80"), "\"\xf0\x90\x80\x80\"");
	ck_assert_str_eq(json("\xf4\x8f\xbf\xbf"), "\"\xf4\x8f\xbf\xbf\"");
	/* Mixed with escapes. */
	ck_assert_str_eq(json("\xc3\xa9\"\xc3\xa9"),
	    "\"\xc3\xa9\\\"\xc3\xa9\"");
}
END_TEST

START_TEST(test_fp__buf_json_string_utf8_invalid)
{
	/* Stray continuation bytes and bytes that never start a sequence. */
	ck_assert_str_eq(json("\x80"), "\"\\ufffd\"");
	ck_assert_str_eq(json("a\xbf" "b"), "\"a\\ufffdb\"");
	ck_assert_str_eq(json("\xff"), "\"\\ufffd\"");
	ck_assert_str_eq(json("\xfe\xff"), "\"\\ufffd\\ufffd\"");
	ck_assert_str_eq(json("\xf8\x88\x80\x80\x80"),
	    "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"");
	/* A Latin-1 byte between ASCII letters. */
	ck_assert_str_eq(json("caf\xe9!"), "\"caf\\ufffd!\"");
	/* Truncated sequences, at the end and before ASCII. */
	ck_assert_str_eq(json("\xc3"), "\"\\ufffd\"");
	ck_assert_str_eq(json("\xe2\x82"), "\"\\ufffd\\ufffd\"");
	ck_assert_str_eq(json("\xe2\x82x"), "\"\\ufffd\\ufffdx\"");
	ck_assert_str_eq(json("\xf0\x9f\x98"), "\"\\ufffd\\ufffd\\ufffd\"");
	/* A lead byte followed by another lead byte. */
	ck_assert_str_eq(json("\xc3\xc3\xa9"), "\"\\ufffd\xc3\xa9\"");
}
END_TEST

START_TEST(test_fp__buf_json_string_utf8_overlong)
{
	/* Overlong encodings of NUL, '/', U+07FF and U+FFFF. */
	ck_assert_str_eq(json("\xc0\x80"), "\"\\ufffd\\ufffd\"");
	ck_assert_str_eq(json("\xc0\xaf"), "\"\\ufffd\\ufffd\"");
	ck_assert_str_eq(json("\xc1\xbf"), "\"\\ufffd\\ufffd\"");
	ck_assert_str_eq(json("\xe0\x80\xaf"), "\"\\ufffd\\ufffd\\ufffd\"");
	ck_assert_str_eq(json("\xe0\x9f\xbf"), "\"\\ufffd\\ufffd\\ufffd\"");
	ck_assert_str_eq(json("\xf0\x80\x80\xaf"),
	    "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	ck_assert_str_eq(json("\xf0\x8f\xbf\xbf"),
	    "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
}
END_TEST

START_TEST(test_fp__buf_json_string_utf8_surrogate)
{
	/* U+D800, U+DBFF, U+DC00, U+DFFF and a CESU-8 pair. */
	ck_assert_str_eq(json("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
	ck_assert_str_eq(json("\xed\xaf\xbf"), "\"\\ufffd\\ufffd\\ufffd\"");
	ck_assert_str_eq(json("\xed\xb0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
	ck_assert_str_eq(json("\xed\xbf\xbf"), "\"\\ufffd\\ufffd\\ufffd\"");
	ck_assert_str_eq(json("\xed\xa0\xbd\xed\xb8\x80"),
	    "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"");
}
END_TEST

START_TEST(test_fp__buf_json_string_utf8_beyond_max)
{
	/* U+110000 and up, including the F5..F7 lead bytes. */
	ck_assert_str_eq(json("\xf4\x90\x80\x80"),
	    "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	ck_assert_str_eq(json("\xf5\x80\x80\x80"),
	    "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	ck_assert_str_eq(json("\xf7\xbf\xbf\xbf"),
	    "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
}
END_TEST

START_TEST(test_fp__buf_json_string_appends)
{
	fp__buf_t b;

	fp__buf_init(&b);
	fp__buf_puts(&b, "[");
	fp__buf_json_string(&b, "a");
	fp__buf_puts(&b, ",");
	fp__buf_json_string(&b, "\n");
	fp__buf_puts(&b, "]");
	ck_assert_str_eq(b.data, "[\"a\",\"\\n\"]");
	fp__buf_free(&b);
}
END_TEST

START_TEST(test_fp__buf_json_seconds_exact)
{
	ck_assert_str_eq(seconds(0), "0");
	ck_assert_str_eq(seconds(1), "0.000000001");
	ck_assert_str_eq(seconds(10), "0.00000001");
	ck_assert_str_eq(seconds(14000), "0.000014");
	ck_assert_str_eq(seconds(999999999), "0.999999999");
	ck_assert_str_eq(seconds(1000000000), "1");
	ck_assert_str_eq(seconds(1000000001), "1.000000001");
	ck_assert_str_eq(seconds(1500000000), "1.5");
	ck_assert_str_eq(seconds(100000000000LL), "100");
	ck_assert_str_eq(seconds(123456789012LL), "123.456789012");
	ck_assert_str_eq(seconds(LLONG_MAX), "9223372036.854775807");
}
END_TEST

START_TEST(test_fp__buf_json_seconds_negative)
{
	ck_assert_str_eq(seconds(-1), "-0.000000001");
	ck_assert_str_eq(seconds(-14000), "-0.000014");
	ck_assert_str_eq(seconds(-1500000000), "-1.5");
	ck_assert_str_eq(seconds(-2000000000), "-2");
	ck_assert_str_eq(seconds(LLONG_MIN), "-9223372036.854775808");
}
END_TEST

START_TEST(test_fp__buf_json_seconds_appends)
{
	fp__buf_t b;

	fp__buf_init(&b);
	fp__buf_puts(&b, "[");
	fp__buf_json_seconds(&b, 250000000);
	fp__buf_puts(&b, ",");
	fp__buf_json_seconds(&b, 0);
	fp__buf_puts(&b, "]");
	ck_assert_str_eq(b.data, "[0.25,0]");
	fp__buf_free(&b);
}
END_TEST

/* Returns the suite of runtime/core/buf.c. */
Suite *
suite_buf(void)
{
	Suite *s = suite_create("buf");
	TCase *tc;

	tc = tcase_create("fp__buf_init");
	tcase_add_test(tc, test_fp__buf_init_empty);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__buf_free");
	tcase_add_test(tc, test_fp__buf_free_resets);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__buf_add");
	tcase_add_test(tc, test_fp__buf_add_bytes);
	tcase_add_test(tc, test_fp__buf_add_growth);
	tcase_add_test(tc, test_fp__buf_add_exact_capacity);
#if !defined(__SANITIZE_ADDRESS__)
	/* ASan aborts on impossible allocation sizes instead of failing. */
	tcase_add_test(tc, test_fp__buf_add_nomem_sticky);
#endif
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__buf_puts");
	tcase_add_test(tc, test_fp__buf_puts_appends);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__buf_printf");
	tcase_add_test(tc, test_fp__buf_printf_formats);
	tcase_add_test(tc, test_fp__buf_printf_growth);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__buf_json_string");
	tcase_add_test(tc, test_fp__buf_json_string_plain);
	tcase_add_test(tc, test_fp__buf_json_string_quote_backslash);
	tcase_add_test(tc, test_fp__buf_json_string_short_escapes);
	tcase_add_test(tc, test_fp__buf_json_string_control);
	tcase_add_test(tc, test_fp__buf_json_string_utf8_valid);
	tcase_add_test(tc, test_fp__buf_json_string_utf8_invalid);
	tcase_add_test(tc, test_fp__buf_json_string_utf8_overlong);
	tcase_add_test(tc, test_fp__buf_json_string_utf8_surrogate);
	tcase_add_test(tc, test_fp__buf_json_string_utf8_beyond_max);
	tcase_add_test(tc, test_fp__buf_json_string_appends);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__buf_json_seconds");
	tcase_add_test(tc, test_fp__buf_json_seconds_exact);
	tcase_add_test(tc, test_fp__buf_json_seconds_negative);
	tcase_add_test(tc, test_fp__buf_json_seconds_appends);
	suite_add_tcase(s, tc);
	return s;
}
