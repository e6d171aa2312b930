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
 * results, status, rate, help and exit (attach-prompt.c); Ctrl-C, exit
 * or end of input prints the final results (attach-results.c). Scripted
 * otherwise: it samples until --duration has passed, the target exits, or
 * SIGINT/SIGTERM (or "exit"), then prints the table and writes the -o
 * files. In scripted mode the same commands are read from a standard
 * input that is not a terminal, one a line, so a script can ask for
 * "results" mid-run; the end of that input only ends the commands, not
 * the sampling (a job started with stdin on /dev/null must not stop at
 * once).
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
#include "attach.h"
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
#define PROBE_TRIES 20			/* reads of the threads before giving up */

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

	if (fp__procfind(a->pid, &a->proc, err, sizeof err) != 0)
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
		fp_attach_say("sampling PID %d every %s; type help for the "
		    "commands, exit or Ctrl-C to finish", a->pid,
		    fp__format_duration(a->interval, dur, sizeof dur));
		fp_attach_prompt(a);
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
		if (rc > 0 && fp_attach_read_commands(a))
			break;
	}
	if (a->interactive && stop_signal)
		putchar('\n');
	return fp_attach_final_results(a);
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
				status = fp_usage_error("attach", "invalid PID "
				    "'%s' (a process id, a whole number from "
				    "1)", optarg);
			else
				a.pid = pid;
			break;
		case 's':
			if ((rc = fp_parse_interval(optarg, &a.interval)) != 0)
				status = fp_interval_error("attach", optarg, rc);
			break;
		case 't':
			if (strcmp(optarg, "wall") == 0 ||
			    strcmp(optarg, "cpu") == 0)
				a.cpu = optarg[0] == 'c';
			else
				status = fp_usage_error("attach", "unknown "
				    "timer '%s' (choose wall or cpu)", optarg);
			break;
		case 'F':
			if (optarg[0] == '\0')
				status = fp_usage_error("attach", "empty "
				    "function name");
			else if (fp__filter_add(&a.functions, optarg) != FP_OK)
				status = fp_usage_error("attach", "out of "
				    "memory");
			break;
		case 'R':
			if ((rc = fp_read_functions_file(optarg,
			    add_function_spec, &a.functions)) == -2)
				status = fp_usage_error("attach", "out of "
				    "memory");
			else if (rc != 0)
				status = fp_usage_error("attach", "cannot read "
				    "functions file '%s': %s", optarg,
				    strerror(errno));
			break;
		case 'd':
			if (parse_run_time(optarg, &a.duration) != 0)
				status = fp_usage_error("attach", "invalid "
				    "duration '%s' (such as 30s, 500ms, or a "
				    "number of seconds)", optarg);
			break;
		case 'o':
			if (optarg[0] == '\0') {
				status = fp_usage_error("attach", "empty "
				    "output file name");
				break;
			}
			no = realloc(a.outputs, ((size_t)a.noutputs + 1) *
			    sizeof *no);
			if (no == NULL) {
				status = fp_usage_error("attach", "out of "
				    "memory");
				break;
			}
			a.outputs = no;
			no[a.noutputs++] = optarg;
			break;
		case 'f':
			if (fp__format_find(optarg) == NULL)
				status = fp_usage_error("attach", "unknown "
				    "format '%s' (choose %s)", optarg,
				    fp__format_names());
			else
				a.format = optarg;
			break;
		case 'S':
			if (fp__sort_key_parse(optarg, &a.sort) != 0)
				status = fp_usage_error("attach", "unknown "
				    "sort key '%s' (choose total, own, calls, "
				    "mean, max or name)", optarg);
			break;
		case 'L':
			if (fp_parse_limit(optarg, &a.limit) != 0)
				status = fp_usage_error("attach", "invalid "
				    "limit '%s' (a whole number of rows, 0 for "
				    "all)", optarg);
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
		default:	/* ':' (no value) or '?' */
			status = fp_option_error("attach", longopts, c,
			    argv[optind - 1], optopt);
			break;
		}
	}
	if (status >= 0)
		goto out;
	if (optind < argc)
		status = fp_usage_error("attach", "unexpected argument '%s' "
		    "(the process is given with -p PID)", argv[optind]);
	else if (a.pid < 0)
		status = fp_usage_error("attach", "no process to attach to "
		    "(give -p PID)");
	else if (a.pid == (int)getpid())
		status = fp_usage_error("attach", "PID %d is fullprof itself",
		    a.pid);
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
