/*
 * stackread.c: the Python stacks of every thread, read from the
 * interpreter's memory without its lock.
 *
 * One sample costs: two reads to reach the thread list, one or two per
 * thread state, then the frames: CPython pushes the frames of Python
 * calls one after the other in a per-thread data stack, callers at lower
 * addresses, so one read of the WINDOW bytes below a frame usually holds
 * its callers too (a frame elsewhere, in a generator or on the C stack,
 * costs a read of its own). Then one batched read of the headers of every
 * code object on the stack. Code objects are cached by address; a hit is checked against the
 * header just read (type, co_filename and co_qualname pointers,
 * co_firstlineno), so a freed code object whose address was reused never
 * shows the old name. Only a miss reads strings and the module's
 * __name__.
 *
 * Lines are extra: only with fp__stackreader_want_lines() on does the walk
 * keep each frame's instruction pointer and turn it into a line, from the
 * code object's location table (co_linetable, the 3.11 format of PEP 626
 * and CPython's Objects/locations.md), read once per cached code object.
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

#include "sample/stackread.h"

#define NONE		FP__PYLAYOUT_NONE
#define SPAN_MAX	4096		/* bytes of a structure we read at most */
#define STR_MAX		4096		/* code points of a string we decode */
#define SPECULATE	128		/* string bytes read along with the header */
#define STEPS_MAX	(4 * FP__STACK_MAX)	/* frames walked, shims included */
#define ENTRIES_MAX	32		/* dict entries searched for __name__ */
#define WINDOW		16384		/* bytes of data stack read at once */
#define GEN_EXTRA	512		/* bytes of a generator's value stack
					 * read along with its frame */
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
static size_t
span(size_t a, uint64_t off, size_t n)
{
	if (off == NONE)
		return a;
	if (off > SPAN_MAX)
		return SPAN_MAX + 1;
	return off + n > a ? off + n : a;
}

/* Returns the pointer-sized word at offset off of a buffer read. */
static uint64_t
word(const unsigned char *b, uint64_t off)
{
	uint64_t v;

	memcpy(&v, b + off, sizeof v);
	return v;
}

/* Returns the int at offset off of a buffer read. */
static int
int32(const unsigned char *b, uint64_t off)
{
	int32_t v;

	memcpy(&v, b + off, sizeof v);
	return v;
}

/* Returns non-zero when p can be the address of an object or frame. */
static int
plausible(uint64_t p)
{
	return p >= 4096 && (p & 7) == 0 && p < (1ull << 56);
}

/* Reads one pointer-sized word at addr: 0 or -errno. */
static int
read_word(fp__stackreader_t *r, uint64_t addr, uint64_t *v)
{
	return fp__mem_read(&r->mem, addr, v, sizeof *v);
}

/* Returns non-zero when the type pointer t is the expected one, or the
 * expected one is unknown. */
static int
type_ok(uint64_t t, uint64_t expected)
{
	return expected == 0 || t == expected;
}

/* Appends code point c to out as UTF-8; returns the bytes written. */
static size_t
put_utf8(char *out, uint32_t c)
{
	if (c >= 0xd800 && c < 0xe000)
		c = '?';
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | c >> 12);
		out[1] = (char)(0x80 | (c >> 6 & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | c >> 18);
	out[1] = (char)(0x80 | (c >> 12 & 0x3f));
	out[2] = (char)(0x80 | (c >> 6 & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
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
		o += put_utf8(out + o, c);
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
	size_t i = (size_t)((addr >> 4) * 0x9e3779b97f4a7c15ull) & (r->cap - 1);

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
static int
table_line(const unsigned char *p, size_t len, int first, uint64_t unit)
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
	return table_line(c->table, c->table_len, pub->line,
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
static int
read_frame(fp__stackreader_t *r, uint64_t addr, fp__rframe_t *f)
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
	size_t i = (size_t)((code >> 4) * 0x9e3779b97f4a7c15ull) &
	    (SEEN_SLOTS - 1);
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
		    read_frame(r, frame, &f) != 0) {
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
