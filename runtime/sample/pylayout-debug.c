/*
 * pylayout-debug.c: an interpreter's layout from its _Py_DebugOffsets
 * (see pylayout-debug.h).
 *
 * struct dbg313 below restates the order of the fields of 3.13's
 * _Py_DebugOffsets (Include/internal/pycore_runtime.h of 3.13.0): every
 * field after the cookie is a uint64_t, so this struct has the same
 * layout, and offsetof on it gives where each field sits in the record.
 * A later version whose record differs gets a struct and a filler of its
 * own; one it does not know is refused.
 *
 * What the reader needs and the 3.13 record lacks (f_globals, stacktop,
 * co_flags, the generator and dict-keys fields, the unicode state bits,
 * interpreters.main) is taken from the 3.13 headers relative to fields the
 * record does give, and only after checking that the record puts those
 * where the headers do: a build of a different shape is refused.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "sample/pylayout-debug.h"

#define NONE FP__PYLAYOUT_NONE
#define COOKIE "xdebugpy"
#define PTR 8			/* sizeof(void *) in the target */
#define MAX_SIZE (64u << 20)	/* no structure is larger than this */

/* 3.13's _Py_DebugOffsets, field for field. */
struct dbg313 {
	char cookie[8];
	uint64_t version;
	uint64_t free_threaded;
	struct {
		uint64_t size, finalizing, interpreters_head;
	} runtime_state;
	struct {
		uint64_t size, id, next, threads_head, gc, imports_modules,
		    sysdict, builtins, ceval_gil, gil_runtime_state,
		    gil_runtime_state_enabled, gil_runtime_state_locked,
		    gil_runtime_state_holder;
	} interpreter_state;
	struct {
		uint64_t size, prev, next, interp, current_frame, thread_id,
		    native_thread_id, datastack_chunk, status;
	} thread_state;
	struct {
		uint64_t size, previous, executable, instr_ptr, localsplus,
		    owner;
	} interpreter_frame;
	struct {
		uint64_t size, filename, name, qualname, linetable,
		    firstlineno, argcount, localsplusnames, localspluskinds,
		    co_code_adaptive;
	} code_object;
	struct {
		uint64_t size, ob_type;
	} pyobject;
	struct {
		uint64_t size, tp_name, tp_repr, tp_flags;
	} type_object;
	struct {
		uint64_t size, ob_item, ob_size;
	} tuple_object, list_object;
	struct {
		uint64_t size, ma_keys, ma_values;
	} dict_object;
	struct {
		uint64_t size, ob_fval;
	} float_object;
	struct {
		uint64_t size, lv_tag, ob_digit;
	} long_object;
	struct {
		uint64_t size, ob_size, ob_sval;
	} bytes_object;
	struct {
		uint64_t size, state, length, asciiobject_size;
	} unicode_object;
	struct {
		uint64_t size, collecting;
	} gc;
};

/* Returns non-zero when a field of width bytes at off lies inside a
 * structure of size bytes. */
static int
fits(uint64_t off, uint64_t width, uint64_t size)
{
	return size != 0 && size <= MAX_SIZE && off < size &&
	    width <= size - off;
}

/* Checks the offsets of a 3.13 record: each within its structure's size,
 * and the fields the derived offsets lean on where 3.13's headers put
 * them. Returns 0 or -EINVAL. */
static int
check313(const struct dbg313 *d)
{
	uint64_t f = d->interpreter_frame.previous;

	if (!fits(d->runtime_state.interpreters_head, 2 * PTR,
	    d->runtime_state.size) ||
	    !fits(d->interpreter_state.next, PTR, d->interpreter_state.size) ||
	    !fits(d->interpreter_state.threads_head, PTR,
	    d->interpreter_state.size) ||
	    !fits(d->thread_state.next, PTR, d->thread_state.size) ||
	    !fits(d->thread_state.interp, PTR, d->thread_state.size) ||
	    !fits(d->thread_state.current_frame, PTR, d->thread_state.size) ||
	    !fits(d->thread_state.thread_id, PTR, d->thread_state.size) ||
	    !fits(d->thread_state.native_thread_id, PTR,
	    d->thread_state.size) ||
	    !fits(d->code_object.filename, PTR, d->code_object.size) ||
	    !fits(d->code_object.qualname, PTR, d->code_object.size) ||
	    !fits(d->code_object.name, PTR, d->code_object.size) ||
	    !fits(d->code_object.firstlineno, 4, d->code_object.size) ||
	    !fits(d->dict_object.ma_values, PTR, d->dict_object.size) ||
	    !fits(d->unicode_object.length, PTR, d->unicode_object.size) ||
	    d->pyobject.ob_type + PTR != d->pyobject.size)
		return -EINVAL;
	/* _PyInterpreterFrame: f_executable, previous, f_funcobj, f_globals,
	 * f_builtins, f_locals, frame_obj, instr_ptr, int stacktop, uint16_t
	 * return_offset, char owner, then localsplus. */
	if (d->interpreter_frame.executable + PTR != f ||
	    d->interpreter_frame.instr_ptr != f + 6 * PTR ||
	    d->interpreter_frame.owner != d->interpreter_frame.instr_ptr +
	    PTR + 6 ||
	    d->interpreter_frame.localsplus != d->interpreter_frame.instr_ptr +
	    2 * PTR)
		return -EINVAL;
	/* PyCodeObject: int co_flags, co_argcount, co_posonlyargcount,
	 * co_kwonlyargcount, co_stacksize, co_firstlineno, ... */
	if (d->code_object.argcount < 4 ||
	    d->code_object.firstlineno != d->code_object.argcount + 16)
		return -EINVAL;
	/* struct pyinterpreters: PyMutex mutex, head, main, next_id. */
	if (d->runtime_state.interpreters_head % PTR != 0 ||
	    d->unicode_object.asciiobject_size < d->unicode_object.state + 4)
		return -EINVAL;
	return 0;
}

/* Fills l from a checked 3.13 record. */
static void
fill313(const struct dbg313 *d, fp__pylayout_t *l)
{
	uint64_t head = d->pyobject.size;	/* sizeof(PyObject) */

	memset(l, 0, sizeof *l);
	l->version = (unsigned long)d->version;
	l->ob_type = d->pyobject.ob_type;

	l->runtime_interp_head = d->runtime_state.interpreters_head;
	l->runtime_interp_main = d->runtime_state.interpreters_head + PTR;
	l->interp_next = d->interpreter_state.next;
	l->interp_threads_head = d->interpreter_state.threads_head;
	l->runtime_gil_holder = NONE;
	l->runtime_gil_locked = NONE;
	l->interp_gil_holder = NONE;
	l->interp_gil_locked = NONE;
	/* A free-threaded build has no GIL to tell who runs. */
	if (!d->free_threaded && fits(d->interpreter_state.gil_runtime_state_holder,
	    PTR, d->interpreter_state.size) &&
	    fits(d->interpreter_state.gil_runtime_state_locked, 4,
	    d->interpreter_state.size)) {
		l->interp_gil_holder =
		    d->interpreter_state.gil_runtime_state_holder;
		l->interp_gil_locked =
		    d->interpreter_state.gil_runtime_state_locked;
	}

	l->tstate_next = d->thread_state.next;
	l->tstate_interp = d->thread_state.interp;
	l->tstate_thread_id = d->thread_state.thread_id;
	l->tstate_native_thread_id = d->thread_state.native_thread_id;
	l->tstate_cframe = NONE;
	l->cframe_current_frame = NONE;
	l->tstate_current_frame = d->thread_state.current_frame;

	l->frame_previous = d->interpreter_frame.previous;
	l->frame_code = d->interpreter_frame.executable;
	l->frame_globals = d->interpreter_frame.previous + 2 * PTR;
	l->frame_owner = d->interpreter_frame.owner;
	l->frame_is_entry = NONE;
	l->frame_localsplus = d->interpreter_frame.localsplus;
	l->frame_stacktop = d->interpreter_frame.instr_ptr + PTR;
	l->frame_stackpointer = NONE;
	l->frame_owner_generator = 1;	/* FRAME_OWNED_BY_GENERATOR */
	l->frame_owner_cstack = 3;	/* FRAME_OWNED_BY_CSTACK */

	l->code_filename = d->code_object.filename;
	l->code_name = d->code_object.name;
	l->code_qualname = d->code_object.qualname;
	l->code_firstlineno = d->code_object.firstlineno;
	l->code_argcount = d->code_object.argcount;
	l->code_flags = d->code_object.argcount - 4;

	/* What the current line of a frame needs: an offset out of bounds
	 * leaves lines unknown rather than refusing the record. instr_ptr
	 * was checked with the frame above. */
	l->frame_instr = d->interpreter_frame.instr_ptr;
	l->code_linetable = fits(d->code_object.linetable, PTR,
	    d->code_object.size) ? d->code_object.linetable : NONE;
	l->code_adaptive = fits(d->code_object.co_code_adaptive, 1,
	    d->code_object.size) ? d->code_object.co_code_adaptive : NONE;
	if (fits(d->bytes_object.ob_size, PTR, d->bytes_object.size) &&
	    fits(d->bytes_object.ob_sval, 1, d->bytes_object.size)) {
		l->bytes_size = d->bytes_object.ob_size;
		l->bytes_data = d->bytes_object.ob_sval;
	} else {
		l->bytes_size = NONE;
		l->bytes_data = NONE;
	}

	/* PyASCIIObject.state: interned:2, kind:3, compact:1, ascii:1;
	 * PyCompactUnicodeObject adds utf8_length and utf8. */
	l->unicode_length = d->unicode_object.length;
	l->unicode_state = d->unicode_object.state;
	l->unicode_kind_shift = 2;
	l->unicode_compact_bit = 5;
	l->unicode_ascii_bit = 6;
	l->unicode_ascii_size = d->unicode_object.asciiobject_size;
	l->unicode_compact_size = d->unicode_object.asciiobject_size + 2 * PTR;

	/* _PyGenObject_HEAD: PyObject_HEAD, weakreflist, name, qualname,
	 * exc_state (two pointers), origin_or_finalizer, three chars, int8_t
	 * frame_state, then the frame. FRAME_CREATED is -3, EXECUTING 0. */
	l->gen_frame_state = head + 6 * PTR + 3;
	l->gen_iframe = head + 7 * PTR;
	l->gen_state_created = (uint64_t)(int64_t)-3;
	l->gen_state_executing = 0;

	/* PyDictKeysObject (with the GIL): Py_ssize_t dk_refcnt, uint8_t
	 * dk_log2_size, dk_log2_index_bytes, dk_kind, uint32_t dk_version,
	 * Py_ssize_t dk_usable, dk_nentries, then dk_indices. */
	l->dict_keys = d->dict_object.ma_keys;
	l->dict_values = d->dict_object.ma_values;
	l->dictkeys_log2_size = 8;
	l->dictkeys_log2_index_bytes = 9;
	l->dictkeys_kind = 10;
	l->dictkeys_nentries = 24;
	l->dictkeys_indices = 32;
	l->dict_entry_size = 3 * PTR;		/* hash, key, value */
	l->dict_unicode_entry_size = 2 * PTR;	/* key, value */
}

/* Fills out from a record already read. */
int
fp__pylayout_from_debug_bytes(const void *raw, size_t len,
    fp__pylayout_t *out)
{
	struct dbg313 d;
	uint64_t version;

	if (len < 16 || memcmp(raw, COOKIE, 8) != 0)
		return -EPROTO;
	memcpy(&version, (const char *)raw + 8, sizeof version);
	if ((version >> 16) != 0x030d)
		return -ENOTSUP;	/* only 3.13's record is known */
	if (len < sizeof d)
		return -EINVAL;
	memcpy(&d, raw, sizeof d);
	if (d.free_threaded != 0)
		return -ENOTSUP;	/* other frame and dict layouts */
	if (check313(&d) != 0)
		return -EINVAL;
	fill313(&d, out);
	return 0;
}

/* Reads the target's _Py_DebugOffsets and fills out from it. */
int
fp__pylayout_from_debug_offsets(fp__mem_t *m, uint64_t runtime_addr,
    fp__pylayout_t *out)
{
	unsigned char raw[sizeof(struct dbg313)];
	int rc;

	/* The cookie and version first: an older target's _PyRuntime may be
	 * smaller than a whole record. */
	if ((rc = fp__mem_read(m, runtime_addr, raw, 16)) != 0)
		return rc;
	if (memcmp(raw, COOKIE, 8) != 0)
		return -EPROTO;
	if ((rc = fp__mem_read(m, runtime_addr, raw, sizeof raw)) != 0)
		return rc;
	return fp__pylayout_from_debug_bytes(raw, sizeof raw, out);
}
