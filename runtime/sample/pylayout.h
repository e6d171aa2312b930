/*
 * pylayout.h: where things are inside one CPython's private structures,
 * as plain numbers, so that the stack reader can walk an interpreter's
 * memory without including that interpreter's headers.
 *
 * Every field is a byte offset from the start of the named structure
 * unless its comment says otherwise. A field that does not exist in the
 * target's version holds FP__PYLAYOUT_NONE (UINT64_MAX); the reader then
 * takes the other route its comment names. The type addresses at the end
 * are addresses in the target process (0 when unknown: the reader then
 * skips that check rather than fail).
 *
 * fp__pylayout_native() fills the struct from the headers of the Python
 * fullprof was built against (all version tests live in pylayout.c);
 * fp__pylayout_from_debug_offsets() (runtime/sample/pylayout-debug.c) fills it
 * from a 3.13+ target's _Py_DebugOffsets. The struct is plain data: copy
 * it freely (it owns no memory; the caller owns its storage).
 */
#ifndef FP_PYLAYOUT_H
#define FP_PYLAYOUT_H

#include <stdint.h>

#define FP__PYLAYOUT_NONE	UINT64_MAX	/* no such field in this version */

typedef struct fp__pylayout {
	unsigned long version;	/* PY_VERSION_HEX of the target, e.g. 0x030c01f0 */

	/* PyObject */
	uint64_t ob_type;	/* PyObject.ob_type (the type pointer) */

	/* _PyRuntimeState (the global _PyRuntime) */
	uint64_t runtime_interp_head;	/* interpreters.head: first PyInterpreterState */
	uint64_t runtime_interp_main;	/* interpreters.main: the main interpreter */

	uint64_t runtime_gil_holder;	/* 3.11: ceval.gil.last_holder, the thread
					 * state that holds (or last held) the GIL;
					 * NONE in 3.12+ (see interp_gil_holder) */
	uint64_t runtime_gil_locked;	/* 3.11: ceval.gil.locked (int); NONE in 3.12+ */

	/* PyInterpreterState */
	uint64_t interp_next;		/* next: the next interpreter, or NULL */
	uint64_t interp_threads_head;	/* threads.head: first PyThreadState */
	uint64_t interp_gil_holder;	/* 3.12+: _gil.last_holder of the main
					 * interpreter's own GIL; NONE in 3.11 */
	uint64_t interp_gil_locked;	/* 3.12+: _gil.locked (int); NONE in 3.11 */

	/* PyThreadState */
	uint64_t tstate_next;		/* next: the next thread state, or NULL */
	uint64_t tstate_interp;		/* interp: its PyInterpreterState */
	uint64_t tstate_thread_id;	/* thread_id (unsigned long): threading.get_ident() */
	uint64_t tstate_native_thread_id; /* native_thread_id (unsigned long): the OS tid */
	uint64_t tstate_cframe;		/* 3.11/3.12: cframe, a _PyCFrame pointer whose
					 * current_frame is the innermost frame; NONE in 3.13+ */
	uint64_t cframe_current_frame;	/* 3.11/3.12: _PyCFrame.current_frame; NONE in 3.13+ */
	uint64_t tstate_current_frame;	/* 3.13+: current_frame, the innermost
					 * _PyInterpreterFrame; NONE in 3.11/3.12 */

	/* _PyInterpreterFrame */
	uint64_t frame_previous;	/* previous: the caller's frame, or NULL */
	uint64_t frame_code;		/* f_code (3.11/3.12) or f_executable (3.13+, may
					 * be a non-code object: check its type) */
	uint64_t frame_globals;		/* f_globals: the module's dict (borrowed) */
	uint64_t frame_owner;		/* owner (one char): FRAME_OWNED_BY_* */
	uint64_t frame_is_entry;	/* 3.11: is_entry (bool); NONE in 3.12+ */
	uint64_t frame_localsplus;	/* localsplus[]: locals, cells, then the value stack */
	uint64_t frame_stacktop;	/* stacktop (int): top of the value stack as an
					 * index into localsplus; NONE where the frame has
					 * stackpointer instead */
	uint64_t frame_stackpointer;	/* stackpointer: pointer one past the top of the
					 * value stack (3.14+); NONE where it has stacktop */
	uint64_t frame_instr;		/* the instruction it runs, a _Py_CODEUNIT pointer into
					 * its code's co_code_adaptive: prev_instr (3.11/3.12;
					 * one code unit before the code while the frame has not
					 * started) or instr_ptr (3.13+); NONE when unknown */
	uint64_t frame_owner_generator;	/* value of FRAME_OWNED_BY_GENERATOR (not an offset) */
	uint64_t frame_owner_cstack;	/* value of FRAME_OWNED_BY_CSTACK, the C-stack shim
					 * frames the reader skips (not an offset); NONE in
					 * 3.11, which has no shims */

	/* PyCodeObject */
	uint64_t code_filename;		/* co_filename (str) */
	uint64_t code_name;		/* co_name (str) */
	uint64_t code_qualname;		/* co_qualname (str) */
	uint64_t code_firstlineno;	/* co_firstlineno (int) */
	uint64_t code_argcount;		/* co_argcount (int) */
	uint64_t code_flags;		/* co_flags (int): CO_COROUTINE 0x80, ... */
	uint64_t code_linetable;	/* co_linetable (bytes): the location table of
					 * PEP 626, 3.11 format; NONE when unknown */
	uint64_t code_adaptive;		/* co_code_adaptive[]: the bytecode, in 2-byte code
					 * units; NONE when unknown */

	/* PyASCIIObject and PyCompactUnicodeObject */
	uint64_t unicode_length;	/* length (Py_ssize_t): in code points */
	uint64_t unicode_state;		/* state: a 32-bit bit-field word */
	uint64_t unicode_kind_shift;	/* bit position of state.kind (3 bits: 1, 2 or 4
					 * bytes per code point) (not an offset) */
	uint64_t unicode_compact_bit;	/* bit position of state.compact (not an offset) */
	uint64_t unicode_ascii_bit;	/* bit position of state.ascii (not an offset) */
	uint64_t unicode_ascii_size;	/* sizeof(PyASCIIObject): the characters of a
					 * compact ASCII string follow it */
	uint64_t unicode_compact_size;	/* sizeof(PyCompactUnicodeObject): the characters
					 * of any other compact string follow it */

	/* PyBytesObject (a code object's co_linetable) */
	uint64_t bytes_size;		/* ob_size (Py_ssize_t): the length in bytes */
	uint64_t bytes_data;		/* ob_sval[]: the bytes */

	/* PyGenObject (PyCoroObject has the same layout) */
	uint64_t gen_iframe;		/* gi_iframe: the embedded _PyInterpreterFrame */
	uint64_t gen_frame_state;	/* gi_frame_state (int8_t) */
	uint64_t gen_state_created;	/* value of FRAME_CREATED (not an offset; stored
					 * as the two's complement int8 value sign-extended,
					 * e.g. (uint64_t)-2) */
	uint64_t gen_state_executing;	/* value of FRAME_EXECUTING (not an offset): the
					 * states strictly between created and executing
					 * are the suspended ones */

	/* PyDictObject and PyDictKeysObject (for __name__ in a frame's globals) */
	uint64_t dict_keys;		/* PyDictObject.ma_keys */
	uint64_t dict_values;		/* PyDictObject.ma_values (non-NULL: split table) */
	uint64_t dictkeys_log2_size;	/* PyDictKeysObject.dk_log2_size (uint8) */
	uint64_t dictkeys_log2_index_bytes; /* dk_log2_index_bytes (uint8) */
	uint64_t dictkeys_kind;		/* dk_kind (uint8): 0 general, else str keys */
	uint64_t dictkeys_nentries;	/* dk_nentries (Py_ssize_t) */
	uint64_t dictkeys_indices;	/* dk_indices[]: the entries follow the
					 * 1 << dk_log2_index_bytes bytes of indices */
	uint64_t dict_entry_size;	/* sizeof(PyDictKeyEntry): hash, key, value */
	uint64_t dict_unicode_entry_size; /* sizeof(PyDictUnicodeEntry): key, value */

	/* Type objects: addresses in the target, 0 when unknown */
	uint64_t type_code;		/* &PyCode_Type */
	uint64_t type_unicode;		/* &PyUnicode_Type */
	uint64_t type_dict;		/* &PyDict_Type */
	uint64_t type_bytes;		/* &PyBytes_Type */
	uint64_t type_gen;		/* &PyGen_Type */
	uint64_t type_coro;		/* &PyCoro_Type */
} fp__pylayout_t;

/* Fills l with the layout of the Python fullprof was compiled against
 * (offsetof on that version's own headers, internal ones with
 * Py_BUILD_CORE), with the type addresses of this process. */
void fp__pylayout_native(fp__pylayout_t *l);

/* Returns the address of this process's _PyRuntime (what
 * fp__stackreader_new() wants for reading ourselves). */
uint64_t fp__pylayout_native_runtime(void);

#endif /* FP_PYLAYOUT_H */
