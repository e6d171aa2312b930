/*
 * stackread-frame.c: one interpreter frame (_PyInterpreterFrame) read from
 * the target's memory, for the stack reader's walk and for the asyncio task
 * reader, and the frame embedded in a suspended generator or coroutine.
 *
 * CPython pushes the frames of Python calls one after the other in a
 * per-thread data stack, callers at lower addresses, so the walk reads
 * them through a window: one read of the WINDOW bytes below a frame
 * usually holds its callers too (a frame elsewhere, in a generator or on
 * the C stack, costs a read of its own). Nothing read is trusted: a frame
 * must be plausible, its owner one CPython knows, its caller aligned.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "sample/stackread-impl.h"

/* Returns the frame_span bytes at addr: from the window when it holds
 * them, else from a new window ending with them (or, when the memory
 * below is not mapped, from the page they start in, or alone). NULL, with
 * *err set, when they cannot be read. */
static const unsigned char *
frame_bytes(fp__stackreader_t *r, uint64_t addr, int *err)
{
	uint64_t hi = addr + r->frame_span, lo;

	if (r->win_hi != 0 && addr >= r->win_lo && hi <= r->win_hi)
		return r->win + (addr - r->win_lo);
	r->win_hi = 0;
	lo = hi > WINDOW ? hi - WINDOW : 0;
	if (lo != 0 && fp__mem_read(&r->mem, lo, r->win, hi - lo) == 0)
		goto windowed;
	lo = addr & ~(uint64_t)4095;
	if (hi - lo <= WINDOW && lo != 0 &&
	    fp__mem_read(&r->mem, lo, r->win, hi - lo) == 0)
		goto windowed;
	if ((*err = fp__mem_read(&r->mem, addr, r->one, r->frame_span)) != 0)
		return NULL;
	return r->one;
windowed:
	r->win_lo = lo;
	r->win_hi = hi;
	return r->win + (addr - lo);
}

/* Fills f from the frame_span bytes b of the frame at addr: 0, or
 * -EFAULT for a frame that fails the checks. With top, also finds its
 * value stack's top item, from b when the len bytes read there hold it. */
static int
parse_frame(fp__stackreader_t *r, uint64_t addr, const unsigned char *b,
    size_t len, fp__rframe_t *f, int top)
{
	const fp__pylayout_t *l = &r->l;
	uint64_t locals, end = 0;

	f->addr = addr;
	f->previous = word(b, l->frame_previous);
	f->code = word(b, l->frame_code);
	f->globals = word(b, l->frame_globals);
	f->owner = (unsigned char)b[l->frame_owner];
	f->first_local = word(b, l->frame_localsplus);
	f->instr = l->frame_instr != NONE ? word(b, l->frame_instr) : 0;
	f->stack_top = 0;
	if (f->owner > 7 || (f->previous != 0 && !plausible(f->previous)))
		return -EFAULT;
	if (!top)
		return 0;
	locals = addr + l->frame_localsplus;
	if (l->frame_stacktop != NONE) {
		int n = int32(b, l->frame_stacktop);

		if (n > 0 && n < (1 << 20))
			end = locals + (uint64_t)n * 8;
	} else if (l->frame_stackpointer != NONE) {
		end = word(b, l->frame_stackpointer);
		if (end <= locals || end - locals > (8u << 20) || (end & 7))
			end = 0;
	}
	if (end == 0)
		return 0;
	if (end - addr <= len)
		f->stack_top = word(b, end - addr - 8);
	else if (read_word(r, end - 8, &f->stack_top) != 0)
		f->stack_top = 0;
	if (!plausible(f->stack_top))
		f->stack_top = 0;
	return 0;
}

/* Reads a frame of the data stack at addr through the window into f: 0
 * or -errno. */
int
fp__stackreader_frame_near(fp__stackreader_t *r, uint64_t addr,
    fp__rframe_t *f)
{
	const unsigned char *b;
	int err = -EFAULT;

	if (!plausible(addr))
		return -EFAULT;
	if ((b = frame_bytes(r, addr, &err)) == NULL)
		return err;
	return parse_frame(r, addr, b, r->frame_span, f, 0);
}

/* Reads the frame at addr: 0 or -errno. */
int
fp__stackreader_frame(fp__stackreader_t *r, uint64_t addr, fp__rframe_t *f)
{
	int err;

	if (!plausible(addr))
		return -EFAULT;
	if ((err = fp__mem_read(&r->mem, addr, r->one, r->frame_span)) != 0)
		return err;
	return parse_frame(r, addr, r->one, r->frame_span, f, 1);
}

/* Reads a suspended generator or coroutine and its frame: 0 or -errno. */
int
fp__stackreader_suspended(fp__stackreader_t *r, uint64_t addr,
    fp__rframe_t *f)
{
	const fp__pylayout_t *l = &r->l;
	size_t len = l->gen_iframe + r->frame_span;
	uint64_t type;
	int64_t state;
	int err;

	if (!plausible(addr) || len > SPAN_MAX ||
	    l->gen_frame_state >= l->gen_iframe ||
	    (l->type_gen == 0 && l->type_coro == 0))
		return -EFAULT;
	/* With the start of the value stack when the memory is there. */
	if (fp__mem_read(&r->mem, addr, r->gbuf, len + GEN_EXTRA) == 0)
		len += GEN_EXTRA;
	else if ((err = fp__mem_read(&r->mem, addr, r->gbuf, len)) != 0)
		return err;
	type = word(r->gbuf, l->ob_type);
	state = (int8_t)r->gbuf[l->gen_frame_state];
	if ((type != l->type_gen && type != l->type_coro) ||
	    state <= (int64_t)l->gen_state_created ||
	    state >= (int64_t)l->gen_state_executing)
		return -EFAULT;
	return parse_frame(r, addr + l->gen_iframe, r->gbuf + l->gen_iframe,
	    len - l->gen_iframe, f, 1);
}
