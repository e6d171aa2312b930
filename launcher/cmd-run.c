/*
 * cmd-run.c: "fullprof [run] [OPTIONS] SCRIPT|-m MODULE|-c CODE [ARGS...]":
 * option parsing with getopt_long. The leading '+' stops parsing at the
 * script name, and -m/-c end it too, so the program's own arguments reach
 * it untouched.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <Python.h>

#include "core/clock.h"
#include "command.h"
#include "report/formats.h"
#include "options.h"
#include "report/report.h"
#include "embed.h"
#include "run.h"
#include "stale-python.h"

#define RUN_USAGE \
	"fullprof [run] [OPTIONS] SCRIPT [ARGS...]\n" \
	"       fullprof [run] [OPTIONS] -m MODULE [ARGS...]\n" \
	"       fullprof [run] [OPTIONS] -c CODE [ARGS...]"

/* Prints the full help to stdout. */
static void
print_help(void)
{
	printf("usage: %s\n\n", RUN_USAGE);
	fputs(
"Runs a Python program exactly as python3 would (same sys.argv, stdin,\n"
"stdout and exit status) and, when it ends, prints a profile of every\n"
"function it ran to standard error. Coroutines and generators count one\n"
"call per activation, and their time suspended at await/yield is shown.\n"
"\n"
"Options:\n"
"  -t, --timer=TIMER    what to measure: wall (default, includes time\n"
"                       suspended), cpu (CPU time of each thread) or\n"
"                       process (CPU time of the whole process; not with\n"
"                       --sample)\n"
"  -s, --sample=INTERVAL\n"
"                       statistical mode: instead of recording every call,\n"
"                       read every thread's stack each INTERVAL (10ms,\n"
"                       500us, 0.01s; 50us to 10s) from a thread of its\n"
"                       own; near full speed, figures are estimates with\n"
"                       a standard error (samples x interval)\n"
"  -f, --format=FORMAT  the format of every -o file: table, json, fprof,\n"
"                       pstats, callgrind, collapsed, svg, speedscope or\n"
"                       trace (default: chosen by each file's name: .json,\n"
"                       .fprof, .prof, callgrind.out.*, .folded, .svg,\n"
"                       .speedscope.json, .trace.json; else table);\n"
"                       without -o, the format printed to standard error\n"
"  -o, --output=FILE    also write the profile to FILE ('-' for standard\n"
"                       output); may be given several times; written\n"
"                       safely, never half-written\n"
"      --width=PIXELS   width of an svg flame graph (default 1200)\n"
"      --trace-min=DURATION\n"
"                       leave out of a trace the calls shorter than this\n"
"                       (100us, 1ms, ...; default 0: every call)\n"
"      --threshold=SHARE\n"
"                       leave out of an svg flame graph the frames under\n"
"                       this share of the total (0.001 or 0.1%; default 0)\n"
"      --sort=KEY       order the table by total (default), own, calls,\n"
"                       mean, max or name (sampled: calls orders by\n"
"                       samples, mean and max by total)\n"
"      --limit=N        show at most N rows in the table (default 30; 0\n"
"                       shows all); files always get every row\n"
"      --builtins       give C functions such as time.sleep rows of their\n"
"                       own, named as cProfile names them (slower)\n"
"  -q, --quiet          do not print the table to standard error\n"
"      --paused         record nothing until the program calls\n"
"                       fullprof.start() (import fullprof)\n"
"      --subprocesses   profile the program's Python children too (those\n"
"                       of multiprocessing, and any that run\n"
"                       sys.executable): each writes NAME.PID.fprof beside\n"
"                       the first -o file, and the report at exit adds in\n"
"                       those that ended before the program\n"
"  -F, --function=NAME  record only NAME and whatever it calls; NAME is\n"
"                       f, Class.method, pkg.mod.f, pkg.mod:Class.method or\n"
"                       a glob such as 'pkg.*'; may be repeated\n"
"      --functions-from=FILE\n"
"                       read more such names from FILE, one a line ('#'\n"
"                       starts a comment)\n"
"  -m MODULE            run a library module as a script, like python3 -m\n"
"  -c CODE              run the code in CODE, like python3 -c\n"
"  -h, --help           show this help and exit\n"
"  -V, --version        show fullprof's version and the embedded Python's\n"
"\n"
"Columns: calls (total/primitive when recursion makes them differ), own\n"
"(time in the function itself), total (inclusive, including time\n"
"suspended), suspended, and min/mean/max per activation.\n"
"\n"
"Other commands ('fullprof COMMAND --help' for theirs):\n"
"  fullprof report FILE|DIR...   merge .fprof files into one report\n"
"  fullprof attach -p PID        sample a Python process already running\n"
"\n"
"Exit status: the program's own; 2 for a bad command line; 73 when the\n"
"program succeeded but an output file could not be written.\n"
"See fullprof(1) for details.\n", stdout);
}

/* Appends a function spec to the run_options ctx; returns 0 or -1 on
 * ENOMEM. */
static int
add_function(void *ctx, const char *spec)
{
	struct run_options *ro = ctx;
	char **nf = realloc(ro->functions, ((size_t)ro->nfunctions + 1) *
	    sizeof *nf);

	if (nf == NULL)
		return -1;
	ro->functions = nf;
	if ((nf[ro->nfunctions] = strdup(spec)) == NULL)
		return -1;
	ro->nfunctions++;
	return 0;
}

/* Appends an -o file to ro; returns 0 or -1 on ENOMEM. */
static int
add_output(struct run_options *ro, const char *path)
{
	struct run_output *no = realloc(ro->outputs,
	    ((size_t)ro->noutputs + 1) * sizeof *no);

	if (no == NULL)
		return -1;
	ro->outputs = no;
	no[ro->noutputs].path = path;
	no[ro->noutputs].format = NULL;
	ro->noutputs++;
	return 0;
}

/* Gives each -o file its format (-f, else the one its name selects, else
 * table) and an absolute path: the program may chdir, and the outputs go
 * where fullprof started. Returns 0 or -1 on ENOMEM. */
static int
resolve_outputs(struct run_options *ro)
{
	char cwd[PATH_MAX];
	int i;

	if (getcwd(cwd, sizeof cwd) == NULL)
		cwd[0] = '\0';
	for (i = 0; i < ro->noutputs; i++) {
		struct run_output *o = &ro->outputs[i];
		const fp__format_t *f = fp__format_for_path(o->path);

		o->format = ro->format ? ro->format : f ? f->name : "table";
		if (o->path[0] != '/' && strcmp(o->path, "-") != 0 &&
		    cwd[0] != '\0') {
			char *abs;

			if (asprintf(&abs, "%s/%s", cwd, o->path) < 0)
				return -1;
			o->path = abs;
		}
	}
	return 0;
}

/* Parses the "run" options into ro; returns -1 to go on, or the exit
 * status when the command ends here (help, version, or a usage error).
 * Either way ro's arrays are the caller's to free. */
static int
parse_options(int argc, char **argv, struct run_options *ro)
{
	static const struct option longopts[] = {
		{ "timer", required_argument, NULL, 't' },
		{ "sample", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "sort", required_argument, NULL, 'S' },
		{ "limit", required_argument, NULL, 'L' },
		{ "builtins", no_argument, NULL, 'B' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "paused", no_argument, NULL, 'P' },
		{ "subprocesses", no_argument, NULL, 'U' },
		{ "width", required_argument, NULL, 'W' },
		{ "threshold", required_argument, NULL, 'T' },
		{ "trace-min", required_argument, NULL, 'M' },
		{ "function", required_argument, NULL, 'F' },
		{ "functions-from", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c, rc, done = 0;

	opterr = 0;
	optind = 1;
	while (!done && (c = getopt_long(argc, argv, "+:t:s:f:o:qF:hVm:c:",
	    longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (fp__timer_kind_parse(optarg, &ro->timer) != 0)
				return fp_usage_error(NULL, "unknown timer "
				    "'%s' (choose wall, cpu or process)",
				    optarg);
			break;
		case 's':
			if ((rc = fp_parse_interval(optarg,
			    &ro->sample_interval)) != 0)
				return fp_interval_error(NULL, optarg, rc);
			break;
		case 'f':
			if (fp__format_find(optarg) == NULL)
				return fp_usage_error(NULL, "unknown format "
				    "'%s' (choose %s)", optarg,
				    fp__format_names());
			ro->format = optarg;
			break;
		case 'o':
			if (optarg[0] == '\0')
				return fp_usage_error(NULL, "empty output file "
				    "name");
			if (add_output(ro, optarg) != 0)
				return fp_usage_error(NULL, "out of memory");
			break;
		case 'W':
			if (fp_parse_int_option(optarg, 100, 100000,
			    &ro->width) != 0)
				return fp_usage_error(NULL, "invalid width "
				    "'%s' (pixels, 100 to 100000)", optarg);
			break;
		case 'M':
			if (fp_parse_duration(optarg, &ro->trace_min) != 0)
				return fp_usage_error(NULL, "invalid duration "
				    "'%s' (such as 100us, 1ms or 0.5s)",
				    optarg);
			break;
		case 'T':
			if (fp_parse_share(optarg, &ro->threshold) != 0)
				return fp_usage_error(NULL, "invalid threshold "
				    "'%s' (a share of the total from 0 to 1, "
				    "or a percentage such as 0.5%%)", optarg);
			break;
		case 'S':
			if (fp__sort_key_parse(optarg, &ro->sort) != 0)
				return fp_usage_error(NULL, "unknown sort key "
				    "'%s' (choose total, own, calls, mean, max "
				    "or name)", optarg);
			break;
		case 'L':
			if (fp_parse_limit(optarg, &ro->limit) != 0)
				return fp_usage_error(NULL, "invalid limit "
				    "'%s' (a whole number of rows, 0 for all)",
				    optarg);
			break;
		case 'B':
			ro->builtins = 1;
			break;
		case 'q':
			ro->quiet = 1;
			break;
		case 'P':
			ro->paused = 1;
			break;
		case 'U':
			ro->subprocesses = 1;
			break;
		case 'F':
			if (optarg[0] == '\0')
				return fp_usage_error(NULL, "empty function "
				    "name");
			if (add_function(ro, optarg) != 0)
				return fp_usage_error(NULL, "out of memory");
			break;
		case 'R':
			if ((rc = fp_read_functions_file(optarg,
			    add_function, ro)) == -2)
				return fp_usage_error(NULL, "out of memory");
			if (rc != 0)
				return fp_usage_error(NULL, "cannot read "
				    "functions file '%s': %s", optarg,
				    strerror(errno));
			break;
		case 'h':
			print_help();
			return 0;
		case 'V':
			printf("fullprof %s (Python %.*s)\n", FP_VERSION,
			    (int)strcspn(Py_GetVersion(), " "), Py_GetVersion());
			return 0;
		case 'm':
		case 'c':
			ro->kind = c == 'm' ? RUN_MODULE : RUN_COMMAND;
			ro->target = optarg;
			done = 1;
			break;
		default:	/* ':' (no value) or '?' */
			return fp_option_error(NULL, longopts, c,
			    argv[optind - 1], optopt);
		}
	}
	if (ro->sample_interval != 0 && ro->timer != FP_TIMER_WALL &&
	    ro->timer != FP_TIMER_CPU)
		return fp_usage_error(NULL, "--sample measures wall or cpu "
		    "time, not 'process' (choose --timer=wall or --timer=cpu)");
	if (ro->sample_interval != 0 && ro->builtins)
		return fp_usage_error(NULL, "--builtins needs tracing: samples "
		    "show Python frames only (drop --sample or --builtins)");
	if (ro->target == NULL) {
		if (optind >= argc)
			return fp_usage_error(NULL, "no program to run (give a "
			    "SCRIPT, -m MODULE or -c CODE)");
		ro->target = argv[optind++];
	}
	ro->nargs = argc - optind;
	ro->args = argv + optind;
	return -1;
}

/* Releases what parsing took for ro: the -F specs and the -o array (its
 * paths still point into argv, as resolve_outputs has not run). */
static void
free_options(struct run_options *ro)
{
	int i;

	for (i = 0; i < ro->nfunctions; i++)
		free(ro->functions[i]);
	free(ro->functions);
	free(ro->outputs);
}

/* Parses "run" options and runs the program. */
static int
cmd_run_exec(int argc, char **argv)
{
	struct run_options ro;
	int status;

	memset(&ro, 0, sizeof ro);
	ro.timer = FP_TIMER_WALL;
	ro.sort = FP__SORT_TOTAL;
	ro.limit = 30;
	ro.kind = RUN_SCRIPT;
	if ((status = parse_options(argc, argv, &ro)) >= 0) {
		free_options(&ro);
		return status;
	}
	if (resolve_outputs(&ro) != 0)
		return fp_usage_error(NULL, "out of memory");
	fp_warn_if_stale_python();
	/* ro is not freed after the run: the exit report keeps a copy of it
	 * until the interpreter is finalised, and the process ends then. */
	return fp_launch(&ro);
}

const struct fp_cmd_entry fp_cmd_run_entry = {
	"run", RUN_USAGE, cmd_run_exec
};
