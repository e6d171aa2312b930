/*
 * procfind.c: finding the Python interpreter inside another process (see
 * procfind.h): /proc/PID/maps, the ELF symbol tables of the mapped files,
 * the load bias, and Py_Version read from the target (memread.h).
 *
 * Every ELF file is mapped read-only and trusted in nothing: each offset,
 * size and string is checked against the file's length before use, so a
 * corrupt or hostile file gives "not found", never a crash.
 */
#include "config.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sample/memread.h"
#include "sample/procfind.h"

/* One file-backed mapping of the target: the lowest one of each file. */
struct mapping {
	uint64_t start, end, offset, inode;
	char *path;		/* without " (deleted)" */
};

/* An ELF file mapped in this process for reading. */
struct elf {
	const unsigned char *data;
	size_t size;
	const Elf64_Ehdr *eh;
};

/* The symbols looked up: _PyRuntime, Py_Version, then the types in the
 * order of fp__pytype_t. */
#define NSYM (2 + FP__PYTYPE_COUNT)
static const char *const symbols[NSYM] = {
	"_PyRuntime", "Py_Version", "PyCode_Type", "PyUnicode_Type",
	"PyDict_Type", "PyGen_Type", "PyCoro_Type",
};

/* Returns the negative errno of the call that just failed, never 0: the
 * callers take 0 for success (and the analyzer cannot tell errno is set). */
static int
neg_errno(void)
{
	int rc = -errno;

	return rc < 0 ? rc : -EIO;
}

/* Maps the file open on fd and checks it is a 64-bit ELF file of this
 * machine's byte order; returns 0 or a negative errno. */
static int
elf_open_fd(int fd, struct elf *e)
{
	const Elf64_Ehdr *eh;
	struct stat st;
	void *p;

	memset(e, 0, sizeof *e);
	if (fstat(fd, &st) != 0)
		return neg_errno();
	if (!S_ISREG(st.st_mode) || (size_t)st.st_size < sizeof *eh)
		return -ENOEXEC;
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return neg_errno();
	e->data = p;
	e->size = (size_t)st.st_size;
	eh = p;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	    eh->e_ident[EI_DATA] != ELFDATA2LSB ||
#else
	    eh->e_ident[EI_DATA] != ELFDATA2MSB ||
#endif
	    (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)) {
		munmap(p, e->size);
		memset(e, 0, sizeof *e);
		return -ENOEXEC;
	}
	e->eh = eh;
	return 0;
}

/* Opens and maps the ELF file at path; returns 0 or a negative errno. */
static int
elf_open(const char *path, struct elf *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return neg_errno();
	rc = elf_open_fd(fd, e);
	close(fd);
	return rc;
}

/* Unmaps an ELF file. */
static void
elf_close(struct elf *e)
{
	if (e->data != NULL)
		munmap((void *)e->data, e->size);
	memset(e, 0, sizeof *e);
}

/* Returns non-zero when [off, off + len) lies inside the file. */
static int
in_file(const struct elf *e, uint64_t off, uint64_t len)
{
	return off <= e->size && len <= e->size - off;
}

/* Returns the section headers and their count, or NULL when the file has
 * none usable. */
static const Elf64_Shdr *
elf_sections(const struct elf *e, size_t *count)
{
	const Elf64_Ehdr *eh = e->eh;
	const Elf64_Shdr *sh;
	uint64_t n = eh->e_shnum;

	if (eh->e_shoff == 0 || eh->e_shentsize != sizeof *sh ||
	    !in_file(e, eh->e_shoff, sizeof *sh))
		return NULL;
	sh = (const Elf64_Shdr *)(e->data + eh->e_shoff);
	if (n == 0)		/* more than SHN_LORESERVE sections */
		n = sh[0].sh_size;
	if (n == 0 || n > (e->size - eh->e_shoff) / sizeof *sh)
		return NULL;
	*count = (size_t)n;
	return sh;
}

/* Looks names up in one symbol table section; fills the addrs still 0
 * and returns how many it filled. */
static size_t
lookup_table(const struct elf *e, const Elf64_Shdr *sh, size_t nsh,
    const Elf64_Shdr *tab, const char *const *names, uint64_t *addrs,
    size_t n)
{
	const Elf64_Shdr *strs;
	const Elf64_Sym *sym;
	const char *str;
	size_t nsym, i, j, found = 0;

	if (tab->sh_entsize != sizeof *sym || tab->sh_link >= nsh ||
	    !in_file(e, tab->sh_offset, tab->sh_size))
		return 0;
	strs = &sh[tab->sh_link];
	if (strs->sh_type != SHT_STRTAB || strs->sh_size == 0 ||
	    !in_file(e, strs->sh_offset, strs->sh_size))
		return 0;
	str = (const char *)e->data + strs->sh_offset;
	if (str[strs->sh_size - 1] != '\0')
		return 0;	/* a name could run off the end */
	sym = (const Elf64_Sym *)(e->data + tab->sh_offset);
	nsym = (size_t)(tab->sh_size / sizeof *sym);
	for (i = 0; i < nsym; i++) {
		if (sym[i].st_shndx == SHN_UNDEF || sym[i].st_name == 0 ||
		    sym[i].st_name >= strs->sh_size ||
		    ELF64_ST_TYPE(sym[i].st_info) != STT_OBJECT ||
		    ELF64_ST_BIND(sym[i].st_info) == STB_LOCAL)
			continue;
		for (j = 0; j < n; j++) {
			if (addrs[j] == 0 && strcmp(str + sym[i].st_name,
			    names[j]) == 0) {
				addrs[j] = sym[i].st_value;
				found++;
			}
		}
	}
	return found;
}

/* Looks names up in the dynamic and (unless dynonly) the full symbol
 * tables of e; returns the number of names found. */
static int
elf_lookup(const struct elf *e, const char *const *names, uint64_t *addrs,
    size_t n, int dynonly)
{
	const Elf64_Shdr *sh;
	size_t nsh = 0, i, found = 0;

	memset(addrs, 0, n * sizeof *addrs);
	if ((sh = elf_sections(e, &nsh)) == NULL)
		return 0;
	for (i = 0; i < nsh && found < n; i++) {
		if (sh[i].sh_type == SHT_DYNSYM ||
		    (sh[i].sh_type == SHT_SYMTAB && !dynonly))
			found += lookup_table(e, sh, nsh, &sh[i], names, addrs,
			    n);
	}
	return (int)found;
}

/* Looks up symbols in the ELF file at path. */
int
fp__elf_lookup(const char *path, const char *const *names, uint64_t *addrs,
    size_t n)
{
	struct elf e;
	int rc;

	if ((rc = elf_open(path, &e)) != 0)
		return rc;
	rc = elf_lookup(&e, names, addrs, n, 0);
	elf_close(&e);
	return rc;
}

/* Computes the load bias of e mapped at start from file offset offset:
 * the PT_LOAD segment whose page holds that offset was placed there.
 * Returns 0 or -ENOEXEC. */
static int
elf_bias(const struct elf *e, uint64_t start, uint64_t offset,
    uint64_t *bias)
{
	const Elf64_Ehdr *eh = e->eh;
	const Elf64_Phdr *ph;
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), mask = ~(page - 1);
	size_t i;

	if (eh->e_phentsize != sizeof *ph || eh->e_phnum == 0 ||
	    !in_file(e, eh->e_phoff, (uint64_t)eh->e_phnum * sizeof *ph))
		return -ENOEXEC;
	ph = (const Elf64_Phdr *)(e->data + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD || (ph[i].p_offset & mask) != offset)
			continue;
		*bias = start - (ph[i].p_vaddr & mask);
		return 0;
	}
	return -ENOEXEC;
}

/* Computes the load bias of the ELF file at path. */
int
fp__elf_bias(const char *path, uint64_t start, uint64_t offset,
    uint64_t *bias)
{
	struct elf e;
	int rc;

	if ((rc = elf_open(path, &e)) != 0)
		return rc;
	rc = elf_bias(&e, start, offset, bias);
	elf_close(&e);
	return rc;
}

/* Formats a PY_VERSION_HEX for people. */
const char *
fp__pyversion_str(uint32_t hex, char *buf, size_t size)
{
	static const char *const levels[16] = {
		[0xA] = "a", [0xB] = "b", [0xC] = "rc",
	};
	unsigned level = (hex >> 4) & 0xf;

	if (level == 0xf || levels[level] == NULL)
		snprintf(buf, size, "%u.%u.%u", hex >> 24, (hex >> 16) & 0xff,
		    (hex >> 8) & 0xff);
	else
		snprintf(buf, size, "%u.%u.%u%s%u", hex >> 24,
		    (hex >> 16) & 0xff, (hex >> 8) & 0xff, levels[level],
		    hex & 0xf);
	return buf;
}

/* Returns the version a file name such as "libpython3.10.so.1.0" or
 * "python3.9" says (3.X.0 final), or 0. */
static uint32_t
version_from_name(const char *path)
{
	const char *base = strrchr(path, '/'), *p;
	unsigned major, minor;

	base = base ? base + 1 : path;
	if ((p = strstr(base, "python")) == NULL ||
	    sscanf(p + 6, "%u.%u", &major, &minor) != 2 || major > 9 ||
	    minor > 99)
		return 0;
	return (major << 24) | (minor << 16) | 0xf0;
}

/* Returns non-zero when this process has CAP_SYS_PTRACE in effect. */
static int
have_cap_ptrace(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	unsigned long long caps = 0;
	char line[256];

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "CapEff: %llx", &caps) == 1)
			break;
	}
	fclose(f);
	return (caps >> 19) & 1;	/* CAP_SYS_PTRACE */
}

/* Explains what reading another process needs, with what is in force
 * here: the users, CAP_SYS_PTRACE and Yama's ptrace_scope. */
const char *
fp__procfind_perm_hint(int pid, char *buf, size_t size)
{
	char path[64], scope[16] = "", uids[96] = "", yama[128];
	struct stat st;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d", pid);
	if ((f = fopen("/proc/sys/kernel/yama/ptrace_scope", "r")) != NULL) {
		if (fgets(scope, sizeof scope, f) == NULL)
			scope[0] = '\0';
		scope[strcspn(scope, "\n")] = '\0';
		fclose(f);
	}
	if (stat(path, &st) == 0 && st.st_uid != geteuid())
		snprintf(uids, sizeof uids, " (it runs as uid %u, fullprof "
		    "as uid %u)", (unsigned)st.st_uid, (unsigned)geteuid());
	if (scope[0] == '\0')
		snprintf(yama, sizeof yama, "no Yama ptrace_scope here");
	else
		snprintf(yama, sizeof yama, "/proc/sys/kernel/yama/ptrace_scope "
		    "is %s%s", scope, strcmp(scope, "0") == 0 ? "" :
		    strcmp(scope, "1") == 0 ? ": only an ancestor may read it" :
		    ": only CAP_SYS_PTRACE may read it");
	snprintf(buf, size, "permission denied: reading its memory needs the "
	    "same user%s with ptrace_scope 0, or CAP_SYS_PTRACE (run as root, "
	    "or docker run --cap-add=SYS_PTRACE)%s; %s", uids,
	    have_cap_ptrace() ? ", which fullprof has: the process is not "
	    "dumpable (setuid, or prctl PR_SET_DUMPABLE 0) or a security "
	    "policy refused" : "", yama);
	return buf;
}

/* Frees a mapping list. */
static void
free_mappings(struct mapping *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(m[i].path);
	free(m);
}

/* Reads /proc/PID/maps into the list of file-backed mappings, the lowest
 * one of each file. Returns 0 or a negative errno (-ESRCH when the
 * process is gone). */
static int
read_maps(int pid, struct mapping **out, size_t *count)
{
	char path[64], line[4096 + 256];
	struct mapping *m = NULL, *nm;
	size_t n = 0, i, len;
	FILE *f;
	int rc = 0;

	snprintf(path, sizeof path, "/proc/%d/maps", pid);
	if ((f = fopen(path, "r")) == NULL)
		return errno == ENOENT ? -ESRCH : -errno;
	while (fgets(line, sizeof line, f) != NULL) {
		unsigned long long start, end, off, inode;
		int pos = 0;
		char *p;

		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%llx-%llx %*s %llx %*s %llu %n", &start, &end,
		    &off, &inode, &pos) != 4 || pos == 0)
			continue;
		p = line + pos;
		if (*p != '/' || inode == 0)
			continue;
		len = strlen(p);
		if (len > 10 && strcmp(p + len - 10, " (deleted)") == 0)
			p[len - 10] = '\0';
		for (i = 0; i < n; i++) {
			if (m[i].inode == inode && strcmp(m[i].path, p) == 0)
				break;
		}
		if (i < n) {
			if (start < m[i].start) {
				m[i].start = start;
				m[i].end = end;
				m[i].offset = off;
			}
			continue;
		}
		if ((nm = realloc(m, (n + 1) * sizeof *nm)) == NULL) {
			rc = -ENOMEM;
			break;
		}
		m = nm;
		if ((m[n].path = strdup(p)) == NULL) {
			rc = -ENOMEM;
			break;
		}
		m[n].start = start;
		m[n].end = end;
		m[n].offset = off;
		m[n].inode = inode;
		n++;
	}
	if (rc == 0 && ferror(f))
		rc = errno == ESRCH ? -ESRCH : -EIO;
	fclose(f);
	if (rc != 0) {
		free_mappings(m, n);
		return rc;
	}
	*out = m;
	*count = n;
	return 0;
}

/* Opens the file of mapping m as the target maps it: the mapping itself
 * (/proc/PID/map_files, which needs CAP_SYS_ADMIN), else the path seen
 * from the target's root, else the path here, as long as it is the same
 * inode. Returns 0, -ESTALE when only another file of that name could be
 * opened (replaced on disk), or another negative errno. */
static int
open_mapped(int pid, const struct mapping *m, struct elf *e)
{
	char path[4200];
	struct stat st;
	int fd, rc, stale = 0, k;

	for (k = 0; k < 3; k++) {
		if (k == 0)
			snprintf(path, sizeof path, "/proc/%d/map_files/%llx-%llx",
			    pid, (unsigned long long)m->start,
			    (unsigned long long)m->end);
		else if (k == 1)
			snprintf(path, sizeof path, "/proc/%d/root%s", pid,
			    m->path);
		else
			snprintf(path, sizeof path, "%s", m->path);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		if (fstat(fd, &st) != 0 || (uint64_t)st.st_ino != m->inode) {
			close(fd);
			stale = 1;
			continue;
		}
		rc = elf_open_fd(fd, e);
		close(fd);
		return rc;
	}
	return stale ? -ESTALE : -ENOENT;
}

/* Returns how promising a mapped file is: libpython first, then the
 * executable, then anything named python, then the rest. */
static int
rank(const struct mapping *m, const char *exe)
{
	const char *base = strrchr(m->path, '/');

	base = base ? base + 1 : m->path;
	if (strncmp(base, "libpython", 9) == 0)
		return 0;
	if (exe[0] != '\0' && strcmp(m->path, exe) == 0)
		return 1;
	if (strstr(base, "python") != NULL)
		return 2;
	return 3;
}

/* Looks the symbols up in the file of mapping m (only its dynamic symbols
 * with dynonly) and turns their values into target addresses in addrs (0
 * where not defined). Returns 0, -ESTALE (see open_mapped) or another
 * negative errno; *dyn tells whether the file is a shared object. */
static int
lookup_mapped(int pid, const struct mapping *m, int dynonly, uint64_t *addrs,
    int *dyn)
{
	uint64_t bias;
	struct elf e;
	size_t j;
	int rc;

	if ((rc = open_mapped(pid, m, &e)) != 0)
		return rc;
	if (e.eh == NULL)	/* open means a header was checked (elf_open_fd) */
		return -ENOEXEC;
	rc = elf_lookup(&e, symbols, addrs, NSYM, dynonly) > 0 &&
	    elf_bias(&e, m->start, m->offset, &bias) == 0 ? 0 : -ENOEXEC;
	*dyn = e.eh->e_type == ET_DYN;
	elf_close(&e);
	for (j = 0; j < NSYM && rc == 0; j++)
		addrs[j] = addrs[j] ? addrs[j] + bias : 0;
	return rc;
}

/* Makes the executable's definitions win over a library's, as the dynamic
 * linker does: an executable that refers to a library's variable (an
 * embedding program taking &PyCode_Type) gets a copy of it (a copy
 * relocation), and the copy is the one in use. */
static void
interpose(int pid, const struct mapping *m, size_t n, const char *exe,
    fp__pyproc_t *out)
{
	uint64_t addrs[NSYM];
	size_t i, j;
	int dyn;

	for (i = 0; i < n; i++) {
		if (rank(&m[i], exe) != 1 || strcmp(m[i].path, out->path) == 0)
			continue;
		if (lookup_mapped(pid, &m[i], 1, addrs, &dyn) != 0)
			return;
		if (addrs[0] != 0)
			out->runtime_addr = addrs[0];
		if (addrs[1] != 0)
			out->version_addr = addrs[1];
		for (j = 0; j < FP__PYTYPE_COUNT; j++) {
			if (addrs[2 + j] != 0)
				out->types[j] = addrs[2 + j];
		}
		return;
	}
}

/* Looks for _PyRuntime in the files of rank r; returns 1 when found (and
 * fills out), 0 when not, or a negative errno. */
static int
search_rank(int pid, struct mapping *m, size_t n, const char *exe, int r,
    fp__pyproc_t *out, int *stale)
{
	uint64_t addrs[NSYM];
	size_t i, j;
	int rc, dyn;

	for (i = 0; i < n; i++) {
		if (rank(&m[i], exe) != r)
			continue;
		rc = lookup_mapped(pid, &m[i], 0, addrs, &dyn);
		if (rc == -ESTALE && strstr(m[i].path, "python") != NULL)
			*stale = 1;
		if (rc != 0 || addrs[0] == 0)
			continue;
		if ((out->path = strdup(m[i].path)) == NULL)
			return -ENOMEM;
		out->shared = dyn && r != 1;
		out->runtime_addr = addrs[0];
		out->version_addr = addrs[1];
		for (j = 0; j < FP__PYTYPE_COUNT; j++)
			out->types[j] = addrs[2 + j];
		interpose(pid, m, n, exe, out);
		return 1;
	}
	return 0;
}

/* Fills in the version of the interpreter found: Py_Version when it is
 * exported, else the file name's. Returns 0 or a negative errno. */
static int
read_version(fp__pyproc_t *p)
{
	fp__mem_t m;
	uint32_t v;
	int rc;

	if (p->version_addr != 0) {
		/* const unsigned long Py_Version: the low 32 bits hold it */
		fp__mem_init(&m, p->pid);
		if ((rc = fp__mem_read(&m, p->version_addr, &v, sizeof v)) != 0)
			return rc;
		p->version = v;
		p->version_exact = 1;
		return 0;
	}
	p->version = version_from_name(p->path);
	p->version_exact = 0;
	return 0;
}


/* Returns non-zero when process pid has ended: gone, or a zombie whose
 * parent has not reaped it yet (it maps nothing any more). */
static int
process_gone(int pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	if (kill(pid, 0) != 0 && errno == ESRCH)
		return 1;
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT || errno == ESRCH;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* "pid (comm) S ...": comm may hold spaces and parentheses. */
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ')
		return 0;
	return p[2] == 'Z' || p[2] == 'X';
}

/* Finds the interpreter of process pid. */
int
fp__procfind(int pid, fp__pyproc_t *out, char *err, size_t errlen)
{
	struct mapping *m = NULL;
	size_t n = 0;
	char exe[4096], link[64], hint[512];
	ssize_t len;
	int rc, r, stale = 0, found = 0;

	memset(out, 0, sizeof *out);
	out->pid = pid;
	snprintf(err, errlen, "unknown error");
	if (pid <= 0) {
		snprintf(err, errlen, "no such process");
		return -ESRCH;
	}
	if ((rc = read_maps(pid, &m, &n)) != 0)
		goto fail;
	snprintf(link, sizeof link, "/proc/%d/exe", pid);
	if ((len = readlink(link, exe, sizeof exe - 1)) < 0)
		len = 0;
	exe[len] = '\0';
	if (len > 10 && strcmp(exe + len - 10, " (deleted)") == 0)
		exe[len - 10] = '\0';
	for (r = 0; r < 4 && !found; r++) {
		if ((found = search_rank(pid, m, n, exe, r, out, &stale)) < 0) {
			rc = found;
			goto fail;
		}
	}
	if (!found) {
		/* A process that has gone since maps was read looks the same. */
		if (process_gone(pid)) {
			rc = -ESRCH;
			goto fail;
		}
		if (stale)
			snprintf(err, errlen, "not a Python process that can be "
			    "read: its python file was replaced on disk, and "
			    "opening the mapped copy needs CAP_SYS_ADMIN");
		else
			snprintf(err, errlen, "not a Python process (no "
			    "_PyRuntime in any file it maps)");
		rc = -ENOEXEC;
		goto fail;
	}
	if ((rc = read_version(out)) != 0)
		goto fail;
	free_mappings(m, n);
	return 0;
fail:
	if (rc == -ESRCH)
		snprintf(err, errlen, "no such process");
	else if (rc == -EACCES || rc == -EPERM)
		snprintf(err, errlen, "%s", fp__procfind_perm_hint(pid, hint,
		    sizeof hint));
	else if (rc == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	else if (rc != -ENOEXEC)
		snprintf(err, errlen, "cannot read the process: %s",
		    strerror(-rc));
	free_mappings(m, n);
	fp__pyproc_free(out);
	return rc;
}

/* Releases what *p holds. */
void
fp__pyproc_free(fp__pyproc_t *p)
{
	free(p->path);
	p->path = NULL;
}
