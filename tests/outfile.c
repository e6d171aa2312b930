/*
 * outfile.c: checks for runtime/core/outfile.c: a report file is written under
 * a temporary name and renamed into place with the user's umask, a planted
 * symlink is replaced rather than followed, errors come back as errno
 * values, a failed write leaves the old file and no litter, and devices,
 * pipes and "-" are written in place.
 *
 * Each test works in a fresh directory inside one made for the test case
 * under /tmp, which the runner removes with all it holds once the case is
 * over, whether its tests passed or not. The tests run in forked children,
 * so umask, rlimits and file descriptors they change do not leak.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "suites.h"
#include "core/outfile.h"

static char base[64];		/* the test case's directory */
static char dir[128];		/* the running test's directory, inside it */

/* Creates the test case's directory (an unchecked fixture: it runs once,
 * in the runner itself). */
static void
make_base(void)
{
	snprintf(base, sizeof base, "/tmp/fp-outfile-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(base));
}

/* Removes one entry found by nftw, directories after their contents. */
static int
remove_entry(const char *path, const struct stat *st, int type,
    struct FTW *ftw)
{
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* Removes the test case's directory and everything in it. */
static void
remove_base(void)
{
	nftw(base, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Creates the test's private directory and stores its name in dir. */
static void
make_dir(void)
{
	snprintf(dir, sizeof dir, "%s/XXXXXX", base);
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

/* Returns dir/name in a static buffer; each of the first few names a test
 * asks for gets a buffer of its own, so the paths stay valid together. */
static const char *
in_dir(const char *name)
{
	static char paths[8][PATH_MAX];
	static unsigned slot;
	char *p = paths[slot++ % 8];

	snprintf(p, PATH_MAX, "%s/%s", dir, name);
	return p;
}

/* Returns how many entries (besides . and ..) the test directory holds. */
static int
count_entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* Returns the contents of a file (NUL-terminated, up to 64 KB) in a static
 * buffer; fails the test when it cannot be read. */
static const char *
slurp(const char *path)
{
	static char data[65536];
	int fd = open(path, O_RDONLY);
	ssize_t n;
	size_t len = 0;

	ck_assert_msg(fd >= 0, "cannot open %s: %s", path, strerror(errno));
	while ((n = read(fd, data + len, sizeof data - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	data[len] = '\0';
	return data;
}

/* Creates path with the given contents (directly, not through the code
 * under test). */
static void
plant(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* Writes text to path through fp__outfile_write; returns its result. */
static int
write_text(const char *path, const char *text)
{
	return fp__outfile_write(path, text, strlen(text));
}

/* Returns the permission bits of path. */
static mode_t
mode_of(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_mode & 07777;
}

/* Calls fp__outfile_write while files may not grow past limit bytes, so
 * the write fails part-way with EFBIG (SIGXFSZ, which would kill us, is
 * ignored); the old limit is restored before returning the result. No
 * check may run while the limit holds: Check records every assertion in a
 * file of its own, which the limit would cut short. */
static int
write_limited(const char *path, const char *data, size_t len, rlim_t limit)
{
	struct rlimit old, rl;
	int err = -1, limited, restored;

	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	rl = old;
	rl.rlim_cur = limit;
	limited = setrlimit(RLIMIT_FSIZE, &rl) == 0;
	if (limited)
		err = fp__outfile_write(path, data, len);
	restored = setrlimit(RLIMIT_FSIZE, &old) == 0;
	ck_assert_msg(limited && restored, "cannot set RLIMIT_FSIZE");
	return err;
}

START_TEST(test_fp__outfile_write_new_file)
{
	const char *out;

	make_dir();
	out = in_dir("report.json");
	ck_assert_int_eq(write_text(out, "{\"a\": 1}\n"), 0);
	ck_assert_str_eq(slurp(out), "{\"a\": 1}\n");
	/* Nothing but the file itself is left in the directory. */
	ck_assert_int_eq(count_entries(), 1);
}
END_TEST

START_TEST(test_fp__outfile_write_empty)
{
	const char *out;
	struct stat st;

	make_dir();
	out = in_dir("empty");
	plant(out, "old contents");
	ck_assert_int_eq(fp__outfile_write(out, "", 0), 0);
	ck_assert_int_eq(stat(out, &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	ck_assert_int_eq(count_entries(), 1);
}
END_TEST

START_TEST(test_fp__outfile_write_replaces)
{
	const char *out;
	struct stat before, after;

	make_dir();
	out = in_dir("table.txt");
	plant(out, "a much longer old report than the new one\n");
	ck_assert_int_eq(stat(out, &before), 0);
	ck_assert_int_eq(write_text(out, "short\n"), 0);
	ck_assert_str_eq(slurp(out), "short\n");
	/* Replaced by rename: a new inode, not the old one truncated. */
	ck_assert_int_eq(stat(out, &after), 0);
	ck_assert_uint_ne(before.st_ino, after.st_ino);
	ck_assert_int_eq(count_entries(), 1);
}
END_TEST

START_TEST(test_fp__outfile_write_large)
{
	const char *out;
	static char big[60000];
	size_t i;

	make_dir();
	out = in_dir("big");
	for (i = 0; i < sizeof big - 1; i++)
		big[i] = (char)('A' + i % 23);
	ck_assert_int_eq(fp__outfile_write(out, big, sizeof big - 1), 0);
	ck_assert_int_eq(memcmp(slurp(out), big, sizeof big), 0);
}
END_TEST

START_TEST(test_fp__outfile_write_umask_022)
{
	const char *out;

	make_dir();
	out = in_dir("o");
	umask(022);
	ck_assert_int_eq(write_text(out, "x"), 0);
	ck_assert_uint_eq(mode_of(out), 0644);
	/* The umask is left as it was. */
	ck_assert_uint_eq(umask(022), 022);
}
END_TEST

START_TEST(test_fp__outfile_write_umask_077)
{
	const char *out;

	make_dir();
	out = in_dir("o");
	umask(077);
	ck_assert_int_eq(write_text(out, "x"), 0);
	ck_assert_uint_eq(mode_of(out), 0600);
	ck_assert_uint_eq(umask(077), 077);
}
END_TEST

START_TEST(test_fp__outfile_write_umask_over_existing)
{
	const char *out;

	/* The new file gets the umask's mode, not the old file's. */
	make_dir();
	out = in_dir("o");
	plant(out, "old");
	ck_assert_int_eq(chmod(out, 0600), 0);
	umask(002);
	ck_assert_int_eq(write_text(out, "new"), 0);
	ck_assert_uint_eq(mode_of(out), 0664);
}
END_TEST

START_TEST(test_fp__outfile_write_symlink_replaced)
{
	const char *out, *victim;
	struct stat st;

	make_dir();
	victim = in_dir("victim");
	plant(victim, "precious\n");
	out = in_dir("out.json");
	ck_assert_int_eq(symlink(victim, out), 0);
	ck_assert_int_eq(write_text(out, "report\n"), 0);
	/* The link is now a regular file with the report ... */
	ck_assert_int_eq(lstat(out, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_str_eq(slurp(out), "report\n");
	/* ... and the file it pointed at is untouched. */
	ck_assert_str_eq(slurp(victim), "precious\n");
	ck_assert_int_eq(count_entries(), 2);
}
END_TEST

START_TEST(test_fp__outfile_write_dangling_symlink)
{
	const char *out, *target;
	struct stat st;

	/* A link to a file that does not exist yet must not create it. */
	make_dir();
	target = in_dir("would-be-created");
	out = in_dir("out");
	ck_assert_int_eq(symlink(target, out), 0);
	ck_assert_int_eq(write_text(out, "report"), 0);
	ck_assert_int_eq(lstat(out, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(lstat(target, &st), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(count_entries(), 1);
}
END_TEST

START_TEST(test_fp__outfile_write_missing_dir)
{
	make_dir();
	ck_assert_int_eq(write_text(in_dir("no/such/dir/out.json"), "x"),
	    ENOENT);
	ck_assert_int_eq(count_entries(), 0);
	ck_assert_int_eq(write_text("", "x"), ENOENT);
}
END_TEST

START_TEST(test_fp__outfile_write_is_dir)
{
	const char *sub;
	struct stat st;

	make_dir();
	sub = in_dir("sub");
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	ck_assert_int_eq(write_text(sub, "x"), EISDIR);
	ck_assert_int_eq(stat(sub, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(count_entries(), 1);
}
END_TEST

START_TEST(test_fp__outfile_write_dev_full)
{
	ck_assert_int_eq(write_text("/dev/full", "no room for this"), ENOSPC);
}
END_TEST

START_TEST(test_fp__outfile_write_dev_null)
{
	struct stat st;

	/* A device is written in place, never replaced. */
	ck_assert_int_eq(write_text("/dev/null", "discarded"), 0);
	ck_assert_int_eq(stat("/dev/null", &st), 0);
	ck_assert(S_ISCHR(st.st_mode));
}
END_TEST

START_TEST(test_fp__outfile_write_failure_keeps_old)
{
	const char *out;
	static char big[8192];

	make_dir();
	out = in_dir("report.json");
	ck_assert_int_eq(write_text(out, "good old report\n"), 0);
	/* Make the next write fail part-way. */
	memset(big, 'x', sizeof big);
	ck_assert_int_eq(write_limited(out, big, sizeof big, 100), EFBIG);
	ck_assert_str_eq(slurp(out), "good old report\n");
	/* No temporary file is left behind. */
	ck_assert_int_eq(count_entries(), 1);
}
END_TEST

START_TEST(test_fp__outfile_write_failure_new_file)
{
	static char big[8192];

	make_dir();
	memset(big, 'x', sizeof big);
	ck_assert_int_eq(write_limited(in_dir("new"), big, sizeof big, 100),
	    EFBIG);
	/* Neither a partial file nor a temporary one. */
	ck_assert_int_eq(count_entries(), 0);
}
END_TEST

/* Points standard output at a new pipe; returns the read end and saves the
 * old standard output in *saved. */
static int
capture_stdout(int *saved)
{
	int p[2];

	fflush(stdout);
	ck_assert_int_eq(pipe(p), 0);
	*saved = dup(STDOUT_FILENO);
	ck_assert_int_ge(*saved, 0);
	ck_assert_int_eq(dup2(p[1], STDOUT_FILENO), STDOUT_FILENO);
	close(p[1]);
	return p[0];
}

/* Restores standard output and returns what the pipe received, in a
 * static buffer. */
static const char *
release_stdout(int rfd, int saved)
{
	static char data[4096];
	size_t len = 0;
	ssize_t n;

	ck_assert_int_eq(dup2(saved, STDOUT_FILENO), STDOUT_FILENO);
	close(saved);
	while ((n = read(rfd, data + len, sizeof data - 1 - len)) > 0)
		len += (size_t)n;
	close(rfd);
	data[len] = '\0';
	return data;
}

START_TEST(test_fp__outfile_write_dash_stdout)
{
	int saved, rfd;

	make_dir();
	ck_assert_int_eq(chdir(dir), 0);
	rfd = capture_stdout(&saved);
	ck_assert_int_eq(write_text("-", "to standard output\n"), 0);
	ck_assert_str_eq(release_stdout(rfd, saved), "to standard output\n");
	/* No file named "-" was made. */
	ck_assert_int_eq(count_entries(), 0);
	ck_assert_int_eq(chdir("/"), 0);
}
END_TEST

START_TEST(test_fp__outfile_write_dev_stdout)
{
	int saved, rfd;
	struct stat st;

	/* /dev/stdout is a link to a pipe here: written in place. */
	if (lstat("/dev/stdout", &st) != 0)
		return;
	rfd = capture_stdout(&saved);
	ck_assert_int_eq(write_text("/dev/stdout", "via /dev/stdout\n"), 0);
	ck_assert_str_eq(release_stdout(rfd, saved), "via /dev/stdout\n");
	ck_assert_int_eq(lstat("/dev/stdout", &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
}
END_TEST

START_TEST(test_fp__outfile_write_fifo)
{
	const char *fifo;
	int p[2], status;
	pid_t child;
	char got[64];
	ssize_t n;
	struct stat st;

	make_dir();
	fifo = in_dir("fifo");
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(pipe(p), 0);
	/* A reader copies what arrives on the FIFO back through a pipe. */
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		char buf[64];
		int fd = open(fifo, O_RDONLY);
		ssize_t r;

		close(p[0]);
		if (fd < 0)
			_exit(1);
		while ((r = read(fd, buf, sizeof buf)) > 0)
			if (write(p[1], buf, (size_t)r) != r)
				_exit(1);
		_exit(0);
	}
	close(p[1]);
	ck_assert_int_eq(write_text(fifo, "through the fifo"), 0);
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	n = read(p[0], got, sizeof got - 1);
	close(p[0]);
	ck_assert_int_ge(n, 0);
	got[n] = '\0';
	ck_assert_str_eq(got, "through the fifo");
	/* The FIFO is still a FIFO. */
	ck_assert_int_eq(lstat(fifo, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	ck_assert_int_eq(count_entries(), 1);
}
END_TEST

START_TEST(test_fp__write_all_pipe)
{
	static char big[1 << 20];
	int p[2], status;
	pid_t child;
	size_t i;

	/* A megabyte, far more than a pipe holds, to a slow reader that
	 * checks every byte. */
	for (i = 0; i < sizeof big; i++)
		big[i] = (char)(i * 7 % 251);
	ck_assert_int_eq(pipe(p), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		char buf[1000];
		size_t got = 0;
		ssize_t r;

		close(p[1]);
		while ((r = read(p[0], buf, sizeof buf)) > 0) {
			for (i = 0; i < (size_t)r; i++)
				if (buf[i] != (char)((got + i) * 7 % 251))
					_exit(2);
			got += (size_t)r;
		}
		_exit(got == sizeof big ? 0 : 1);
	}
	close(p[0]);
	ck_assert_int_eq(fp__write_all(p[1], big, sizeof big), 0);
	close(p[1]);
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

START_TEST(test_fp__write_all_errors)
{
	int p[2];

	ck_assert_int_eq(fp__write_all(-1, "x", 1), EBADF);
	/* Nothing to write succeeds even on a bad descriptor. */
	ck_assert_int_eq(fp__write_all(-1, "x", 0), 0);
	ck_assert_int_eq(pipe(p), 0);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	ck_assert_int_eq(fp__write_all(p[1], "x", 1), EPIPE);
	close(p[1]);
}
END_TEST

/* Returns the suite of runtime/core/outfile.c. */
Suite *
suite_outfile(void)
{
	Suite *s = suite_create("outfile");
	TCase *tc;

	tc = tcase_create("fp__outfile_write");
	tcase_add_unchecked_fixture(tc, make_base, remove_base);
	tcase_add_test(tc, test_fp__outfile_write_new_file);
	tcase_add_test(tc, test_fp__outfile_write_empty);
	tcase_add_test(tc, test_fp__outfile_write_replaces);
	tcase_add_test(tc, test_fp__outfile_write_large);
	tcase_add_test(tc, test_fp__outfile_write_umask_022);
	tcase_add_test(tc, test_fp__outfile_write_umask_077);
	tcase_add_test(tc, test_fp__outfile_write_umask_over_existing);
	tcase_add_test(tc, test_fp__outfile_write_symlink_replaced);
	tcase_add_test(tc, test_fp__outfile_write_dangling_symlink);
	tcase_add_test(tc, test_fp__outfile_write_missing_dir);
	tcase_add_test(tc, test_fp__outfile_write_is_dir);
	tcase_add_test(tc, test_fp__outfile_write_dev_full);
	tcase_add_test(tc, test_fp__outfile_write_dev_null);
	tcase_add_test(tc, test_fp__outfile_write_failure_keeps_old);
	tcase_add_test(tc, test_fp__outfile_write_failure_new_file);
	tcase_add_test(tc, test_fp__outfile_write_dash_stdout);
	tcase_add_test(tc, test_fp__outfile_write_dev_stdout);
	tcase_add_test(tc, test_fp__outfile_write_fifo);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp__write_all");
	tcase_add_test(tc, test_fp__write_all_pipe);
	tcase_add_test(tc, test_fp__write_all_errors);
	suite_add_tcase(s, tc);
	return s;
}
