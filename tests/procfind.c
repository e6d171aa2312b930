/*
 * procfind.c: checks for runtime/sample/procfind.c and runtime/sample/pylayout-debug.c:
 * the interpreter of this very process is found where the dynamic linker
 * put it (_PyRuntime, Py_Version and the type objects at the addresses
 * this process sees), a symbol of the test executable is found at its
 * address through the load bias, a missing process, a process that is not
 * Python and files that are not ELF (or are cut short) give the errors
 * they should, and a 3.13 _Py_DebugOffsets record (as 3.13.0 publishes it
 * on x86-64) gives the layout of 3.13's headers, while a record of another
 * version, of a free-threaded build or of an unexpected shape is refused.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <Python.h>

#include "core/filter.h"
#include "sample/procfind.h"
#include "sample/pylayout-debug.h"
#include "suites.h"

/* The fields of 3.13.0's _Py_DebugOffsets after its cookie, as a 3.13.0
 * interpreter (pyenv, x86-64) publishes them. */
static const uint64_t record313[72] = {
	0x030d00f0, 0,						/* version */
	283320, 608, 632,					/* runtime */
	194968, 7272, 7264, 7344, 7400, 7656, 7640, 7648, 16, 7752, 0,
	7768, 7760,						/* interp */
	304, 0, 8, 16, 72, 152, 160, 232, 32,			/* tstate */
	80, 8, 0, 56, 72, 70,					/* frame */
	208, 112, 120, 128, 136, 68, 52, 96, 104, 200,		/* code */
	16, 8,							/* object */
	416, 24, 88, 168,					/* type */
	32, 24, 16, 40, 24, 16,					/* tuple, list */
	48, 32, 40,						/* dict */
	24, 16,							/* float */
	32, 16, 24,						/* long */
	40, 16, 32,						/* bytes */
	64, 32, 16, 40,						/* unicode */
	240, 200,						/* gc */
};

/* Builds a whole 3.13 record in raw (8 + 72 * 8 bytes). */
static void
make_record(unsigned char *raw)
{
	memcpy(raw, "xdebugpy", 8);
	memcpy(raw + 8, record313, sizeof record313);
}

/* Sets field i (0: version) of a record. */
static void
set_field(unsigned char *raw, size_t i, uint64_t v)
{
	memcpy(raw + 8 + 8 * i, &v, sizeof v);
}

/* Starts /bin/sleep and returns its pid once it runs sleep's code. */
static pid_t
start_sleep(void)
{
	char path[64], exe[256];
	pid_t pid = fork();
	ssize_t n;
	int i;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		execl("/bin/sleep", "sleep", "30", (char *)NULL);
		_exit(127);
	}
	snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
	for (i = 0; i < 500; i++) {	/* until exec has happened */
		n = readlink(path, exe, sizeof exe - 1);
		if (n > 0 && (exe[n] = '\0', strstr(exe, "sleep") != NULL))
			break;
		usleep(2000);
	}
	return pid;
}

START_TEST(test_procfind_self)
{
	fp__pyproc_t p;
	char err[256], ver[32], want[32];
	void *runtime;

	snprintf(want, sizeof want, "%.*s", (int)strcspn(Py_GetVersion(), " +"),
	    Py_GetVersion());
	runtime = dlsym(RTLD_DEFAULT, "_PyRuntime");
	ck_assert_ptr_nonnull(runtime);
	ck_assert_int_eq(fp__procfind(getpid(), &p, err, sizeof err), 0);
	ck_assert_ptr_nonnull(p.path);
	ck_assert_ptr_nonnull(strstr(p.path, "python"));
	ck_assert_uint_eq(p.runtime_addr, (uint64_t)(uintptr_t)runtime);
	ck_assert_uint_eq(p.version_addr, (uint64_t)(uintptr_t)&Py_Version);
	ck_assert_uint_eq(p.version, (uint32_t)Py_Version);
	ck_assert_int_eq(p.version_exact, 1);
	ck_assert_uint_eq(p.types[FP__PYTYPE_CODE],
	    (uint64_t)(uintptr_t)&PyCode_Type);
	ck_assert_uint_eq(p.types[FP__PYTYPE_UNICODE],
	    (uint64_t)(uintptr_t)&PyUnicode_Type);
	ck_assert_uint_eq(p.types[FP__PYTYPE_DICT],
	    (uint64_t)(uintptr_t)&PyDict_Type);
	ck_assert_uint_eq(p.types[FP__PYTYPE_GEN],
	    (uint64_t)(uintptr_t)&PyGen_Type);
	ck_assert_uint_eq(p.types[FP__PYTYPE_CORO],
	    (uint64_t)(uintptr_t)&PyCoro_Type);
	ck_assert_str_eq(fp__pyversion_str(p.version, ver, sizeof ver), want);
	fp__pyproc_free(&p);
	ck_assert_ptr_null(p.path);
}
END_TEST

START_TEST(test_elf_lookup_bias)
{
	const char *names[] = { "fp__filter_generation", "no_such_symbol_x" };
	uint64_t addrs[2], bias = 0;
	unsigned long long start, end, off;
	char exe[4096], line[4352], path[4096];
	ssize_t n;
	FILE *f;
	int found = 0;

	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	ck_assert_int_gt(n, 0);
	exe[n] = '\0';
	ck_assert_int_eq(fp__elf_lookup(exe, names, addrs, 2), 1);
	ck_assert_uint_ne(addrs[0], 0);
	ck_assert_uint_eq(addrs[1], 0);
	/* The lowest mapping of the executable gives the bias. */
	f = fopen("/proc/self/maps", "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "%llx-%llx %*s %llx %*s %*s %4095s", &start,
		    &end, &off, path) == 4 && strcmp(path, exe) == 0) {
			found = 1;
			break;
		}
	}
	fclose(f);
	ck_assert(found);
	ck_assert_int_eq(fp__elf_bias(exe, start, off, &bias), 0);
	ck_assert_uint_eq(addrs[0] + bias,
	    (uint64_t)(uintptr_t)&fp__filter_generation);
}
END_TEST

START_TEST(test_elf_lookup_not_elf)
{
	const char *names[] = { "_PyRuntime" };
	char path[] = "/tmp/fp-procfind-XXXXXX", exe[4096];
	unsigned char head[4096];
	uint64_t addr;
	ssize_t n;
	int fd, in;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "#!/bin/sh\necho hello\n", 21), 21);
	close(fd);
	ck_assert_int_eq(fp__elf_lookup(path, names, &addr, 1), -ENOEXEC);
	/* An ELF file cut after its first page: the header is right, the
	 * sections are past the end. */
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	ck_assert_int_gt(n, 0);
	exe[n] = '\0';
	in = open(exe, O_RDONLY);
	ck_assert_int_ge(in, 0);
	ck_assert_int_eq(read(in, head, sizeof head), (ssize_t)sizeof head);
	close(in);
	fd = open(path, O_WRONLY | O_TRUNC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, head, sizeof head), (ssize_t)sizeof head);
	close(fd);
	ck_assert_int_eq(fp__elf_lookup(path, names, &addr, 1), 0);
	ck_assert_uint_eq(addr, 0);
	ck_assert_int_eq(fp__elf_lookup("/nonexistent/x", names, &addr, 1),
	    -ENOENT);
	unlink(path);
}
END_TEST

START_TEST(test_procfind_errors)
{
	fp__pyproc_t p;
	char err[512];
	pid_t pid;
	int status;

	/* A process that has come and gone. */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(fp__procfind(pid, &p, err, sizeof err), -ESRCH);
	ck_assert_str_eq(err, "no such process");
	ck_assert_int_eq(fp__procfind(0, &p, err, sizeof err), -ESRCH);
	ck_assert_int_eq(fp__procfind(-5, &p, err, sizeof err), -ESRCH);
	/* A process that has ended but is not reaped yet (a zombie maps
	 * nothing): gone too, not "not a Python process". */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(0);
	{
		siginfo_t info;

		ck_assert_int_eq(waitid(P_PID, pid, &info, WEXITED | WNOWAIT),
		    0);
	}
	ck_assert_int_eq(fp__procfind(pid, &p, err, sizeof err), -ESRCH);
	ck_assert_str_eq(err, "no such process");
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	/* A process that is not Python. */
	pid = start_sleep();
	ck_assert_int_eq(fp__procfind(pid, &p, err, sizeof err), -ENOEXEC);
	ck_assert_ptr_nonnull(strstr(err, "not a Python process"));
	ck_assert_ptr_null(p.path);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}
END_TEST

START_TEST(test_pyversion_str)
{
	char buf[32];

	ck_assert_str_eq(fp__pyversion_str(0x030d00f0, buf, sizeof buf),
	    "3.13.0");
	ck_assert_str_eq(fp__pyversion_str(0x030b02f0, buf, sizeof buf),
	    "3.11.2");
	ck_assert_str_eq(fp__pyversion_str(0x030d00c2, buf, sizeof buf),
	    "3.13.0rc2");
	ck_assert_str_eq(fp__pyversion_str(0x030e00a1, buf, sizeof buf),
	    "3.14.0a1");
}
END_TEST

START_TEST(test_perm_hint)
{
	char buf[512];

	fp__procfind_perm_hint(getpid(), buf, sizeof buf);
	ck_assert_ptr_nonnull(strstr(buf, "permission denied"));
	ck_assert_ptr_nonnull(strstr(buf, "CAP_SYS_PTRACE"));
	ck_assert_ptr_nonnull(strstr(buf, "ptrace_scope"));
}
END_TEST

START_TEST(test_pylayout_from_debug_bytes)
{
	unsigned char raw[8 + sizeof record313];
	fp__pylayout_t l;

	make_record(raw);
	ck_assert_int_eq(fp__pylayout_from_debug_bytes(raw, sizeof raw, &l),
	    0);
	/* Given by the record. */
	ck_assert_uint_eq(l.version, 0x030d00f0);
	ck_assert_uint_eq(l.runtime_interp_head, 632);
	ck_assert_uint_eq(l.tstate_current_frame, 72);
	ck_assert_uint_eq(l.tstate_native_thread_id, 160);
	ck_assert_uint_eq(l.frame_code, 0);
	ck_assert_uint_eq(l.code_qualname, 128);
	ck_assert_uint_eq(l.unicode_ascii_size, 40);
	/* Derived, as 3.13's headers have them. */
	ck_assert_uint_eq(l.runtime_interp_main, 640);
	ck_assert_uint_eq(l.frame_globals, 24);
	ck_assert_uint_eq(l.frame_stacktop, 64);
	ck_assert_uint_eq(l.frame_owner_cstack, 3);
	ck_assert_uint_eq(l.tstate_cframe, FP__PYLAYOUT_NONE);
	ck_assert_uint_eq(l.code_flags, 48);
	ck_assert_uint_eq(l.unicode_compact_size, 56);
	ck_assert_uint_eq(l.unicode_kind_shift, 2);
	ck_assert_uint_eq(l.gen_frame_state, 67);
	ck_assert_uint_eq(l.gen_iframe, 72);
	ck_assert_uint_eq(l.gen_state_created, (uint64_t)(int64_t)-3);
	ck_assert_uint_eq(l.dictkeys_indices, 32);
	ck_assert_uint_eq(l.type_code, 0);
}
END_TEST

START_TEST(test_pylayout_from_debug_bytes_refused)
{
	unsigned char raw[8 + sizeof record313];
	fp__pylayout_t l;

	make_record(raw);
	memcpy(raw, "xdebugpz", 8);
	ck_assert_int_eq(fp__pylayout_from_debug_bytes(raw, sizeof raw, &l),
	    -EPROTO);
	make_record(raw);
	ck_assert_int_eq(fp__pylayout_from_debug_bytes(raw, 8, &l), -EPROTO);
	ck_assert_int_eq(fp__pylayout_from_debug_bytes(raw, 64, &l), -EINVAL);
	set_field(raw, 0, 0x030e00f0);		/* 3.14: another record */
	ck_assert_int_eq(fp__pylayout_from_debug_bytes(raw, sizeof raw, &l),
	    -ENOTSUP);
	set_field(raw, 0, 0x030c01f0);		/* 3.12 has none */
	ck_assert_int_eq(fp__pylayout_from_debug_bytes(raw, sizeof raw, &l),
	    -ENOTSUP);
	make_record(raw);
	set_field(raw, 1, 1);			/* free-threaded */
	ck_assert_int_eq(fp__pylayout_from_debug_bytes(raw, sizeof raw, &l),
	    -ENOTSUP);
	make_record(raw);
	set_field(raw, 30, 64);			/* instr_ptr moved */
	ck_assert_int_eq(fp__pylayout_from_debug_bytes(raw, sizeof raw, &l),
	    -EINVAL);
	make_record(raw);
	set_field(raw, 38, 72);			/* co_firstlineno moved */
	ck_assert_int_eq(fp__pylayout_from_debug_bytes(raw, sizeof raw, &l),
	    -EINVAL);
	make_record(raw);
	set_field(raw, 22, 400);		/* current_frame past the end */
	ck_assert_int_eq(fp__pylayout_from_debug_bytes(raw, sizeof raw, &l),
	    -EINVAL);
}
END_TEST

Suite *
suite_procfind(void)
{
	Suite *s = suite_create("procfind");
	TCase *tc = tcase_create("procfind");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_procfind_self);
	tcase_add_test(tc, test_elf_lookup_bias);
	tcase_add_test(tc, test_elf_lookup_not_elf);
	tcase_add_test(tc, test_procfind_errors);
	tcase_add_test(tc, test_pyversion_str);
	tcase_add_test(tc, test_perm_hint);
	tcase_add_test(tc, test_pylayout_from_debug_bytes);
	tcase_add_test(tc, test_pylayout_from_debug_bytes_refused);
	suite_add_tcase(s, tc);
	return s;
}
