/*
 * stackread.c: the Python stacks of every thread, read from the
 * interpreter's memory without its lock: the reader, the walk of each
 * thread's frames and the cache of the code objects they run.
 *
 * One sample costs: two reads to reach the thread list, one or two per
 * thread state, then the frames (read through a window of the thread's
 * data stack, see stackread-frame.c). Then one batched read of the headers of
 * every code object on the stack. Code objects are cached by address; a
 * hit is checked against the header just read (type, co_filename and
 * co_qualname pointers, co_firstlineno), so a freed code object whose
 * address was reused never shows the old name. Only a miss reads strings
 * and the module's __name__.
 *
 * Lines are extra: only with fp__stackreader_want_lines() on does the walk
 * keep each frame's instruction pointer and turn it into a line, from the
 * code object's location table (co_linetable), read once per cached code
 * object and decoded by linetable.c.
 *
 * Nothing read is trusted: pointers must be non-NULL and aligned, objects
 * must carry the expected type pointer when the layout knows it, lengths
 * and counts are bounded, and every walk has a step limit (a list changed
 * under us may have become a cycle).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/utf8.h"
#include "sample/stackread.h"
/* the reader's own parts, after its public header */
#include "sample/linetable.h"
#include "sample/stackread-impl.h"

#define SPECULATE	128		/* string bytes read along with the header */
#define STEPS_MAX	(4 * FP__STACK_MAX)	/* frames walked, shims included */
#define ENTRIES_MAX	32		/* dict entries searched for __name__ */
#define TABLE_MAX	65536		/* bytes of a location table we read */
#define TABLE_HEAD	256		/* bytes read along with its header */

enum { KIND_OTHER, KIND_SELECT, KIND_RUN_ONCE };

/* A cached code object: the public record, then what validates a hit. */
struct rcode {
	fp__rcode_t pub;
	uint64_t addr;		/* the code object */
	uint64_t filename;	/* its co_filename pointer */
	uint64_t qualname;	/* its co_qualname pointer */
	uint64_t linetable;	/* its co_linetable pointer, or 0 */
	unsigned char *table;	/* the location table once read, or NULL */
	size_t table_len;
	int table_state;	/* 0: not read yet, 1: read, -1: unreadable */
	int kind;		/* KIND_*: asyncio idle detection */
	struct rcode *all;	/* every record ever made, for freeing */
	char text[];		/* file, name and module, NUL-terminated */
};

/* What the frame walk keeps of one frame until its code is resolved. */
struct pending {
	uint64_t code;
	uint64_t globals;
	uint64_t first_local;
	uint64_t instr;		/* its instruction pointer (for its line) */
	size_t hdr;		/* index of its code's header in hdrs */
};

/* A code address seen in the current walk (stamp == the walk's), and
 * where its header goes: recursion reads each code object once. */
struct seen {
	uint64_t code;
	uint64_t stamp;
	size_t hdr;
};

#define SEEN_SLOTS	(2 * FP__STACK_MAX)

/* Returns non-zero when the type pointer t is the expected one, or the
 * expected one is unknown. */
static int
type_ok(uint64_t t, uint64_t expected)
{
	return expected == 0 || t == expected;
}

/* Reads the str object at addr into out (at least 4 * STR_MAX + 1
 * bytes) as NUL-terminated UTF-8. Only compact strings (every identifier
 * and file name CPython makes) are read. Returns 0, or -1 when addr is
 * not a readable, sane str. */
static int
read_str(fp__stackreader_t *r, uint64_t addr, char *out)
{
	const fp__pylayout_t *l = &r->l;
	unsigned char buf[SPAN_MAX + SPECULATE], *data;
	uint64_t len, state, kind, head, i;
	size_t have, o = 0;

	if (!plausible(addr))
		return -1;
	/* Header and the start of the characters in one read when we can;
	 * a short string near the end of a mapping needs two. */
	head = l->unicode_compact_size;
	have = head + SPECULATE;
	if (fp__mem_read(&r->mem, addr, buf, have) != 0) {
		have = l->unicode_ascii_size;
		if (fp__mem_read(&r->mem, addr, buf, have) != 0)
			return -1;
	}
	if (!type_ok(word(buf, l->ob_type), l->type_unicode))
		return -1;
	len = word(buf, l->unicode_length);
	state = (uint32_t)int32(buf, l->unicode_state);
	kind = state >> l->unicode_kind_shift & 7;
	if (len > STR_MAX || !(state >> l->unicode_compact_bit & 1) ||
	    (kind != 1 && kind != 2 && kind != 4))
		return -1;
	if (state >> l->unicode_ascii_bit & 1) {
		if (kind != 1)
			return -1;
		head = l->unicode_ascii_size;
	}
	if (head + len * kind <= have)
		data = buf + head;
	else {
		if (fp__mem_read(&r->mem, addr + head, r->chars,
		    len * kind) != 0)
			return -1;
		data = r->chars;
	}
	for (i = 0; i < len; i++) {
		uint32_t c;

		if (kind == 1)
			c = data[i];
		else if (kind == 2) {
			uint16_t u;

			memcpy(&u, data + 2 * i, 2);
			c = u;
		} else
			memcpy(&c, data + 4 * i, 4);
		if (c > 0x10ffff)
			return -1;
		o += fp__utf8_encode(out + o,
		    c >= 0xd800 && c < 0xe000 ? '?' : c);
	}
	out[o] = '\0';
	return 0;
}

/* Reads __name__ from the module dict at globals into out; 0 or -1.
 * Module dicts are combined tables whose keys are all str; __name__ is
 * nearly always their first entry, so only the first few are searched,
 * first by the address of the key last found, then by content. */
static int
read_module(fp__stackreader_t *r, uint64_t globals, char *out)
{
	const fp__pylayout_t *l = &r->l;
	unsigned char d[SPAN_MAX], k[SPAN_MAX];
	unsigned char e[ENTRIES_MAX * 24];
	uint64_t keys, n, esz, base, i, value = 0;
	size_t dspan, kspan;
	int pass;

	if (!plausible(globals))
		return -1;
	dspan = span(span(span(0, l->ob_type, 8), l->dict_keys, 8),
	    l->dict_values, 8);
	if (dspan > SPAN_MAX || fp__mem_read(&r->mem, globals, d, dspan) != 0)
		return -1;
	if (!type_ok(word(d, l->ob_type), l->type_dict) ||
	    word(d, l->dict_values) != 0)
		return -1;
	keys = word(d, l->dict_keys);
	kspan = span(span(0, l->dictkeys_nentries, 8), l->dictkeys_indices, 0);
	kspan = span(kspan, l->dictkeys_kind, 1);
	kspan = span(kspan, l->dictkeys_log2_index_bytes, 1);
	if (!plausible(keys) || kspan > SPAN_MAX ||
	    fp__mem_read(&r->mem, keys, k, kspan) != 0)
		return -1;
	n = word(k, l->dictkeys_nentries);
	if (n > (1u << 30) || k[l->dictkeys_log2_index_bytes] > 40)
		return -1;
	esz = k[l->dictkeys_kind] == 0 ? l->dict_entry_size :
	    l->dict_unicode_entry_size;
	if (esz < 16 || esz > 24)
		return -1;
	n = n < ENTRIES_MAX ? n : ENTRIES_MAX;
	base = keys + l->dictkeys_indices +
	    (1ull << k[l->dictkeys_log2_index_bytes]);
	if (n == 0 || fp__mem_read(&r->mem, base, e, n * esz) != 0)
		return -1;
	/* The key and the value are the last two words of an entry. */
	for (pass = 0; pass < 2 && value == 0; pass++) {
		for (i = 0; i < n && value == 0; i++) {
			uint64_t kp = word(e, i * esz + esz - 16);

			if (kp == 0)
				continue;
			if (pass == 0 ? kp == r->name_key :
			    kp != r->name_key && read_str(r, kp, r->key) == 0 &&
			    strcmp(r->key, "__name__") == 0) {
				value = word(e, i * esz + esz - 8);
				r->name_key = kp;
			}
		}
	}
	return value != 0 ? read_str(r, value, out) : -1;
}

/* Returns non-zero when s ends with suffix. */
static int
ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Returns the KIND_* of a function: the two asyncio idle frames. */
static int
code_kind(const char *file, const char *name)
{
	if (ends_with(file, "/selectors.py") && ends_with(name, "Selector.select"))
		return KIND_SELECT;
	if (ends_with(file, "/asyncio/base_events.py") &&
	    strcmp(name, "BaseEventLoop._run_once") == 0)
		return KIND_RUN_ONCE;
	return KIND_OTHER;
}

/* Returns the slot of code address addr in the cache (empty or its). */
static size_t
slot_of(const fp__stackreader_t *r, uint64_t addr)
{
	size_t i = fp__hash_u64(addr) & (r->cap - 1);

	while (r->slots[i] != NULL && r->slots[i]->addr != addr)
		i = (i + 1) & (r->cap - 1);
	return i;
}

/* Doubles the cache; 0 or -1 on ENOMEM. */
static int
grow(fp__stackreader_t *r)
{
	struct rcode **old = r->slots;
	size_t oldcap = r->cap, i;

	r->slots = calloc(oldcap * 2, sizeof *r->slots);
	if (r->slots == NULL) {
		r->slots = old;
		return -1;
	}
	r->cap = oldcap * 2;
	for (i = 0; i < oldcap; i++) {
		if (old[i] != NULL)
			r->slots[slot_of(r, old[i]->addr)] = old[i];
	}
	free(old);
	return 0;
}

/* Makes the record of the code object at addr whose header is hdr (its
 * type already checked) and caches it, replacing any record of an older
 * object at that address. Returns it, or NULL when its strings cannot be
 * read or on ENOMEM. */
static struct rcode *
resolve(fp__stackreader_t *r, uint64_t addr, const unsigned char *hdr,
    uint64_t globals)
{
	const fp__pylayout_t *l = &r->l;
	char *file = r->file, *name = r->name, *module = r->module;
	size_t nf, nn, nm;
	struct rcode *c;
	int has_module;
	size_t i;

	if (read_str(r, word(hdr, l->code_filename), file) != 0 ||
	    read_str(r, word(hdr, l->code_qualname), name) != 0)
		return NULL;
	has_module = read_module(r, globals, module) == 0;
	nf = strlen(file) + 1;
	nn = strlen(name) + 1;
	nm = has_module ? strlen(module) + 1 : 0;
	if ((r->used + 1) * 2 > r->cap && grow(r) != 0)
		return NULL;
	c = malloc(sizeof *c + nf + nn + nm);
	if (c == NULL)
		return NULL;
	memcpy(c->text, file, nf);
	memcpy(c->text + nf, name, nn);
	if (has_module)
		memcpy(c->text + nf + nn, module, nm);
	c->pub.file = c->text;
	c->pub.name = c->text + nf;
	c->pub.module = has_module ? c->text + nf + nn : NULL;
	c->pub.line = int32(hdr, l->code_firstlineno);
	c->addr = addr;
	c->filename = word(hdr, l->code_filename);
	c->qualname = word(hdr, l->code_qualname);
	c->linetable = l->code_linetable != NONE ?
	    word(hdr, l->code_linetable) : 0;
	c->table = NULL;
	c->table_len = 0;
	c->table_state = 0;
	c->kind = code_kind(c->pub.file, c->pub.name);
	c->all = r->all;
	r->all = c;
	/* An older record at this address stays on the all list: callers
	 * may still hold it. */
	i = slot_of(r, addr);
	if (r->slots[i] == NULL)
		r->used++;
	r->slots[i] = c;
	return c;
}

/* Returns the record of the code object at addr with header hdr (just
 * read, its type checked), from the cache when the header still matches
 * it. NULL when it cannot be resolved. */
static struct rcode *
lookup(fp__stackreader_t *r, uint64_t addr, const unsigned char *hdr,
    uint64_t globals)
{
	const fp__pylayout_t *l = &r->l;
	struct rcode *c;

	c = r->slots[slot_of(r, addr)];
	if (c != NULL && c->filename == word(hdr, l->code_filename) &&
	    c->qualname == word(hdr, l->code_qualname) &&
	    c->pub.line == int32(hdr, l->code_firstlineno) &&
	    (l->code_linetable == NONE ||
	    c->linetable == word(hdr, l->code_linetable)))
		return c;
	return resolve(r, addr, hdr, globals);
}

/* Reads the location table of the code record c (at most TABLE_MAX of
 * its bytes: a unit past them has no line) into c->table; 0 or -1. */
static int
read_table(fp__stackreader_t *r, struct rcode *c)
{
	const fp__pylayout_t *l = &r->l;
	unsigned char head[SPAN_MAX + TABLE_HEAD];
	size_t hlen, have, len;
	int64_t size;

	if (!plausible(c->linetable) || l->bytes_size == NONE ||
	    l->bytes_data == NONE || l->bytes_data > SPAN_MAX ||
	    span(span(0, l->ob_type, 8), l->bytes_size, 8) > l->bytes_data)
		return -1;
	/* The header and, often, the whole table in one read. */
	hlen = l->bytes_data;
	have = hlen + TABLE_HEAD;
	if (fp__mem_read(&r->mem, c->linetable, head, have) != 0) {
		have = hlen;
		if (fp__mem_read(&r->mem, c->linetable, head, have) != 0)
			return -1;
	}
	memcpy(&size, head + l->bytes_size, sizeof size);
	if (!type_ok(word(head, l->ob_type), l->type_bytes) || size < 0 ||
	    size > (1 << 30))
		return -1;
	len = size < TABLE_MAX ? (size_t)size : TABLE_MAX;
	if ((c->table = malloc(len > 0 ? len : 1)) == NULL)
		return -1;
	if (hlen + len <= have)
		memcpy(c->table, head + hlen, len);
	else if (fp__mem_read(&r->mem, c->linetable + hlen, c->table,
	    len) != 0) {
		free(c->table);
		c->table = NULL;
		return -1;
	}
	c->table_len = len;
	return 0;
}

/* Returns the line run by a frame of the code record pub (at code) whose
 * instruction pointer is instr, or -1 when unknown. */
int
fp__stackreader_line(fp__stackreader_t *r, const fp__rcode_t *pub,
    uint64_t code, uint64_t instr)
{
	struct rcode *c = (struct rcode *)(uintptr_t)pub;
	uint64_t start;

	if (r->l.code_adaptive == NONE || instr == 0 || (instr & 1) ||
	    code == 0 || c->addr != code)
		return -1;
	start = code + r->l.code_adaptive;
	/* 3.11/3.12 point one unit before the code until the frame's first
	 * instruction: CPython gives the first line then. */
	if (instr < start)
		return instr + 2 == start ? pub->line : -1;
	if (c->table_state == 0)
		c->table_state = read_table(r, c) == 0 ? 1 : -1;
	if (c->table_state < 0)
		return -1;
	return fp__linetable_line(c->table, c->table_len, pub->line,
	    (instr - start) / 2);
}

/* Turns the lines of fp__stackreader_read() on or off. */
void
fp__stackreader_want_lines(fp__stackreader_t *r, int on)
{
	r->want_lines = on != 0;
}

/* Creates a reader of process pid; NULL on ENOMEM or a layout whose
 * offsets are past SPAN_MAX. */
fp__stackreader_t *
fp__stackreader_new(int pid, uint64_t runtime_addr,
    const fp__pylayout_t *layout)
{
	const fp__pylayout_t *l = layout;
	fp__stackreader_t *r = calloc(1, sizeof *r);

	if (r == NULL)
		return NULL;
	fp__mem_init(&r->mem, pid);
	r->l = *layout;
	r->runtime = runtime_addr;
	/* Lines are optional: a table pointer we would not read in the
	 * header leaves them unknown. */
	if (l->code_linetable != NONE && l->code_linetable > SPAN_MAX - 8)
		r->l.code_linetable = NONE;
	l = &r->l;
	r->code_span = span(span(span(span(span(span(span(0, l->ob_type, 8),
	    l->code_filename, 8), l->code_name, 8), l->code_qualname, 8),
	    l->code_firstlineno, 4), l->code_argcount, 4), l->code_flags, 4);
	r->code_span = span(r->code_span, l->code_linetable, 8);
	r->frame_span = span(span(span(span(span(span(span(0,
	    l->frame_previous, 8), l->frame_code, 8), l->frame_globals, 8),
	    l->frame_owner, 1), l->frame_is_entry, 1), l->frame_stacktop, 4),
	    l->frame_stackpointer, 8);
	r->frame_span = span(span(r->frame_span, l->frame_localsplus, 8),
	    l->frame_instr, 8);
	r->tstate_span = span(span(span(span(span(span(0, l->tstate_next, 8),
	    l->tstate_interp, 8), l->tstate_thread_id, 8),
	    l->tstate_native_thread_id, 8), l->tstate_cframe, 8),
	    l->tstate_current_frame, 8);
	if (r->code_span > SPAN_MAX || r->frame_span > SPAN_MAX ||
	    r->tstate_span > SPAN_MAX || l->unicode_compact_size > SPAN_MAX ||
	    l->unicode_ascii_size > l->unicode_compact_size ||
	    span(span(0, l->unicode_length, 8), l->unicode_state, 4) >
	    l->unicode_ascii_size)
		goto fail;
	r->cap = 256;
	r->slots = calloc(r->cap, sizeof *r->slots);
	r->pend = calloc(FP__STACK_MAX, sizeof *r->pend);
	r->hdrs = calloc(FP__STACK_MAX, r->code_span);
	r->iov = calloc(FP__STACK_MAX, sizeof *r->iov);
	r->seen = calloc(SEEN_SLOTS, sizeof *r->seen);
	if (r->slots == NULL || r->pend == NULL || r->hdrs == NULL ||
	    r->iov == NULL || r->seen == NULL)
		goto fail;
	return r;
fail:
	fp__stackreader_free(r);
	return NULL;
}

/* Resolves the code object at code into a cached record, or NULL. */
const fp__rcode_t *
fp__stackreader_code(fp__stackreader_t *r, uint64_t code, uint64_t globals)
{
	unsigned char *hdr = r->hdrs;	/* the walk's scratch: not in use now */
	struct rcode *c;

	if (!plausible(code) ||
	    fp__mem_read(&r->mem, code, hdr, r->code_span) != 0 ||
	    !type_ok(word(hdr, r->l.ob_type), r->l.type_code))
		return NULL;
	c = lookup(r, code, hdr, globals);
	return c != NULL ? &c->pub : NULL;
}

/* Returns the index in hdrs of the header of code for this walk,
 * queueing its read when code is new to the walk. */
static size_t
header_slot(fp__stackreader_t *r, uint64_t code, size_t *nhdr)
{
	size_t i = fp__hash_u64(code) & (SEEN_SLOTS - 1);
	struct seen *s;

	for (;; i = (i + 1) & (SEEN_SLOTS - 1)) {
		s = &r->seen[i];
		if (s->stamp != r->stamp)
			break;
		if (s->code == code)
			return s->hdr;
	}
	s->stamp = r->stamp;
	s->code = code;
	s->hdr = (*nhdr)++;
	r->iov[s->hdr].addr = code;
	r->iov[s->hdr].dst = r->hdrs + s->hdr * r->code_span;
	r->iov[s->hdr].len = r->code_span;
	return s->hdr;
}

/* Walks one thread's frames from the innermost (frame) out, filling
 * t->frames, t->depth, t->truncated and t->idle_loop. */
static void
walk(fp__stackreader_t *r, uint64_t frame, fp__rthread_t *t)
{
	const fp__pylayout_t *l = &r->l;
	size_t n = 0, nhdr = 0, steps, i, ok;
	uint64_t run_once_self = 0;
	fp__rframe_t f;

	t->depth = 0;
	t->truncated = 0;
	t->idle_loop = 0;
	r->win_hi = 0;		/* a window is good for one walk only */
	r->stamp++;
	for (steps = 0; frame != 0; steps++) {
		if (steps == STEPS_MAX || n == FP__STACK_MAX ||
		    fp__stackreader_frame_near(r, frame, &f) != 0) {
			t->truncated = 1;
			break;
		}
		frame = f.previous;
		if (l->frame_owner_cstack != NONE &&
		    (uint64_t)f.owner == l->frame_owner_cstack)
			continue;
		if (!plausible(f.code)) {
			t->truncated = 1;
			break;
		}
		r->pend[n].code = f.code;
		r->pend[n].globals = f.globals;
		r->pend[n].first_local = f.first_local;
		r->pend[n].instr = f.instr;
		r->pend[n].hdr = header_slot(r, f.code, &nhdr);
		n++;
	}
	/* Every code header in one call (the kernel charges for each
	 * request, hence one per distinct code object). An unreadable one
	 * ends the stack at its first frame, as if truncated there. */
	ok = 0;
	if (nhdr > 0) {
		int got = fp__mem_readv(&r->mem, r->iov, nhdr);

		ok = got > 0 ? (size_t)got : 0;
	}
	for (i = 0; i < n; i++) {
		const unsigned char *hdr = r->hdrs + r->pend[i].hdr *
		    r->code_span;
		struct rcode *c;

		if (r->pend[i].hdr >= ok) {
			t->truncated = 1;
			break;
		}

		/* 3.13's f_executable may be another object: such a frame
		 * runs no Python code. Before, it is a frame that changed
		 * under us. */
		if (!type_ok(word(hdr, l->ob_type), l->type_code)) {
			if (l->version >= 0x030d0000)
				continue;
			t->truncated = 1;
			break;
		}
		c = lookup(r, r->pend[i].code, hdr, r->pend[i].globals);
		if (c == NULL) {
			t->truncated = 1;
			break;
		}
		if (t->depth == 1 && c->kind == KIND_RUN_ONCE &&
		    ((const struct rcode *)t->frames[0])->kind == KIND_SELECT)
			run_once_self = r->pend[i].first_local;
		if (r->want_lines)
			t->lines[t->depth] = fp__stackreader_line(r, &c->pub,
			    r->pend[i].code, r->pend[i].instr);
		t->frames[t->depth++] = &c->pub;
	}
	if (plausible(run_once_self))
		t->idle_loop = run_once_self;
}

/* Reads the stacks of every thread of the main interpreter: 0 or -errno. */
int
fp__stackreader_read(fp__stackreader_t *r, fp__rthread_t *threads,
    size_t max, size_t *n)
{
	const fp__pylayout_t *l = &r->l;
	unsigned char b[SPAN_MAX];
	uint64_t interp, ts, frame;
	size_t count = 0;
	int err;

	*n = 0;
	if ((err = read_word(r, r->runtime + l->runtime_interp_main,
	    &interp)) != 0)
		return err;
	if (interp == 0 && (err = read_word(r, r->runtime +
	    l->runtime_interp_head, &interp)) != 0)
		return err;
	if (!plausible(interp))
		return -EFAULT;
	if ((err = read_word(r, interp + l->interp_threads_head, &ts)) != 0)
		return err;
	while (ts != 0 && count < max) {
		fp__rthread_t *t = &threads[count];

		if (!plausible(ts))
			return -EFAULT;
		if ((err = fp__mem_read(&r->mem, ts, b, r->tstate_span)) != 0)
			return err;
		/* A thread state freed and reused under us no longer points
		 * at its interpreter. */
		if (word(b, l->tstate_interp) != interp)
			return -EFAULT;
		t->tstate = ts;
		t->ident = word(b, l->tstate_thread_id);
		t->native_id = (int64_t)word(b, l->tstate_native_thread_id);
		if (l->tstate_current_frame != NONE)
			frame = word(b, l->tstate_current_frame);
		else {
			uint64_t cf = word(b, l->tstate_cframe);

			frame = 0;
			/* An unreadable cframe leaves a frame address that
			 * the walk rejects, marking the stack truncated. */
			if (cf != 0 && (!plausible(cf) || read_word(r,
			    cf + l->cframe_current_frame, &frame) != 0))
				frame = 1;
		}
		walk(r, frame, t);
		count++;
		ts = word(b, l->tstate_next);
	}
	*n = count;
	return 0;
}

/* Returns the thread state that holds the GIL of the main interpreter
 * now, 0 when nobody holds it, or -1 when this layout cannot tell (a
 * free-threaded build, an unknown layout) or the read failed. */
int64_t
fp__stackreader_gil_holder(fp__stackreader_t *r)
{
	const fp__pylayout_t *l = &r->l;
	uint64_t base, holder, locked_word;
	uint64_t holder_off, locked_off;
	int32_t locked;

	if (l->runtime_gil_holder != NONE) {
		base = r->runtime;
		holder_off = l->runtime_gil_holder;
		locked_off = l->runtime_gil_locked;
	} else if (l->interp_gil_holder != NONE) {
		if (read_word(r, r->runtime + l->runtime_interp_main, &base) != 0 ||
		    !plausible(base))
			return -1;
		holder_off = l->interp_gil_holder;
		locked_off = l->interp_gil_locked;
	} else {
		return -1;
	}
	if (read_word(r, base + holder_off, &holder) != 0 ||
	    fp__mem_read(&r->mem, base + locked_off, &locked_word, 4) != 0)
		return -1;
	memcpy(&locked, &locked_word, sizeof locked);
	return locked > 0 && plausible(holder) ? (int64_t)holder : 0;
}

/* Returns the memory accessor of r. */
fp__mem_t *
fp__stackreader_mem(fp__stackreader_t *r)
{
	return &r->mem;
}

/* Returns the layout r reads with. */
const fp__pylayout_t *
fp__stackreader_layout(const fp__stackreader_t *r)
{
	return &r->l;
}

/* Frees the reader and its records. */
void
fp__stackreader_free(fp__stackreader_t *r)
{
	struct rcode *c, *next;

	if (r == NULL)
		return;
	for (c = r->all; c != NULL; c = next) {
		next = c->all;
		free(c->table);
		free(c);
	}
	free(r->slots);
	free(r->pend);
	free(r->hdrs);
	free(r->iov);
	free(r->seen);
	free(r);
}
