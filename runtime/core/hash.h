/*
 * hash.h: the one hash of keys that are numbers, pairs of numbers or
 * pointers, for the runtime's hash tables (Fibonacci hashing, Knuth 6.4:
 * the key times 2^64 divided by the golden ratio).
 *
 * The convention: a hash is 32 bits, the high half of the 64-bit product,
 * and a table of n slots, n a power of two up to 2^32, takes the slot
 * hash & (n - 1). Bit 32 + i of the product depends on every key bit up to
 * 32 + i, so these bits are well mixed for small numbers, for pointers
 * (whose low alignment bits are zero and whose high bits barely change)
 * and for keys that differ by a power of two, where the low bits of the
 * product would fall into a few slots. Header only: the functions are
 * inline so that the tracer's hot path pays one multiplication. Nothing
 * here owns memory.
 */
#ifndef FP_HASH_H
#define FP_HASH_H

#include <stdint.h>

#define FP__HASH_PHI 0x9E3779B97F4A7C15ull	/* 2^64 / phi, odd */

/* Returns the 32-bit hash of k: the high half of k times FP__HASH_PHI. */
static inline uint32_t
fp__hash_u64(uint64_t k)
{
	return (uint32_t)((k * FP__HASH_PHI) >> 32);
}

/* Returns the 32-bit hash of the address p. */
static inline uint32_t
fp__hash_ptr(const void *p)
{
	return fp__hash_u64((uint64_t)(uintptr_t)p);
}

/* Returns the 32-bit hash of the pair (a, b), such as a parent node and a
 * function: a and b side by side in one 64-bit key. */
static inline uint32_t
fp__hash_pair(uint32_t a, uint32_t b)
{
	return fp__hash_u64((uint64_t)a << 32 | b);
}

#endif /* FP_HASH_H */
