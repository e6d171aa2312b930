/*
 * subprocesses.c: "fullprof --subprocesses", profiling the program's
 * Python children as well, each in its own file, added up at the end.
 *
 * The parent (fullprof --subprocesses PROGRAM) makes sys.executable the
 * fullprof executable itself and puts its settings in the environment
 * (FULLPROF_CHILD). Python starts other Pythons with sys.executable:
 * multiprocessing's spawn and forkserver start methods ("python -B -s -c
 * 'from multiprocessing.spawn import spawn_main; ...' --multiprocessing-
 * fork"), its resource tracker, and subprocess.run([sys.executable, ...]).
 * fullprof started with FULLPROF_CHILD set takes its whole command line as
 * python3's (PyConfig with parse_argv: -B -s -E -I -u -X -W -c -m, a
 * script, or the interactive prompt), profiles it with the parent's
 * settings and writes NAME.<pid>.fprof at exit, printing nothing.
 *
 * Forked children (os.fork, the fork start method, and the processes the
 * forkserver forks) begin with an empty profile (exit-report.c) and write
 * their own file when they end: normally, by SIGTERM (Pool.terminate; a
 * watcher thread is started again in the child), or by os._exit, which
 * ends every multiprocessing child (exit-report.c, runtime/python/pyexit.c).
 *
 * NAME is the first -o file without its format's ending (-o run.json:
 * run.<pid>.fprof beside it); without -o, fullprof.<pid> in a temporary
 * directory of the parent's, removed at its exit. At exit the parent adds
 * to its report every NAME.<pid>.fprof written since it started (older
 * runs' files beside the same -o are left out): the children that ended
 * before it, as multiprocessing's children do. The forkserver and resource
 * tracker processes, which only run multiprocessing's plumbing and outlive
 * the parent, write no file of their own.
 */
#include "config.h"

#include <Python.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "command.h"
#include "report/formats.h"
#include "report/fprof-read.h"
#include "core/outfile.h"
#include "core/profile.h"
#include "python/pyexit.h"
#include "subprocesses.h"

#define SETTINGS_VERSION "1"
#define CHILD_SUFFIX ".fprof"

static struct {
	int on;
	int child;		/* started by exec, from FULLPROF_CHILD */
	pid_t parent;		/* the process run with --subprocesses */
	pid_t quiet;		/* a multiprocessing helper: no file of its own */
	char *name;		/* NAME, absolute */
	char *tmpdir;		/* the parent's own directory, or NULL */
	struct timespec since;	/* the parent's start, as files are dated */
} sub;

/* ------------------------------------------------------------ settings */

/* Appends s to the settings string *out (length *len), escaping what
 * would end a field; returns 0 or -1 on ENOMEM. */
static int
put_escaped(char **out, size_t *len, const char *s)
{
	size_t n = strlen(s), i;
	char *o = realloc(*out, *len + 3 * n + 1);

	if (o == NULL)
		return -1;
	*out = o;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%' || c == ';' || c == '=' || c < 0x20)
			*len += (size_t)sprintf(o + *len, "%%%02X", c);
		else
			o[(*len)++] = (char)c;
	}
	o[*len] = '\0';
	return 0;
}

/* Appends the character c to the settings; returns 0 or -1 on ENOMEM. */
static int
put_char(char **out, size_t *len, char c)
{
	char *o = realloc(*out, *len + 2);

	if (o == NULL)
		return -1;
	*out = o;
	o[(*len)++] = c;
	o[*len] = '\0';
	return 0;
}

/* Appends ";key=value" to the settings; returns 0 or -1. */
static int
put_field(char **out, size_t *len, const char *key, const char *value)
{
	if (put_char(out, len, ';') != 0 || put_escaped(out, len, key) != 0 ||
	    put_char(out, len, '=') != 0 || put_escaped(out, len, value) != 0)
		return -1;
	return 0;
}

/* Returns the settings children get, as FULLPROF_CHILD's value:
 * "1;name=...;timer=...;builtins=0|1;sample=NS;function=..." (new
 * string; sample only in statistical mode), or NULL. */
static char *
encode_settings(const struct run_options *ro)
{
	static const char *const timers[] = { "wall", "cpu", "process" };
	char *s = strdup(SETTINGS_VERSION);
	size_t len = strlen(SETTINGS_VERSION);
	int i;

	if (s == NULL || put_field(&s, &len, "name", sub.name) != 0 ||
	    put_field(&s, &len, "timer", timers[ro->timer <= FP_TIMER_PROCESS ?
	    ro->timer : 0]) != 0 ||
	    put_field(&s, &len, "builtins", ro->builtins ? "1" : "0") != 0)
		goto fail;
	if (ro->sample_interval != 0) {
		char ns[32];

		snprintf(ns, sizeof ns, "%lld", (long long)ro->sample_interval);
		if (put_field(&s, &len, "sample", ns) != 0)
			goto fail;
	}
	for (i = 0; i < ro->nfunctions; i++) {
		if (put_field(&s, &len, "function", ro->functions[i]) != 0)
			goto fail;
	}
	return s;
fail:
	free(s);
	return NULL;
}

/* Returns the value of a hexadecimal digit, or -1. */
static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decodes the %XX escapes of s in place; returns 0 or -1. */
static int
unescape(char *s)
{
	char *o = s;

	while (*s != '\0') {
		if (*s == '%') {
			int hi = hex_digit(s[1]), lo = hi < 0 ? -1 : hex_digit(s[2]);

			if (lo < 0 || (hi == 0 && lo == 0))
				return -1;
			*o++ = (char)(hi * 16 + lo);
			s += 3;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return 0;
}

/* Reads FULLPROF_CHILD's value into ro (timer, builtins, functions) and
 * sub.name; returns 0 or -1 when it is not valid. */
static int
decode_settings(const char *value, struct run_options *ro)
{
	char *copy = strdup(value), *field, *save = NULL;
	int first = 1, rc = -1;

	if (copy == NULL)
		return -1;
	for (field = strtok_r(copy, ";", &save); field != NULL;
	    field = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(field, '=');

		if (first) {
			if (strcmp(field, SETTINGS_VERSION) != 0)
				goto out;
			first = 0;
			continue;
		}
		if (eq == NULL)
			goto out;
		*eq = '\0';
		if (unescape(field) != 0 || unescape(eq + 1) != 0)
			goto out;
		if (strcmp(field, "name") == 0) {
			free(sub.name);
			if ((sub.name = strdup(eq + 1)) == NULL)
				goto out;
		} else if (strcmp(field, "timer") == 0) {
			if (strcmp(eq + 1, "cpu") == 0)
				ro->timer = FP_TIMER_CPU;
			else if (strcmp(eq + 1, "process") == 0)
				ro->timer = FP_TIMER_PROCESS;
			else
				ro->timer = FP_TIMER_WALL;
		} else if (strcmp(field, "builtins") == 0) {
			ro->builtins = strcmp(eq + 1, "1") == 0;
		} else if (strcmp(field, "sample") == 0) {
			char *end;
			long long ns = strtoll(eq + 1, &end, 10);

			if (*end != '\0' || ns < FP__SAMPLE_MIN_NS ||
			    ns > FP__SAMPLE_MAX_NS)
				goto out;
			ro->sample_interval = ns;
		} else if (strcmp(field, "function") == 0) {
			char **nf = realloc(ro->functions,
			    ((size_t)ro->nfunctions + 1) * sizeof *nf);

			if (nf == NULL)
				goto out;
			ro->functions = nf;
			if ((nf[ro->nfunctions] = strdup(eq + 1)) == NULL)
				goto out;
			ro->nfunctions++;
		}
		/* Other keys: from a later fullprof; ignored. */
	}
	rc = first || sub.name == NULL || sub.name[0] == '\0' ? -1 : 0;
out:
	if (rc != 0) {		/* the child ends: give back the specs */
		while (ro->nfunctions > 0)
			free(ro->functions[--ro->nfunctions]);
		free(ro->functions);
		ro->functions = NULL;
	}
	free(copy);
	return rc;
}

/* ------------------------------------------------------------ child */

/* Fills in the options of a child from its command line and
 * FULLPROF_CHILD; returns 0 or FP_EXIT_USAGE after a message. */
int
fp_subprocesses_child_options(int argc, char **argv, struct run_options *ro)
{
	const char *value;

	memset(ro, 0, sizeof *ro);
	ro->timer = FP_TIMER_WALL;
	ro->sort = FP__SORT_TOTAL;
	ro->quiet = 1;
	ro->subprocesses = 1;
	ro->kind = RUN_ARGV;
	ro->nargs = argc;
	ro->args = argv;
	/* main.c runs a child only when FP_CHILD_ENV is set. */
	value = getenv(FP_CHILD_ENV);
	if (value == NULL || decode_settings(value, ro) != 0) {
		fprintf(stderr, "fullprof: the environment variable %s is not "
		    "valid (fullprof --subprocesses sets it for the children "
		    "it profiles)\n", FP_CHILD_ENV);
		return FP_EXIT_USAGE;
	}
	sub.child = 1;
	return 0;
}

/* Returns non-zero when the child runs one of multiprocessing's helper
 * processes (python -c "from multiprocessing.forkserver import main; ..."
 * or "...resource_tracker import main..."). */
static int
is_multiprocessing_helper(const struct run_options *ro)
{
	static const char *const helpers[] = {
		"from multiprocessing.forkserver import main",
		"from multiprocessing.resource_tracker import main",
	};
	int i;
	size_t h;

	for (i = 1; i + 1 < ro->nargs; i++) {
		if (strcmp(ro->args[i], "-c") != 0)
			continue;
		for (h = 0; h < sizeof helpers / sizeof helpers[0]; h++) {
			if (strncmp(ro->args[i + 1], helpers[h],
			    strlen(helpers[h])) == 0)
				return 1;
		}
		return 0;
	}
	return 0;
}

/* ------------------------------------------------------------ parent */

/* Sets NAME: the first -o file without the ending that names a format,
 * else fullprof in a new directory of the parent's. Returns 0 or -1 after
 * a message. */
static int
choose_name(const struct run_options *ro)
{
	const char *tmp = getenv("TMPDIR");
	int i;

	for (i = 0; i < ro->noutputs; i++) {
		const char *path = ro->outputs[i].path;
		size_t len = strlen(path), best = 0, f;
		const fp__format_t *fmt;

		if (strcmp(path, "-") == 0)
			continue;
		for (f = 0; (fmt = fp__format_at(f)) != NULL; f++) {
			const char *s = fmt->suffixes;

			while (*s != '\0') {
				size_t n = strcspn(s, " ");

				if (s[0] == '.' && n > best && n < len &&
				    strncmp(path + len - n, s, n) == 0 &&
				    path[len - n - 1] != '/')
					best = n;
				s += n;
				s += strspn(s, " ");
			}
		}
		if ((sub.name = strndup(path, len - best)) == NULL)
			goto nomem;
		return 0;
	}
	if (tmp == NULL || tmp[0] != '/')
		tmp = "/tmp";
	if (asprintf(&sub.tmpdir, "%s/fullprof-%ld-XXXXXX", tmp,
	    (long)getpid()) < 0) {
		sub.tmpdir = NULL;
		goto nomem;
	}
	if (mkdtemp(sub.tmpdir) == NULL) {
		fprintf(stderr, "fullprof: cannot create a directory for the "
		    "children's profiles in %s: %s\n", tmp, strerror(errno));
		free(sub.tmpdir);
		sub.tmpdir = NULL;
		return -1;
	}
	if (asprintf(&sub.name, "%s/fullprof", sub.tmpdir) < 0) {
		sub.name = NULL;
		goto nomem;
	}
	return 0;
nomem:
	fputs("fullprof: out of memory\n", stderr);
	return -1;
}

/* Sets os.environ[name] (and so the C environment) to value; returns 0
 * or -1 with a Python exception set. */
static int
set_environ(const char *name, const char *value)
{
	PyObject *os = PyImport_ImportModule("os"), *env = NULL;
	PyObject *k = NULL, *v = NULL;
	int rc = -1;

	if (os != NULL)
		env = PyObject_GetAttrString(os, "environ");
	if (env != NULL)
		k = PyUnicode_DecodeFSDefault(name);
	if (k != NULL)
		v = PyUnicode_DecodeFSDefault(value);
	if (v != NULL)
		rc = PyObject_SetItem(env, k, v);
	Py_XDECREF(v);
	Py_XDECREF(k);
	Py_XDECREF(env);
	Py_XDECREF(os);
	return rc;
}

/* Makes sys.executable (and multiprocessing's copy of it, when it is
 * already imported) the fullprof executable; returns 0 or -1 with a
 * Python exception set. */
static int
set_executable(const char *exe)
{
	PyObject *path = PyUnicode_DecodeFSDefault(exe), *name, *spawn, *r;
	int rc = -1;

	if (path == NULL || PySys_SetObject("executable", path) != 0)
		goto out;
	name = PyUnicode_FromString("multiprocessing.spawn");
	spawn = name ? PyImport_GetModule(name) : NULL;
	Py_XDECREF(name);
	if (PyErr_Occurred())
		goto out;
	r = spawn ? PyObject_CallMethod(spawn, "set_executable", "O", path) :
	    Py_NewRef(Py_None);
	Py_XDECREF(spawn);
	if (r == NULL)
		goto out;
	Py_DECREF(r);
	rc = 0;
out:
	Py_XDECREF(path);
	return rc;
}

/* Arms the children. */
int
fp_subprocesses_arm(const struct run_options *ro)
{
	char exe[PATH_MAX], *settings = NULL;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

	if (n <= 0) {
		fprintf(stderr, "fullprof: cannot find the fullprof executable "
		    "for the children: %s\n", strerror(errno));
		return -1;
	}
	exe[n] = '\0';
	sub.on = 1;
	if (!sub.child) {
		sub.parent = getpid();
		clock_gettime(CLOCK_REALTIME_COARSE, &sub.since);
		if (choose_name(ro) != 0)
			return -1;
		if ((settings = encode_settings(ro)) == NULL) {
			fputs("fullprof: out of memory\n", stderr);
			return -1;
		}
		if (set_environ(FP_CHILD_ENV, settings) != 0)
			goto fail;
		free(settings);
		settings = NULL;
	} else if (is_multiprocessing_helper(ro)) {
		sub.quiet = getpid();
	}
	if (set_executable(exe) != 0)
		goto fail;
	return 0;
fail:
	free(settings);
	fputs("fullprof: cannot set up the profiling of child processes:\n",
	    stderr);
	PyErr_Print();
	return -1;
}

/* ------------------------------------------------------------ at exit */

/* Writes d to NAME.<pid>.fprof; a failure is reported on stderr only: a
 * child's exit status stays its own. */
static void
write_own(const fp__pdata_t *d)
{
	fp__render_opts_t o;
	char *path;
	int rc, sys_errno;

	memset(&o, 0, sizeof o);
	if (asprintf(&path, "%s.%ld" CHILD_SUFFIX, sub.name,
	    (long)getpid()) < 0) {
		fputs("fullprof: out of memory writing the report\n", stderr);
		return;
	}
	rc = fp__pdata_write(d, "fprof", path, &o, &sys_errno);
	if (rc != FP_OK) {
		char line[4400];

		snprintf(line, sizeof line, "fullprof: cannot write %s: %s\n",
		    path, rc == FP_ERR_IO ? strerror(sys_errno) :
		    fp_strerror(rc));
		fp__write_all(STDERR_FILENO, line, strlen(line));
	}
	free(path);
}

/* A child's file: its process id and path. */
struct child_file {
	long pid;
	char *path;
};

/* Orders child files by process id. */
static int
by_pid(const void *a, const void *b)
{
	const struct child_file *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Returns the process id in a child file's name (BASE.<pid>.fprof), or
 * -1 when the name is not one. */
static long
child_pid(const char *entry, const char *base)
{
	size_t blen = strlen(base), slen = strlen(CHILD_SUFFIX), n;
	const char *digits;
	char *end;
	long pid;

	n = strlen(entry);
	if (n <= blen + 1 + slen || strncmp(entry, base, blen) != 0 ||
	    entry[blen] != '.' ||
	    strcmp(entry + n - slen, CHILD_SUFFIX) != 0)
		return -1;
	digits = entry + blen + 1;
	if (*digits < '0' || *digits > '9')
		return -1;
	errno = 0;
	pid = strtol(digits, &end, 10);
	if (errno != 0 || end != entry + n - slen || pid <= 0)
		return -1;
	return pid;
}

/* Returns non-zero when st was last written at or after the parent's
 * start. */
static int
written_since_start(const struct stat *st)
{
	return st->st_mtim.tv_sec > sub.since.tv_sec ||
	    (st->st_mtim.tv_sec == sub.since.tv_sec &&
	    st->st_mtim.tv_nsec >= sub.since.tv_nsec);
}

/* Lists the children's files (sorted by pid) into *files; returns their
 * number, or -1 on ENOMEM. */
static int
list_child_files(struct child_file **files)
{
	char *dir = strdup(sub.name), *slash, *base;
	struct child_file *list = NULL;
	struct dirent *e;
	DIR *dp;
	int n = 0, cap = 0;

	*files = NULL;
	if (dir == NULL)
		return -1;
	/* NAME is absolute unless fullprof's start directory was unknown;
	 * then the children cannot be found. */
	if ((slash = strrchr(dir, '/')) == NULL) {
		free(dir);
		return 0;
	}
	*slash = '\0';
	base = slash + 1;
	if ((dp = opendir(dir[0] ? dir : "/")) == NULL) {
		free(dir);
		return 0;
	}
	while ((e = readdir(dp)) != NULL) {
		long pid = child_pid(e->d_name, base);
		struct stat st;
		char *path;

		if (pid < 0)
			continue;
		if (asprintf(&path, "%s/%s", dir, e->d_name) < 0)
			break;
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
		    !written_since_start(&st)) {
			free(path);
			continue;
		}
		if (n == cap) {
			struct child_file *nl;

			cap = cap ? cap * 2 : 16;
			nl = realloc(list, (size_t)cap * sizeof *nl);
			if (nl == NULL) {
				free(path);
				break;
			}
			list = nl;
		}
		list[n].pid = pid;
		list[n].path = path;
		n++;
	}
	closedir(dp);
	free(dir);
	if (n > 0)
		qsort(list, (size_t)n, sizeof *list, by_pid);
	*files = list;
	return n;
}

/* Adds the children's files to d: a file that cannot be read is named on
 * stderr and left out. */
static void
merge_children(fp__pdata_t *d)
{
	struct child_file *files;
	uint64_t magnitude = fp__fprof_magnitude(d);
	int n = list_child_files(&files), i;

	for (i = 0; i < n; i++) {
		fp__pdata_t *c = NULL;
		char err[512];
		int rc = fp__fprof_read_file(files[i].path, &c, err, sizeof err);

		if (rc == FP_OK) {
			uint64_t m = fp__fprof_magnitude(c);

			if (m > FP__FPROF_LIMIT - magnitude) {
				rc = FP_ERR_INVAL;
				snprintf(err, sizeof err, "its figures are too "
				    "large to add to the others");
			} else if ((rc = fp__pdata_merge(d, c)) == FP_OK) {
				magnitude += m;
			} else {
				snprintf(err, sizeof err, "%s", fp_strerror(rc));
			}
		}
		if (rc != FP_OK)
			fprintf(stderr, "fullprof: cannot add the child profile "
			    "%s: %s\n", files[i].path, err);
		fp__pdata_free(c);
		if (sub.tmpdir != NULL)
			unlink(files[i].path);
		free(files[i].path);
	}
	free(files);
}

/* Removes the parent's temporary directory and whatever is left in it. */
static void
remove_tmpdir(void)
{
	DIR *dp = opendir(sub.tmpdir);
	struct dirent *e;

	while (dp != NULL && (e = readdir(dp)) != NULL) {
		char *path;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (asprintf(&path, "%s/%s", sub.tmpdir, e->d_name) >= 0) {
			unlink(path);
			free(path);
		}
	}
	if (dp != NULL)
		closedir(dp);
	rmdir(sub.tmpdir);
}

/* At exit: a child writes its file, the parent adds them up. */
int
fp_subprocesses_exit(fp__pdata_t *d)
{
	if (!sub.on)
		return 0;
	if (sub.child || getpid() != sub.parent) {
		if (getpid() != sub.quiet)
			write_own(d);
		return 1;
	}
	merge_children(d);
	if (sub.tmpdir != NULL)
		remove_tmpdir();
	return 0;
}
