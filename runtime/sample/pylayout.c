/*
 * pylayout.c: the layout of the Python fullprof was built against, taken
 * with offsetof from that version's own (internal) headers.
 *
 * This is the one file of the stack reader that knows CPython versions;
 * everything else reads the numbers it leaves in an fp__pylayout_t.
 */
#include "config.h"

/* The internal headers want Py_BUILD_CORE from the start, and some of
 * their inline functions use what they deprecate for everyone else. */
#define Py_BUILD_CORE 1
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include <Python.h>
#include "internal/pycore_runtime.h"
#include "internal/pycore_interp.h"
#include "internal/pycore_frame.h"
#include "internal/pycore_dict.h"
#pragma GCC diagnostic pop

#include <stddef.h>
#include <string.h>

#if PY_VERSION_HEX < 0x030b0000 || PY_VERSION_HEX >= 0x030e0000
#error "fullprof supports CPython 3.11, 3.12 and 3.13"
#endif

#include "sample/pylayout.h"

#define NONE FP__PYLAYOUT_NONE

/* Returns the bit position of a one-bit-wide probe in the unicode state
 * word: sets the field in a zeroed object and finds the bit. */
static uint64_t
state_bit(const PyASCIIObject *o)
{
	uint32_t w;
	uint64_t i;

	memcpy(&w, (const char *)o + offsetof(PyASCIIObject, state), sizeof w);
	for (i = 0; i < 32; i++) {
		if (w & (1u << i))
			return i;
	}
	return NONE;
}

/* Fills the unicode state bit positions by setting each bit-field in a
 * blank object (bit-field positions have no offsetof). */
static void
unicode_bits(fp__pylayout_t *l)
{
	PyASCIIObject o;

	memset(&o, 0, sizeof o);
	o.state.kind = 1;
	l->unicode_kind_shift = state_bit(&o);
	memset(&o, 0, sizeof o);
	o.state.compact = 1;
	l->unicode_compact_bit = state_bit(&o);
	memset(&o, 0, sizeof o);
	o.state.ascii = 1;
	l->unicode_ascii_bit = state_bit(&o);
}

/* Fills l with this build's Python layout and this process's type
 * addresses. */
void
fp__pylayout_native(fp__pylayout_t *l)
{
	memset(l, 0, sizeof *l);
	l->version = PY_VERSION_HEX;
	l->ob_type = offsetof(PyObject, ob_type);

	l->runtime_interp_head = offsetof(_PyRuntimeState, interpreters.head);
	l->runtime_interp_main = offsetof(_PyRuntimeState, interpreters.main);
	l->interp_next = offsetof(PyInterpreterState, next);
	l->interp_threads_head = offsetof(PyInterpreterState, threads.head);
#if PY_VERSION_HEX >= 0x030c0000
	l->runtime_gil_holder = NONE;
	l->runtime_gil_locked = NONE;
	l->interp_gil_holder = offsetof(PyInterpreterState, _gil.last_holder);
	l->interp_gil_locked = offsetof(PyInterpreterState, _gil.locked);
#else
	l->runtime_gil_holder = offsetof(_PyRuntimeState, ceval.gil.last_holder);
	l->runtime_gil_locked = offsetof(_PyRuntimeState, ceval.gil.locked);
	l->interp_gil_holder = NONE;
	l->interp_gil_locked = NONE;
#endif

	l->tstate_next = offsetof(PyThreadState, next);
	l->tstate_interp = offsetof(PyThreadState, interp);
	l->tstate_thread_id = offsetof(PyThreadState, thread_id);
	l->tstate_native_thread_id = offsetof(PyThreadState, native_thread_id);
#if PY_VERSION_HEX >= 0x030d0000
	l->tstate_cframe = NONE;
	l->cframe_current_frame = NONE;
	l->tstate_current_frame = offsetof(PyThreadState, current_frame);
#else
	l->tstate_cframe = offsetof(PyThreadState, cframe);
	l->cframe_current_frame = offsetof(_PyCFrame, current_frame);
	l->tstate_current_frame = NONE;
#endif

	l->frame_previous = offsetof(_PyInterpreterFrame, previous);
#if PY_VERSION_HEX >= 0x030d0000
	l->frame_code = offsetof(_PyInterpreterFrame, f_executable);
#else
	l->frame_code = offsetof(_PyInterpreterFrame, f_code);
#endif
	l->frame_globals = offsetof(_PyInterpreterFrame, f_globals);
	l->frame_owner = offsetof(_PyInterpreterFrame, owner);
#if PY_VERSION_HEX >= 0x030c0000
	l->frame_is_entry = NONE;
	l->frame_owner_cstack = FRAME_OWNED_BY_CSTACK;
#else
	l->frame_is_entry = offsetof(_PyInterpreterFrame, is_entry);
	l->frame_owner_cstack = NONE;
#endif
	l->frame_localsplus = offsetof(_PyInterpreterFrame, localsplus);
	l->frame_stacktop = offsetof(_PyInterpreterFrame, stacktop);
	l->frame_stackpointer = NONE;
	l->frame_owner_generator = FRAME_OWNED_BY_GENERATOR;
#if PY_VERSION_HEX >= 0x030d0000
	l->frame_instr = offsetof(_PyInterpreterFrame, instr_ptr);
#else
	l->frame_instr = offsetof(_PyInterpreterFrame, prev_instr);
#endif

	l->code_filename = offsetof(PyCodeObject, co_filename);
	l->code_name = offsetof(PyCodeObject, co_name);
	l->code_qualname = offsetof(PyCodeObject, co_qualname);
	l->code_firstlineno = offsetof(PyCodeObject, co_firstlineno);
	l->code_argcount = offsetof(PyCodeObject, co_argcount);
	l->code_flags = offsetof(PyCodeObject, co_flags);
	l->code_linetable = offsetof(PyCodeObject, co_linetable);
	l->code_adaptive = offsetof(PyCodeObject, co_code_adaptive);

	l->unicode_length = offsetof(PyASCIIObject, length);
	l->unicode_state = offsetof(PyASCIIObject, state);
	unicode_bits(l);
	l->unicode_ascii_size = sizeof(PyASCIIObject);
	l->unicode_compact_size = sizeof(PyCompactUnicodeObject);

	l->bytes_size = offsetof(PyVarObject, ob_size);
	l->bytes_data = offsetof(PyBytesObject, ob_sval);

	l->gen_iframe = offsetof(PyGenObject, gi_iframe);
	l->gen_frame_state = offsetof(PyGenObject, gi_frame_state);
	l->gen_state_created = (uint64_t)(int64_t)FRAME_CREATED;
	l->gen_state_executing = (uint64_t)(int64_t)FRAME_EXECUTING;

	l->dict_keys = offsetof(PyDictObject, ma_keys);
	l->dict_values = offsetof(PyDictObject, ma_values);
	l->dictkeys_log2_size = offsetof(PyDictKeysObject, dk_log2_size);
	l->dictkeys_log2_index_bytes = offsetof(PyDictKeysObject,
	    dk_log2_index_bytes);
	l->dictkeys_kind = offsetof(PyDictKeysObject, dk_kind);
	l->dictkeys_nentries = offsetof(PyDictKeysObject, dk_nentries);
	l->dictkeys_indices = offsetof(PyDictKeysObject, dk_indices);
	l->dict_entry_size = sizeof(PyDictKeyEntry);
	l->dict_unicode_entry_size = sizeof(PyDictUnicodeEntry);

	l->type_code = (uint64_t)(uintptr_t)&PyCode_Type;
	l->type_unicode = (uint64_t)(uintptr_t)&PyUnicode_Type;
	l->type_dict = (uint64_t)(uintptr_t)&PyDict_Type;
	l->type_bytes = (uint64_t)(uintptr_t)&PyBytes_Type;
	l->type_gen = (uint64_t)(uintptr_t)&PyGen_Type;
	l->type_coro = (uint64_t)(uintptr_t)&PyCoro_Type;
}

/* Returns the address of this process's _PyRuntime. */
uint64_t
fp__pylayout_native_runtime(void)
{
	return (uint64_t)(uintptr_t)&_PyRuntime;
}
