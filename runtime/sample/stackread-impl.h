/*
 * stackread-impl.h: what the files of the stack reader share inside it:
 * the reader's structure, its size limits and the helpers that take words
 * out of the bytes read. Only stackread.c (the reader, its code cache and
 * the walk) and stackread-frame.c (one interpreter frame, one generator)
 * include it; everyone else goes through stackread.h.
 *
 * Ownership: stackread.c creates and frees the fp__stackreader_t and
 * everything it points to; stackread-frame.c only reads through it and
 * writes its frame buffers (win, one, gbuf).
 */
#ifndef FP_STACKREAD_IMPL_H
#define FP_STACKREAD_IMPL_H

#include <stdint.h>
#include <string.h>

#include "sample/memread.h"
#include "sample/pylayout.h"
#include "sample/stackread.h"

#define NONE		FP__PYLAYOUT_NONE
#define SPAN_MAX	4096		/* bytes of a structure we read at most */
#define STR_MAX		4096		/* code points of a string we decode */
#define WINDOW		16384		/* bytes of data stack read at once */
#define GEN_EXTRA	512		/* bytes of a generator's value stack
					 * read along with its frame */

struct fp__stackreader {
	fp__mem_t mem;
	fp__pylayout_t l;
	uint64_t runtime;
	size_t code_span;	/* bytes read of a code object's header */
	size_t frame_span;	/* of a frame, up to localsplus[0] */
	size_t tstate_span;	/* of a thread state */
	struct rcode **slots;	/* open addressing by code address */
	size_t cap, used;
	struct rcode *all;
	uint64_t name_key;	/* the "__name__" str last found as a key */
	struct pending *pend;	/* FP__STACK_MAX frames of one thread */
	unsigned char *hdrs;	/* FP__STACK_MAX code headers */
	fp__mem_iov_t *iov;	/* FP__STACK_MAX requests */
	struct seen *seen;	/* SEEN_SLOTS */
	uint64_t stamp;		/* walks so far */
	int want_lines;		/* fill fp__rthread_t.lines */
	/* The window of memory last read around a frame: a thread's frames
	 * sit next to each other in its data stack, callers below. */
	uint64_t win_lo, win_hi;
	unsigned char win[WINDOW];
	unsigned char one[SPAN_MAX];	/* a frame read on its own */
	unsigned char gbuf[2 * SPAN_MAX + GEN_EXTRA]; /* a generator read */
	/* Scratch space of string decoding (UTF-8 takes up to 4 bytes a
	 * code point). */
	unsigned char chars[4 * STR_MAX];
	char file[4 * STR_MAX + 1], name[4 * STR_MAX + 1];
	char module[4 * STR_MAX + 1], key[4 * STR_MAX + 1];
};

/* Returns the larger of a and the end of a field of size n at offset off
 * (fields marked NONE do not count). */
static inline size_t
span(size_t a, uint64_t off, size_t n)
{
	if (off == NONE)
		return a;
	if (off > SPAN_MAX)
		return SPAN_MAX + 1;
	return off + n > a ? off + n : a;
}

/* Returns the pointer-sized word at offset off of a buffer read. */
static inline uint64_t
word(const unsigned char *b, uint64_t off)
{
	uint64_t v;

	memcpy(&v, b + off, sizeof v);
	return v;
}

/* Returns the int at offset off of a buffer read. */
static inline int
int32(const unsigned char *b, uint64_t off)
{
	int32_t v;

	memcpy(&v, b + off, sizeof v);
	return v;
}

/* Returns non-zero when p can be the address of an object or frame. */
static inline int
plausible(uint64_t p)
{
	return p >= 4096 && (p & 7) == 0 && p < (1ull << 56);
}

/* Reads one pointer-sized word at addr: 0 or -errno. */
static inline int
read_word(fp__stackreader_t *r, uint64_t addr, uint64_t *v)
{
	return fp__mem_read(&r->mem, addr, v, sizeof *v);
}

/* Reads a frame of the data stack at addr into f as
 * fp__stackreader_frame() does, but through the window of memory around
 * the frames read last (a walk's callers are usually in it) and without
 * its value stack's top: 0 or -errno. */
int fp__stackreader_frame_near(fp__stackreader_t *r, uint64_t addr,
    fp__rframe_t *f);

#endif /* FP_STACKREAD_IMPL_H */
