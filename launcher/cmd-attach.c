/*
 * cmd-attach.c: "fullprof attach [OPTIONS] -p PID": statistical profiling
 * of a Python process that is already running, from outside it. Its
 * memory is read with process_vm_readv (the sampler and stack reader of
 * statistical mode); the target is never stopped, traced or changed.
 *
 * The interpreter is found by procfind.c; its layout is that of the Python
 * fullprof was built for when the target is of the same minor version,
 * else the one its _Py_DebugOffsets describes (3.13). Any other version is
 * refused with one line naming it.
 *
 * Two ways to drive it. Interactive, when standard input is a terminal and
 * no --duration is given: a prompt takes start, stop, add, remove,
 * results, status, rate, help and exit; Ctrl-C, exit or end of input
 * prints the final results. Scripted otherwise: it samples until
 * --duration has passed, the target exits, or SIGINT/SIGTERM (or "exit"),
 * then prints the table and writes the -o files. In scripted mode the same
 * commands are read from a standard input that is not a terminal, one a
 * line, so a script can ask for "results" mid-run; the end of that input
 * only ends the commands, not the sampling (a job started with stdin on
 * /dev/null must not stop at once).
 *
 * --dump prints every thread's stack once, each frame at the line it
 * runs, and exits.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "command.h"
#include "core/filter.h"
#include "report/formats.h"
#include "options.h"
#include "core/outfile.h"
#include "core/pdata.h"
#include "sample/procfind.h"
#include "core/profile.h"
#include "sample/pylayout-debug.h"
#include "sample/pylayout.h"
#include "report/report.h"
#include "sample/sampler.h"
#include "sample/stackread.h"

#define ATTACH_USAGE \
	"fullprof attach [OPTIONS] -p PID\n" \
	"       fullprof attach --dump -p PID"
#define DEFAULT_INTERVAL 10000000ll	/* 10ms */
#define POLL_MS 50			/* how often the target is checked */
#define LINE_MAX_LEN 4096
#define PROBE_TRIES 20			/* reads of the threads before giving up */

struct attach {
	/* Options */
	int pid;
	fp_time_t interval;
	int cpu;
	fp__filter_t functions;	/* -F, add, remove */
	fp_time_t duration;	/* 0: until stopped */
	const char **outputs;
	int noutputs;
	const char *format;
	fp__sort_key_t sort;
	size_t limit;
	int quiet, dump;

	/* State */
	fp__pyproc_t proc;
	fp__pylayout_t layout;
	fp__meta_t meta;
	fp__sampler_t *sampler;
	int interactive;	/* a prompt on a terminal */
	int reading;		/* standard input is still read for commands */
	int paused;
	int failed;		/* a command of a script failed */
	fp_time_t started;	/* monotonic, when sampling (re)started */
	char cwd[PATH_MAX];
	char line[LINE_MAX_LEN];
	size_t linelen;
	int overlong;		/* the line being read is too long: skip it */
};

static volatile sig_atomic_t stop_signal;

/* Prints the full help to stdout. */
static void
print_help(void)
{
	printf("usage: %s\n\n", ATTACH_USAGE);
	fputs(
"Samples a Python process that is already running, from outside: its\n"
"memory is read with process_vm_readv, it is never stopped or changed.\n"
"The target may run the Python fullprof was built for, or Python 3.13.\n"
"\n"
"Options:\n"
"  -p, --pid=PID        the process to sample (required)\n"
"  -s, --sample=INTERVAL\n"
"                       read every thread's stack each INTERVAL (10ms,\n"
"                       500us, 0.01s; 50us to 10s; default 10ms)\n"
"  -t, --timer=TIMER    wall (default: every thread at every sample) or\n"
"                       cpu (a thread found running, holding the GIL, is\n"
"                       charged the CPU it used since it was last charged)\n"
"  -F, --function=NAME  count only samples with NAME on the stack, from\n"
"                       NAME up; f, Class.method, pkg.mod.f or a glob such\n"
"                       as 'pkg.*'; may be repeated; a NAME never seen is\n"
"                       shown as \"no data\"\n"
"      --functions-from=FILE\n"
"                       read more such names from FILE, one a line ('#'\n"
"                       starts a comment)\n"
"  -d, --duration=TIME  sample for TIME (30s, 500ms; a bare number is\n"
"                       seconds), then print the results and end\n"
"  -o, --output=FILE    also write the results to FILE ('-' for standard\n"
"                       output), in the format its name selects (.json,\n"
"                       .fprof, .prof, callgrind.out.*, .folded, .svg,\n"
"                       .speedscope.json; else table); may be repeated\n"
"  -f, --format=FORMAT  the format of every -o file: table, json, fprof,\n"
"                       pstats, callgrind, collapsed, svg or speedscope;\n"
"                       without -o, the format printed to standard output\n"
"      --sort=KEY       order the table by total (default), own, calls,\n"
"                       mean, max or name\n"
"      --limit=N        show at most N rows in the table (default 30; 0\n"
"                       shows all); files always get every row\n"
"  -q, --quiet          do not print the final table\n"
"      --dump           print the stack of every thread once and exit\n"
"  -h, --help           show this help and exit\n"
"\n"
"Interactive when standard input is a terminal and no --duration is\n"
"given: a prompt takes these commands; Ctrl-C, exit or Ctrl-D prints the\n"
"final results. Otherwise it samples until --duration has passed, the\n"
"process exits, or SIGINT/SIGTERM, then prints the table to standard\n"
"output; the same commands are read from standard input when it is not a\n"
"terminal, one a line (its end does not stop the sampling):\n"
"  start                start a new profile (after stop)\n"
"  stop                 stop sampling and print the results\n"
"  add NAME...          also count samples with NAME on the stack\n"
"  remove NAME...       stop counting NAME (with none left: everything)\n"
"  results              print the results so far\n"
"  status               say what is being sampled, how fast, how much\n"
"  rate INTERVAL        sample every INTERVAL from now on\n"
"  help                 list the commands\n"
"  exit                 print the final results and end\n"
"\n"
"Reading another process needs the same user and ptrace_scope 0 (see\n"
"/proc/sys/kernel/yama/ptrace_scope), or CAP_SYS_PTRACE (root).\n"
"\n"
"Exit status: 0 (also when the process exits while it is sampled: the\n"
"results so far are printed); 1 when the process cannot be sampled (no\n"
"such process, permission denied, not Python, an unsupported version)\n"
"or a command read from a script failed; 2 for a bad command line; 73\n"
"when an output file could not be written.\n"
"See fullprof(1) for details.\n", stdout);
}

static int usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static int target_error(const struct attach *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void complain(struct attach *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints "fullprof: attach: MESSAGE" and a pointer to the help to stderr;
 * returns FP_EXIT_USAGE. */
static int
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("fullprof: attach: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'fullprof attach --help' for more information.\n", stderr);
	return FP_EXIT_USAGE;
}

/* Prints "fullprof: attach: PID N: MESSAGE" to stderr; returns 1. */
static int
target_error(const struct attach *a, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fullprof: attach: PID %d: ", a->pid);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

/* Prints a line for the user on standard output. */
static void
say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* Prints a line about a command that failed to standard error. */
static void
complain(struct attach *a, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("fullprof: attach: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (!a->interactive)
		a->failed = 1;
}

/* Records a stop request (SIGINT, SIGTERM). */
static void
on_signal(int sig)
{
	stop_signal = sig;
}

/* Returns non-zero while process pid exists and is not a zombie. */
static int
target_alive(int pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return errno != ENOENT && errno != ESRCH;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL || p[1] == '\0')
		return 1;
	return p[2] != 'Z' && p[2] != 'X';
}

/* Returns non-zero when spec is among the functions named. */
static int
has_spec(const struct attach *a, const char *spec)
{
	size_t i;

	for (i = 0; i < a->functions.count; i++) {
		if (strcmp(a->functions.specs[i], spec) == 0)
			return 1;
	}
	return 0;
}

/* Parses a duration for --duration: a duration with its unit, or a bare
 * number of seconds; it must not be 0. Returns 0 or -1. */
static int
parse_run_time(const char *s, fp_time_t *ns)
{
	char *end;
	double v;

	if (fp_parse_duration(s, ns) == 0)
		return *ns > 0 ? 0 : -1;
	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || end == s || *end != '\0' || errno != 0 || v != v ||
	    v <= 0 || v > 1e9)
		return -1;
	*ns = (fp_time_t)(v * 1e9 + 0.5);
	return 0;
}

/* Reads the target's command line into the metadata (best effort). */
static void
read_cmdline(struct attach *a)
{
	char path[64], buf[4096], **argv;
	size_t n, i, argc = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/cmdline", a->pid);
	if ((f = fopen(path, "r")) == NULL)
		return;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	if (n == 0)
		return;
	if (buf[n - 1] != '\0')
		buf[n++] = '\0';
	for (i = 0; i < n; i++)
		argc += buf[i] == '\0';
	if ((argv = calloc(argc + 1, sizeof *argv)) == NULL)
		return;
	for (i = 0, argc = 0; i < n; i += strlen(buf + i) + 1) {
		if ((argv[argc] = strdup(buf + i)) == NULL)
			break;
		argc++;
	}
	a->meta.argv = argv;
	a->meta.argc = (int)argc;
}

/* Frees what read_cmdline and find_target put in the metadata. */
static void
free_meta(struct attach *a)
{
	int i;

	for (i = 0; i < a->meta.argc; i++)
		free(a->meta.argv[i]);
	free(a->meta.argv);
	free(a->meta.python);
	memset(&a->meta, 0, sizeof a->meta);
}

/* Returns "3.11", the major.minor of a PY_VERSION_HEX, in buf. */
static const char *
minor_str(uint32_t hex, char *buf, size_t size)
{
	snprintf(buf, size, "%u.%u", hex >> 24, (hex >> 16) & 0xff);
	return buf;
}

/* Finds the target's interpreter and its layout; returns 0, or 1 after
 * one line on stderr naming the PID and the cause. */
static int
find_target(struct attach *a)
{
	fp__pylayout_t native;
	fp__mem_t m;
	char err[640], ver[32], own[16], hint[512], supported[160];
	uint32_t tminor, nminor;
	int rc;

	if ((rc = fp__procfind(a->pid, &a->proc, err, sizeof err)) != 0)
		return target_error(a, "%s", err);
	fp__pylayout_native(&native);
	nminor = (uint32_t)(native.version >> 16);
	tminor = a->proc.version >> 16;
	minor_str((uint32_t)native.version, own, sizeof own);
	snprintf(supported, sizeof supported, "this fullprof reads Python %s "
	    "(the version it was built for)%s", own, nminor < 0x030d ?
	    " and 3.13 (through its debug offsets)" : "");
	if (a->proc.version == 0)
		return target_error(a, "cannot tell which Python it runs (%s "
		    "exports no Py_Version, so it is older than 3.11); %s",
		    a->proc.path, supported);
	if (a->proc.version_exact)
		fp__pyversion_str(a->proc.version, ver, sizeof ver);
	else
		minor_str(a->proc.version, ver, sizeof ver);
	if (tminor == nminor) {
		a->layout = native;
	} else if (tminor >= 0x030d) {
		fp__mem_init(&m, a->pid);
		rc = fp__pylayout_from_debug_offsets(&m, a->proc.runtime_addr,
		    &a->layout);
		if (rc == -ESRCH)
			return target_error(a, "no such process");
		if (rc == -EPERM || rc == -EACCES)
			return target_error(a, "%s", fp__procfind_perm_hint(
			    a->pid, hint, sizeof hint));
		if (rc == -ENOTSUP)
			return target_error(a, "Python %s is not supported (its "
			    "debug offsets are of a layout fullprof does not "
			    "know, or it is a free-threaded build); %s", ver,
			    supported);
		if (rc != 0)
			return target_error(a, "Python %s is not supported (its "
			    "_Py_DebugOffsets %s); %s", ver, rc == -EPROTO ?
			    "are missing" : "are not those of its version",
			    supported);
	} else {
		return target_error(a, "Python %s is not supported; %s", ver,
		    supported);
	}
	a->layout.version = a->proc.version;
	a->layout.type_code = a->proc.types[FP__PYTYPE_CODE];
	a->layout.type_unicode = a->proc.types[FP__PYTYPE_UNICODE];
	a->layout.type_dict = a->proc.types[FP__PYTYPE_DICT];
	a->layout.type_gen = a->proc.types[FP__PYTYPE_GEN];
	a->layout.type_coro = a->proc.types[FP__PYTYPE_CORO];
	a->layout.type_bytes = 0;	/* not looked up: left unchecked */
	a->meta.python = strdup(ver);
	a->meta.pid = a->pid;
	return 0;
}

/* Reads every thread's stack once into threads (max of them); retries a
 * while when the thread list changes under the reader. Returns 0, or 1
 * after one line on stderr. */
static int
probe(struct attach *a, fp__stackreader_t *r, fp__rthread_t *threads,
    size_t max, size_t *n)
{
	struct timespec pause = { 0, 5000000 };
	char hint[512];
	int rc = -EFAULT, i;

	for (i = 0; i < PROBE_TRIES; i++) {
		if ((rc = fp__stackreader_read(r, threads, max, n)) == 0)
			return 0;
		if (rc != -EFAULT)
			break;
		nanosleep(&pause, NULL);
	}
	if (rc == -ESRCH)
		return target_error(a, "no such process");
	if (rc == -EPERM || rc == -EACCES)
		return target_error(a, "%s", fp__procfind_perm_hint(a->pid,
		    hint, sizeof hint));
	return target_error(a, "cannot read the threads of its interpreter "
	    "(%s; it may be starting up or shutting down)", strerror(-rc));
}

/* Prints the stack of every thread once (--dump). */
static int
dump(struct attach *a)
{
	fp__stackreader_t *r;
	fp__rthread_t *threads;
	size_t n = 0, i, j, max = 256;
	char ver[32];
	int status;

	r = fp__stackreader_new(a->pid, a->proc.runtime_addr, &a->layout);
	threads = malloc(max * sizeof *threads);
	if (r == NULL || threads == NULL) {
		fputs("fullprof: attach: out of memory\n", stderr);
		status = 1;
		goto out;
	}
	fp__stackreader_want_lines(r, 1);
	if ((status = probe(a, r, threads, max, &n)) != 0)
		goto out;
	printf("Process %d (Python %s", a->pid, fp__pyversion_str(
	    a->proc.version, ver, sizeof ver));
	for (i = 0; i < (size_t)a->meta.argc; i++)
		printf("%s%s", i == 0 ? ", " : " ", a->meta.argv[i]);
	printf("): %zu thread%s\n", n, n == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		const fp__rthread_t *t = &threads[i];

		printf("\nThread %llu (native id %lld%s):\n",
		    (unsigned long long)t->ident, (long long)t->native_id,
		    t->native_id == a->pid ? ", main thread" : "");
		if (t->depth == 0)
			printf("  (no Python frames)\n");
		for (j = 0; j < t->depth; j++) {
			const fp__rcode_t *c = t->frames[j];

			/* The line it runs, else its first line. */
			if (c == NULL)
				printf("  ?\n");
			else
				printf("  %s:%d %s\n", c->file ? c->file : "?",
				    t->lines[j] > 0 ? t->lines[j] : c->line,
				    c->name ? c->name : "?");
		}
		if (t->truncated)
			printf("  ... (the outermost frames could not be "
			    "read)\n");
	}
	if (fflush(stdout) != 0)
		status = FP_EXIT_CANTCREAT;
out:
	free(threads);
	fp__stackreader_free(r);
	return status;
}

/* Names the target's threads in a copy of the results: its main thread
 * (the one whose OS id is the pid) "MainThread", as threading does. */
static void
name_threads(const struct attach *a, fp__pdata_t *d)
{
	size_t i;
	char *name;

	for (i = 0; i < d->nthreads; i++) {
		if (d->threads[i].native_id != a->pid ||
		    (name = strdup("MainThread")) == NULL)
			continue;
		free(d->threads[i].name);
		d->threads[i].name = name;
	}
}

/* Returns a copy of the results so far with the threads named, or NULL
 * after a message (ENOMEM). */
static fp__pdata_t *
results(struct attach *a)
{
	fp__pdata_t *d = fp__sampler_pdata(a->sampler);

	if (d == NULL) {
		complain(a, "out of memory");
		return NULL;
	}
	name_threads(a, d);
	return d;
}

/* The render options of the table or of the files. */
static fp__render_opts_t
render_opts(const struct attach *a, int file)
{
	fp__render_opts_t o;

	memset(&o, 0, sizeof o);
	o.sort = a->sort;
	o.limit = file ? 0 : a->limit;
	o.cwd = a->cwd[0] != '\0' ? a->cwd : NULL;
	return o;
}

/* Prints d to standard output in format (the table unless said). Returns
 * 0 or -1 after a message. */
static int
print_results(struct attach *a, const fp__pdata_t *d, const char *format)
{
	const fp__format_t *f = fp__format_find(format ? format : "table");
	fp__render_opts_t o = render_opts(a, 0);
	fp__buf_t out;
	int rc, err = 0;

	fflush(stdout);
	fp__buf_init(&out);
	rc = f->render(&out, d, &o);
	if (rc == FP_OK && out.nomem)
		rc = FP_ERR_NOMEM;
	if (rc == FP_OK)
		err = fp__write_all(STDOUT_FILENO, out.data ? out.data : "",
		    out.len);
	fp__buf_free(&out);
	if (rc != FP_OK) {
		complain(a, "cannot write the %s report: %s", f->name,
		    fp_strerror(rc));
		return -1;
	}
	if (err != 0) {
		complain(a, "cannot write to standard output: %s",
		    strerror(err));
		return -1;
	}
	return 0;
}

/* Writes the final results: the -o files, then the table (or -f format)
 * on standard output unless -q or an -o file is standard output. Returns
 * the exit status. */
static int
final_results(struct attach *a)
{
	fp__render_opts_t o = render_opts(a, 1);
	const fp__format_t *f;
	fp__pdata_t *d;
	int i, rc, sys_errno = 0, status = 0, stdout_used = 0;

	if ((d = results(a)) == NULL)
		return 1;
	for (i = 0; i < a->noutputs; i++) {
		const char *path = a->outputs[i];

		f = fp__format_for_path(path);
		stdout_used |= strcmp(path, "-") == 0;
		rc = fp__pdata_write(d, a->format ? a->format : f ? f->name :
		    "table", path, &o, &sys_errno);
		if (rc != FP_OK) {
			fprintf(stderr, "fullprof: attach: cannot write %s: %s\n",
			    path, rc == FP_ERR_IO ? strerror(sys_errno) :
			    fp_strerror(rc));
			status = FP_EXIT_CANTCREAT;
		}
	}
	if (!a->quiet && !stdout_used && print_results(a, d,
	    a->noutputs == 0 ? a->format : NULL) != 0)
		status = FP_EXIT_CANTCREAT;
	fp__pdata_free(d);
	return status;
}

/* Says what is being sampled and how it goes ("status"). */
static void
status(struct attach *a)
{
	fp__pdata_t *d = results(a);
	char ivl[32], dur[32], ver[32];
	size_t i;

	if (d == NULL)
		return;
	say("%s PID %d (Python %s) every %s, %s timer; %s sampled; samples "
	    "taken %llu of %llu requested, %llu dropped",
	    a->paused ? "stopped:" : "sampling", a->pid,
	    fp__pyversion_str(a->proc.version, ver, sizeof ver),
	    fp__format_duration(d->meta.interval, ivl, sizeof ivl),
	    a->cpu ? "cpu" : "wall",
	    fp__format_duration(d->meta.duration, dur, sizeof dur),
	    (unsigned long long)d->meta.samples_taken,
	    (unsigned long long)d->meta.samples_requested,
	    (unsigned long long)d->meta.samples_dropped);
	if (a->functions.count == 0) {
		say("functions: every function");
	} else {
		printf("functions:");
		for (i = 0; i < a->functions.count; i++)
			printf(" %s", a->functions.specs[i]);
		say("%s", "");
	}
	for (i = 0; i < d->nthreads; i++)
		say("thread %s: ident %llu, native id %lld", d->threads[i].name ?
		    d->threads[i].name : "?",
		    (unsigned long long)d->threads[i].ident,
		    (long long)d->threads[i].native_id);
	fp__pdata_free(d);
}

/* Prints the commands ("help"). */
static void
command_help(void)
{
	say("commands:\n"
	    "  start            start a new profile (after stop)\n"
	    "  stop             stop sampling and print the results\n"
	    "  add NAME...      also count samples with NAME on the stack\n"
	    "  remove NAME...   stop counting NAME (none left: everything)\n"
	    "  results          print the results so far\n"
	    "  status           what is sampled, how fast, how much\n"
	    "  rate INTERVAL    sample every INTERVAL (10ms, 500us, ...)\n"
	    "  help             this list\n"
	    "  exit             print the final results and end");
}

/* Hands the current specs to the sampler; returns 0 or -1 after a
 * message. */
static int
push_specs(struct attach *a)
{
	if (fp__sampler_set_specs(a->sampler,
	    (const char *const *)a->functions.specs,
	    a->functions.count) != FP_OK) {
		complain(a, "out of memory");
		return -1;
	}
	return 0;
}

/* Runs one command line; returns 1 when it asks to end, else 0. */
static int
command(struct attach *a, char *line)
{
	char *words[256], *w, *save = NULL, ivl[32];
	fp_time_t interval;
	size_t n = 0, i;
	fp__pdata_t *d;
	int rc;

	for (w = strtok_r(line, " \t\r\n", &save); w != NULL && n < 256;
	    w = strtok_r(NULL, " \t\r\n", &save))
		words[n++] = w;
	if (n == 0 || words[0][0] == '#')
		return 0;
	if (strcmp(words[0], "exit") == 0 || strcmp(words[0], "quit") == 0) {
		return 1;
	} else if (strcmp(words[0], "help") == 0 ||
	    strcmp(words[0], "?") == 0) {
		command_help();
	} else if (strcmp(words[0], "start") == 0) {
		if (!a->paused) {
			say("already sampling PID %d (stop first)", a->pid);
			return 0;
		}
		fp__sampler_clear(a->sampler);
		fp__sampler_pause(a->sampler, 0);
		a->paused = 0;
		a->started = fp__monotonic_ns();
		say("sampling PID %d: a new profile", a->pid);
	} else if (strcmp(words[0], "stop") == 0) {
		if (a->paused) {
			say("already stopped (start begins a new profile)");
			return 0;
		}
		fp__sampler_pause(a->sampler, 1);
		a->paused = 1;
		say("stopped");
		if ((d = results(a)) != NULL) {
			print_results(a, d, NULL);
			fp__pdata_free(d);
		}
	} else if (strcmp(words[0], "add") == 0 ||
	    strcmp(words[0], "remove") == 0) {
		int adding = words[0][0] == 'a';

		if (n < 2) {
			complain(a, "%s: name at least one function", words[0]);
			return 0;
		}
		for (i = 1; i < n; i++) {
			if (adding && fp__filter_add(&a->functions,
			    words[i]) == FP_ERR_NOMEM) {
				complain(a, "out of memory");
				return 0;
			}
			if (!adding && !has_spec(a, words[i]))
				complain(a, "remove: %s was not named (%s)",
				    words[i], a->functions.count == 0 ? "no "
				    "function is, so every one is counted" :
				    "see status");
			else if (!adding)
				fp__filter_remove(&a->functions, words[i]);
		}
		if (push_specs(a) == 0) {
			if (a->functions.count == 0) {
				say("counting every function");
			} else {
				printf("counting:");
				for (i = 0; i < a->functions.count; i++)
					printf(" %s", a->functions.specs[i]);
				say("%s", "");
			}
		}
	} else if (strcmp(words[0], "results") == 0) {
		if ((d = results(a)) != NULL) {
			print_results(a, d, NULL);
			fp__pdata_free(d);
		}
	} else if (strcmp(words[0], "status") == 0) {
		status(a);
	} else if (strcmp(words[0], "rate") == 0) {
		if (n != 2) {
			complain(a, "rate: give one interval, such as 10ms");
			return 0;
		}
		rc = fp_parse_interval(words[1], &interval);
		if (rc == -2) {
			complain(a, "rate: interval '%s' is out of range (50us "
			    "to 10s)", words[1]);
		} else if (rc != 0) {
			complain(a, "rate: invalid interval '%s' (a duration "
			    "with its unit, such as 10ms, 500us or 0.01s)",
			    words[1]);
		} else if (fp__sampler_set_interval(a->sampler, interval) !=
		    FP_OK) {
			complain(a, "rate: interval '%s' is out of range",
			    words[1]);
		} else {
			a->interval = interval;
			say("sampling every %s", fp__format_duration(interval,
			    ivl, sizeof ivl));
		}
	} else {
		complain(a, "unknown command '%s' (try help)", words[0]);
	}
	return 0;
}

/* Prints the prompt of interactive mode. */
static void
prompt(const struct attach *a)
{
	if (a->interactive) {
		fputs("(fullprof) ", stdout);
		fflush(stdout);
	}
}

/* Reads what standard input has and runs each complete line. Returns 1
 * when a command or the end of input asks to end, else 0. */
static int
read_commands(struct attach *a)
{
	char buf[1024];
	ssize_t got;
	size_t i;

	got = read(STDIN_FILENO, buf, sizeof buf);
	if (got < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (got <= 0) {		/* the end, or an input that cannot be read */
		a->reading = 0;
		if (a->linelen > 0 && !a->overlong) {
			a->line[a->linelen] = '\0';
			a->linelen = 0;
			if (command(a, a->line))
				return 1;
		}
		if (a->interactive)
			putchar('\n');
		return a->interactive;	/* Ctrl-D ends a session */
	}
	for (i = 0; i < (size_t)got; i++) {
		if (buf[i] != '\n') {
			if (a->linelen + 1 < sizeof a->line)
				a->line[a->linelen++] = buf[i];
			else
				a->overlong = 1;
			continue;
		}
		a->line[a->linelen] = '\0';
		a->linelen = 0;
		if (a->overlong) {
			a->overlong = 0;
			complain(a, "command line too long (ignored)");
		} else if (command(a, a->line)) {
			return 1;
		}
		prompt(a);
	}
	return 0;
}

/* Samples until the end (see the top of the file), running commands.
 * Returns the exit status. */
static int
session(struct attach *a)
{
	fp_time_t deadline = a->duration ? fp__monotonic_ns() + a->duration : 0, now;
	struct pollfd pfd = { STDIN_FILENO, POLLIN, 0 };
	int timeout, rc;
	char dur[32];

	a->started = fp__monotonic_ns();
	if (a->interactive) {
		say("sampling PID %d every %s; type help for the commands, "
		    "exit or Ctrl-C to finish", a->pid, fp__format_duration(
		    a->interval, dur, sizeof dur));
		prompt(a);
	}
	for (;;) {
		if (stop_signal)
			break;
		if (fp__sampler_target_gone(a->sampler) ||
		    !target_alive(a->pid)) {
			fp__sampler_pause(a->sampler, 1);
			fflush(stdout);
			if (a->interactive)
				putchar('\n');
			fprintf(stderr, "fullprof: attach: PID %d exited; the "
			    "results so far follow\n", a->pid);
			break;
		}
		now = fp__monotonic_ns();
		if (deadline != 0 && now >= deadline)
			break;
		timeout = POLL_MS;
		if (deadline != 0 && (deadline - now) / 1000000 < timeout)
			timeout = (int)((deadline - now) / 1000000) + 1;
		rc = poll(&pfd, a->reading ? 1 : 0, timeout);
		if (rc > 0 && read_commands(a))
			break;
	}
	if (a->interactive && stop_signal)
		putchar('\n');
	return final_results(a);
}

/* Starts the sampler and runs the session; returns the exit status. */
static int
sample(struct attach *a)
{
	fp__sampler_opts_t o;
	fp__stackreader_t *r;
	fp__rthread_t *threads;
	struct sigaction sa;
	struct timespec ts;
	size_t n;
	int status, rc;

	/* One read first, for a clear error when the target cannot be read. */
	r = fp__stackreader_new(a->pid, a->proc.runtime_addr, &a->layout);
	threads = malloc(64 * sizeof *threads);
	status = r == NULL || threads == NULL ? -1 : probe(a, r, threads, 64,
	    &n);
	free(threads);
	fp__stackreader_free(r);
	if (status != 0) {
		if (status < 0)
			fputs("fullprof: attach: out of memory\n", stderr);
		return 1;
	}
	memset(&o, 0, sizeof o);
	o.pid = a->pid;
	o.runtime_addr = a->proc.runtime_addr;
	o.layout = a->layout;
	o.interval = a->interval;
	o.cpu = a->cpu;
	o.specs = (const char *const *)a->functions.specs;
	o.nspecs = a->functions.count;
	clock_gettime(CLOCK_REALTIME, &ts);
	a->meta.started_unix_ns = (fp_time_t)ts.tv_sec * 1000000000 +
	    ts.tv_nsec;
	o.meta = &a->meta;
	if ((rc = fp__sampler_start(&o, &a->sampler)) != FP_OK)
		return target_error(a, "cannot start sampling: %s",
		    fp_strerror(rc));

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll returns */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	status = session(a);
	fp__sampler_free(a->sampler);
	a->sampler = NULL;
	if (status == 0 && a->failed)
		status = 1;
	return status;
}

/* Frees everything the options and the session hold. */
static void
cleanup(struct attach *a)
{
	fp__filter_free(&a->functions);
	free(a->outputs);
	free_meta(a);
	fp__pyproc_free(&a->proc);
}

/* Adds one spec of a --functions-from file to the filter ctx; returns 0
 * or -1 on ENOMEM. */
static int
add_function_spec(void *ctx, const char *spec)
{
	return fp__filter_add(ctx, spec) == FP_OK ? 0 : -1;
}

/* Parses "attach" options and samples the process; returns the exit
 * status. */
static int
cmd_attach_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "sample", required_argument, NULL, 's' },
		{ "timer", required_argument, NULL, 't' },
		{ "function", required_argument, NULL, 'F' },
		{ "functions-from", required_argument, NULL, 'R' },
		{ "duration", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "sort", required_argument, NULL, 'S' },
		{ "limit", required_argument, NULL, 'L' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "dump", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct attach a;
	const char **no;
	int c, rc, pid, status;

	memset(&a, 0, sizeof a);
	fp__filter_init(&a.functions);
	a.pid = -1;
	a.interval = DEFAULT_INTERVAL;
	a.sort = FP__SORT_TOTAL;
	a.limit = 30;
	opterr = 0;
	optind = 1;
	status = -1;
	while (status < 0 && (c = getopt_long(argc, argv, ":p:s:t:F:d:o:f:qh",
	    longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (fp_parse_int_option(optarg, 1, INT_MAX, &pid) != 0)
				status = usage_error("invalid PID '%s' (a process "
				    "id, a whole number from 1)", optarg);
			else
				a.pid = pid;
			break;
		case 's':
			if ((rc = fp_parse_interval(optarg, &a.interval)) == -2)
				status = usage_error("sampling interval '%s' is "
				    "out of range (50us to 10s)", optarg);
			else if (rc != 0)
				status = usage_error("invalid sampling interval "
				    "'%s' (a duration with its unit, such as "
				    "10ms, 500us or 0.01s)", optarg);
			break;
		case 't':
			if (strcmp(optarg, "wall") == 0 ||
			    strcmp(optarg, "cpu") == 0)
				a.cpu = optarg[0] == 'c';
			else
				status = usage_error("unknown timer '%s' (choose "
				    "wall or cpu)", optarg);
			break;
		case 'F':
			if (optarg[0] == '\0')
				status = usage_error("empty function name");
			else if (fp__filter_add(&a.functions, optarg) != FP_OK)
				status = usage_error("out of memory");
			break;
		case 'R':
			if ((rc = fp_read_functions_file(optarg,
			    add_function_spec, &a.functions)) == -2)
				status = usage_error("out of memory");
			else if (rc != 0)
				status = usage_error("cannot read functions file "
				    "'%s': %s", optarg, strerror(errno));
			break;
		case 'd':
			if (parse_run_time(optarg, &a.duration) != 0)
				status = usage_error("invalid duration '%s' (such "
				    "as 30s, 500ms, or a number of seconds)",
				    optarg);
			break;
		case 'o':
			if (optarg[0] == '\0') {
				status = usage_error("empty output file name");
				break;
			}
			no = realloc(a.outputs, ((size_t)a.noutputs + 1) *
			    sizeof *no);
			if (no == NULL) {
				status = usage_error("out of memory");
				break;
			}
			a.outputs = no;
			no[a.noutputs++] = optarg;
			break;
		case 'f':
			if (fp__format_find(optarg) == NULL)
				status = usage_error("unknown format '%s' (choose "
				    "%s)", optarg, fp__format_names());
			else
				a.format = optarg;
			break;
		case 'S':
			if (fp__sort_key_parse(optarg, &a.sort) != 0)
				status = usage_error("unknown sort key '%s' "
				    "(choose total, own, calls, mean, max or "
				    "name)", optarg);
			break;
		case 'L':
			if (fp_parse_limit(optarg, &a.limit) != 0)
				status = usage_error("invalid limit '%s' (a "
				    "whole number of rows, 0 for all)", optarg);
			break;
		case 'q':
			a.quiet = 1;
			break;
		case 'D':
			a.dump = 1;
			break;
		case 'h':
			print_help();
			status = 0;
			break;
		case ':':
			status = usage_error("option '%s' needs a value",
			    fp_option_as_typed(argv[optind - 1], optopt));
			break;
		default:
			if (strncmp(argv[optind - 1], "--", 2) == 0 &&
			    strchr(argv[optind - 1], '=') != NULL &&
			    fp_is_known_long(longopts, argv[optind - 1]))
				status = usage_error("option '%s' takes no value",
				    fp_option_as_typed(argv[optind - 1],
				    optopt));
			else
				status = usage_error("unknown option '%s'",
				    fp_option_as_typed(argv[optind - 1],
				    optopt));
			break;
		}
	}
	if (status >= 0)
		goto out;
	if (optind < argc)
		status = usage_error("unexpected argument '%s' (the process is "
		    "given with -p PID)", argv[optind]);
	else if (a.pid < 0)
		status = usage_error("no process to attach to (give -p PID)");
	else if (a.pid == (int)getpid())
		status = usage_error("PID %d is fullprof itself", a.pid);
	if (status >= 0)
		goto out;
	if (getcwd(a.cwd, sizeof a.cwd) == NULL)
		a.cwd[0] = '\0';
	if ((status = find_target(&a)) != 0)
		goto out;
	read_cmdline(&a);
	if (a.dump) {
		status = dump(&a);
		goto out;
	}
	a.interactive = a.duration == 0 && isatty(STDIN_FILENO);
	a.reading = !isatty(STDIN_FILENO) || a.interactive;
	status = sample(&a);
out:
	cleanup(&a);
	return status;
}

const struct fp_cmd_entry fp_cmd_attach_entry = {
	"attach", ATTACH_USAGE, cmd_attach_exec
};
