/*
 * hash.c: checks for runtime/core/hash.h, the one Fibonacci hash: its
 * values, and that the slots it gives (hash & (n - 1)) spread the keys the
 * runtime's tables see: pointers 16 bytes apart (heap objects), pointers a
 * page apart (whose low bits all agree, where the low bits of the product
 * fall into a few slots), and (parent, function) pairs of a call tree.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "suites.h"
#include "core/hash.h"

#define SLOTS 1024

/* Returns the largest number of keys in one of SLOTS slots, the keys being
 * base + i * step for i from 0 to n - 1, hashed as pointers. */
static unsigned
max_load_ptr(uintptr_t base, uintptr_t step, size_t n)
{
	static unsigned load[SLOTS];
	unsigned max = 0;
	size_t i;

	memset(load, 0, sizeof load);
	for (i = 0; i < n; i++) {
		uint32_t slot = fp__hash_ptr((const void *)(base + i * step)) &
		    (SLOTS - 1);

		if (++load[slot] > max)
			max = load[slot];
	}
	return max;
}

START_TEST(test_fp__hash_u64_values)
{
	/* The high half of k times 2^64 / phi. */
	ck_assert_uint_eq(fp__hash_u64(0), 0);
	ck_assert_uint_eq(fp__hash_u64(1), 0x9E3779B9u);
	ck_assert_uint_eq(fp__hash_u64(2), 0x3C6EF372u);
	ck_assert_uint_eq(fp__hash_ptr((const void *)(uintptr_t)1),
	    fp__hash_u64(1));
	ck_assert_uint_eq(fp__hash_pair(0, 1), fp__hash_u64(1));
	ck_assert_uint_eq(fp__hash_pair(1, 0), fp__hash_u64(1ull << 32));
}
END_TEST

START_TEST(test_fp__hash_ptr_spread)
{
	/* As many keys as slots: a random hash would load some slot with 5
	 * or 6, Fibonacci hashing of a progression does better; the product's
	 * low bits would put the keys a page apart into 4 slots. */
	ck_assert_uint_le(max_load_ptr(0x55d0c0a01230u, 16, SLOTS), 4);
	ck_assert_uint_le(max_load_ptr(0x7f3a2b400000u, 4096, SLOTS), 4);
	ck_assert_uint_le(max_load_ptr(0x7f3a00000000u, 1u << 20, SLOTS), 4);
	ck_assert_uint_le(max_load_ptr(0x7ffc1234a000u, 112, SLOTS), 4);
}
END_TEST

START_TEST(test_fp__hash_pair_spread)
{
	static unsigned load[SLOTS];
	unsigned max = 0;
	uint32_t parent, func, slot;

	/* 64 parents with 16 functions each, in a table of 1024 slots; and
	 * the pair is ordered: (a, b) and (b, a) differ. */
	memset(load, 0, sizeof load);
	for (parent = 0; parent < 64; parent++) {
		for (func = 0; func < 16; func++) {
			slot = fp__hash_pair(parent, func * 37) & (SLOTS - 1);
			if (++load[slot] > max)
				max = load[slot];
		}
	}
	ck_assert_uint_le(max, 3);
	ck_assert_uint_ne(fp__hash_pair(3, 7), fp__hash_pair(7, 3));
}
END_TEST

/* Returns the suite of runtime/core/hash.h. */
Suite *
suite_hash(void)
{
	Suite *s = suite_create("hash");
	TCase *tc;

	tc = tcase_create("fp__hash_u64");
	tcase_add_test(tc, test_fp__hash_u64_values);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__hash_ptr");
	tcase_add_test(tc, test_fp__hash_ptr_spread);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__hash_pair");
	tcase_add_test(tc, test_fp__hash_pair_spread);
	suite_add_tcase(s, tc);
	return s;
}
