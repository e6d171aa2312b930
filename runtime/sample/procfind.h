/*
 * procfind.h: finding the Python interpreter inside another process, for
 * "fullprof attach".
 *
 * Given a pid, the mapped files listed in /proc/PID/maps are searched for
 * the one that defines _PyRuntime in its ELF symbol tables (.symtab or
 * .dynsym): a python executable that links libpython statically (Debian's
 * /usr/bin/python3.11, fullprof itself) or a libpython3.X.so (pyenv,
 * --enable-shared builds). The file is opened as the target maps it
 * (/proc/PID/map_files, then /proc/PID/root), so a file deleted or
 * replaced on disk since the target started, or one inside a container,
 * is still the right one. Symbol values become addresses in the target
 * through the load bias, computed from the mapping and the file's PT_LOAD
 * segments (0 for a non-PIE executable); a definition in the executable
 * wins over the library's, as with the dynamic linker (copy relocations
 * of an embedding program). Py_Version (exported since 3.11)
 * is then read from the target's memory for its exact version.
 *
 * Errors are negative errno values, as in the rest of the frame reader
 * (see memread.h), with a sentence for people in err:
 * -ESRCH (no such process), -EACCES or -EPERM (not allowed to read it: the
 * sentence says what is needed), -ENOEXEC (not a Python process), -EIO
 * (its memory could not be read), -ENOMEM.
 *
 * Ownership: an fp__pyproc_t owns its path; fp__pyproc_free releases it.
 */
#ifndef FP_PROCFIND_H
#define FP_PROCFIND_H

#include <stddef.h>
#include <stdint.h>

/* The type objects whose addresses are looked up (0 when not exported):
 * those the stack reader checks objects against (see pylayout.h). */
typedef enum fp__pytype {
	FP__PYTYPE_CODE,	/* PyCode_Type */
	FP__PYTYPE_UNICODE,	/* PyUnicode_Type */
	FP__PYTYPE_DICT,	/* PyDict_Type */
	FP__PYTYPE_GEN,		/* PyGen_Type */
	FP__PYTYPE_CORO,	/* PyCoro_Type */
	FP__PYTYPE_COUNT
} fp__pytype_t;

typedef struct fp__pyproc {
	int pid;
	char *path;		/* the file defining _PyRuntime, as the target
				 * maps it ("/usr/lib/libpython3.13.so.1.0") */
	int shared;		/* 1: a shared library; 0: the executable */
	uint64_t runtime_addr;	/* _PyRuntime in the target */
	uint64_t version_addr;	/* Py_Version in the target, 0 before 3.11 */
	uint32_t version;	/* PY_VERSION_HEX: Py_Version, or from the file
				 * name (3.X.0, final) when it is not there */
	int version_exact;	/* 1: read from Py_Version */
	uint64_t types[FP__PYTYPE_COUNT];
} fp__pyproc_t;

/* Finds the interpreter of process pid into *out. Returns 0, or a
 * negative errno value with one line for people in err ("no such
 * process", "not a Python process (no _PyRuntime in any mapped file)",
 * ...); *out then holds nothing to free. */
int fp__procfind(int pid, fp__pyproc_t *out, char *err, size_t errlen);

/* Looks up the symbols names[0..n-1] in the ELF file at path: addrs[i]
 * gets the value of a symbol defined there (before the load bias), or 0.
 * Returns the number found, or a negative errno value (-ENOEXEC: not a
 * 64-bit ELF file of this machine's byte order). */
int fp__elf_lookup(const char *path, const char *const *names,
    uint64_t *addrs, size_t n);

/* Computes the load bias of the ELF file at path mapped in process pid
 * with its first page at start (a mapping of file offset offset), from
 * its PT_LOAD segments. Returns 0 and sets *bias, or a negative errno. */
int fp__elf_bias(const char *path, uint64_t start, uint64_t offset,
    uint64_t *bias);

/* Returns a sentence on why pid cannot be read by this process (the
 * user ids, CAP_SYS_PTRACE, /proc/sys/kernel/yama/ptrace_scope), written
 * into buf. */
const char *fp__procfind_perm_hint(int pid, char *buf, size_t size);

/* Formats a PY_VERSION_HEX as "3.13.0" (or "3.13.0rc2") into buf. */
const char *fp__pyversion_str(uint32_t hex, char *buf, size_t size);

/* Releases what *p holds (not p itself). */
void fp__pyproc_free(fp__pyproc_t *p);

#endif /* FP_PROCFIND_H */
