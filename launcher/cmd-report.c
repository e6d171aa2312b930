/*
 * cmd-report.c: "fullprof report [OPTIONS] FILE|DIR...": reads .fprof
 * files (for a directory, every .fprof file in it, optionally only those
 * whose names begin with --prefix), merges them into one profile (the same
 * function in several processes adds up, call path by call path), prints
 * the table to standard output and writes any format with -o.
 *
 * Only profiles recorded in the same mode with the same timer add up: when
 * the files differ, those of the mode and timer most of them share are
 * reported (of the first read, on a tie). A file that cannot be used
 * (missing, truncated, corrupt, of another format version, or of another
 * mode or timer) gets one line on standard error naming it and the
 * problem; the good files are still reported, and the exit status is 1.
 * One bad file among a hundred in a directory should not hide the other
 * ninety-nine, nor pass unnoticed.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "command.h"
#include "report/formats.h"
#include "report/fprof-read.h"
#include "options.h"
#include "core/outfile.h"
#include "core/profile.h"
#include "report/report.h"

#define REPORT_USAGE "fullprof report [OPTIONS] FILE|DIR..."
#define SUFFIX ".fprof"

struct report_options {
	const char *format;	/* -f */
	const char **outputs;	/* -o, in order */
	int noutputs;
	fp__sort_key_t sort;
	size_t limit;
	int width;
	double threshold;
	const char *prefix;	/* --prefix: of the files read from a directory */
	int quiet;
};

/* The files recorded in one mode with one timer, merged. */
struct group {
	const char *mode, *timer;	/* as the reader gives them */
	fp__pdata_t *d;		/* the first file, the others added in */
	uint64_t magnitude;	/* the sum of the files' magnitudes */
	char **paths;		/* of its files, for messages */
	size_t npaths;
};

#define MAX_GROUPS 16		/* more than modes times timers */

/* What is known of the files read so far. */
struct merged {
	struct group groups[MAX_GROUPS];
	int ngroups;
	int bad;		/* some input could not be used */
	int nomem;
};

/* Prints the full help to stdout. */
static void
print_help(void)
{
	printf("usage: %s\n\n", REPORT_USAGE);
	fputs(
"Reads .fprof files written by 'fullprof -o FILE.fprof' (for a directory,\n"
"every .fprof file in it), merges them into one profile - the same\n"
"function in several processes adds up, call path by call path - prints\n"
"the table to standard output, and writes any other format with -o.\n"
"\n"
"Options:\n"
"  -o, --output=FILE    write the merged profile to FILE ('-' for standard\n"
"                       output), in the format its name selects (.json,\n"
"                       .fprof, .prof, callgrind.out.*, .folded, .svg,\n"
"                       .speedscope.json; else table); may be repeated\n"
"  -f, --format=FORMAT  the format of every -o file: table, json, fprof,\n"
"                       pstats, callgrind, collapsed, svg or speedscope;\n"
"                       without -o, the format printed to standard output\n"
"      --prefix=PREFIX  of a directory, read only the .fprof files whose\n"
"                       names begin with PREFIX\n"
"      --sort=KEY       order the table by total (default), own, calls,\n"
"                       mean, max or name\n"
"      --limit=N        show at most N rows in the table (default 30; 0\n"
"                       shows all); files always get every row\n"
"      --width=PIXELS   width of an svg flame graph (default 1200)\n"
"      --threshold=SHARE\n"
"                       leave out of an svg flame graph the frames under\n"
"                       this share of the total (0.001 or 0.1%; default 0)\n"
"  -q, --quiet          do not print the table\n"
"  -h, --help           show this help and exit\n"
"\n"
"Only profiles of the same mode and timer add up: if the files differ,\n"
"those of the mode and timer most of them share are reported. A file\n"
"that cannot be used (missing, truncated, corrupt, of another format\n"
"version, mode or timer) is named on standard error with the problem, one\n"
"line each; the other files are still reported.\n"
"\n"
"Exit status: 0; 1 when an input could not be used; 2 for a bad command\n"
"line; 73 when an output file could not be written.\n"
"See fullprof(1) for details.\n", stdout);
}

static void bad_input(struct merged *m, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prints one line about an input that cannot be used and marks it. */
static void
bad_input(struct merged *m, const char *path, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fullprof: report: %s: ", path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	m->bad = 1;
}

/* Returns non-zero when two optional names are the same. */
static int
same_name(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Adds the profile d read from path to the group of its mode and timer
 * (taking d), unless its figures would overflow those of the group. */
static void
add_profile(struct merged *m, const char *path, fp__pdata_t *d)
{
	const fp__meta_t *b = &d->meta;
	uint64_t mag = fp__fprof_magnitude(d);
	struct group *g;
	char **np;
	int i;

	for (i = 0; i < m->ngroups; i++) {
		g = &m->groups[i];
		if (same_name(g->mode, b->mode) && same_name(g->timer, b->timer))
			break;
	}
	if (i == MAX_GROUPS) {
		bad_input(m, path, "recorded in too many modes and timers");
		fp__pdata_free(d);
		return;
	}
	g = &m->groups[i];
	if (i < m->ngroups && mag > FP__FPROF_LIMIT - g->magnitude) {
		bad_input(m, path, "its figures and those of the files before "
		    "it add up to more than fullprof can count");
		fp__pdata_free(d);
		return;
	}
	np = realloc(g->paths, (g->npaths + 1) * sizeof *np);
	if (np == NULL || (np[g->npaths] = strdup(path)) == NULL) {
		/* A group in use keeps its grown array; an unused slot is
		 * never freed by free_groups, so it must not keep one. */
		if (i < m->ngroups && np != NULL)
			g->paths = np;
		else
			free(np);
		m->nomem = 1;
		fp__pdata_free(d);
		return;
	}
	g->paths = np;
	if (i >= m->ngroups) {		/* the loop ended on the first unused slot */
		m->ngroups++;
		g->mode = b->mode;
		g->timer = b->timer;
		g->d = d;
		g->magnitude = mag;
		g->npaths = 1;
		return;
	}
	if (fp__pdata_merge(g->d, d) != FP_OK) {
		m->nomem = 1;
		free(np[g->npaths]);
	} else {
		g->npaths++;
		g->magnitude += mag;
		if (b->started_unix_ns != 0 && (g->d->meta.started_unix_ns ==
		    0 || b->started_unix_ns < g->d->meta.started_unix_ns))
			g->d->meta.started_unix_ns = b->started_unix_ns;
	}
	fp__pdata_free(d);
}

/* Chooses the group reported: the one with the most files (the first read
 * on a tie); names every file of the others as unusable. Returns it, or
 * NULL when no file was read. */
static struct group *
choose_group(struct merged *m)
{
	struct group *best = NULL, *g;
	size_t j;
	int i;

	for (i = 0; i < m->ngroups; i++) {
		if (best == NULL || m->groups[i].npaths > best->npaths)
			best = &m->groups[i];
	}
	for (i = 0; i < m->ngroups; i++) {
		g = &m->groups[i];
		for (j = 0; g != best && j < g->npaths; j++)
			bad_input(m, g->paths[j], "recorded in %s mode with the "
			    "%s timer, unlike the %zu file%s reported (%s mode, "
			    "%s timer)", g->mode ? g->mode : "trace",
			    g->timer ? g->timer : "unknown", best->npaths,
			    best->npaths == 1 ? "" : "s",
			    best->mode ? best->mode : "trace",
			    best->timer ? best->timer : "unknown");
	}
	return best;
}

/* Releases the groups. */
static void
free_groups(struct merged *m)
{
	size_t j;
	int i;

	for (i = 0; i < m->ngroups; i++) {
		for (j = 0; j < m->groups[i].npaths; j++)
			free(m->groups[i].paths[j]);
		free(m->groups[i].paths);
		fp__pdata_free(m->groups[i].d);
	}
}

/* Reads one .fprof file into the merged profile. */
static void
read_one(struct merged *m, const char *path)
{
	fp__pdata_t *d;
	char err[512];
	int rc;

	rc = fp__fprof_read_file(path, &d, err, sizeof err);
	if (rc == FP_ERR_NOMEM)
		m->nomem = 1;
	else if (rc != FP_OK)
		bad_input(m, path, "%s", err);
	else
		add_profile(m, path, d);
}

/* Orders file names bytewise, for qsort. */
static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads every .fprof file of a directory whose name begins with prefix,
 * in name order. */
static void
read_dir(struct merged *m, const char *dir, const char *prefix)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	char **names = NULL, **nn, *path;
	size_t n = 0, i, len, sl = strlen(SUFFIX);
	struct stat st;

	if (dp == NULL) {
		bad_input(m, dir, "%s", strerror(errno));
		return;
	}
	while ((e = readdir(dp)) != NULL) {
		len = strlen(e->d_name);
		if (len <= sl || strcmp(e->d_name + len - sl, SUFFIX) != 0 ||
		    (prefix != NULL && strncmp(e->d_name, prefix,
		    strlen(prefix)) != 0))
			continue;
		if (asprintf(&path, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ?
		    "" : "/", e->d_name) < 0) {
			m->nomem = 1;
			break;
		}
		if ((nn = realloc(names, (n + 1) * sizeof *nn)) == NULL) {
			free(path);
			m->nomem = 1;
			break;
		}
		names = nn;
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			free(path);
		else
			names[n++] = path;
	}
	closedir(dp);
	if (n == 0 && !m->nomem) {
		if (prefix != NULL)
			bad_input(m, dir, "no " SUFFIX " files whose names begin "
			    "with '%s'", prefix);
		else
			bad_input(m, dir, "no " SUFFIX " files");
	}
	if (n > 1)
		qsort(names, n, sizeof *names, by_name);
	for (i = 0; i < n; i++) {
		if (!m->nomem)
			read_one(m, names[i]);
		free(names[i]);
	}
	free(names);
}

/* Writes the -o files and the table; returns 0, or FP_EXIT_CANTCREAT when
 * something could not be written. */
static int
write_outputs(const struct report_options *ro, const fp__pdata_t *d)
{
	char cwd[4096];
	fp__render_opts_t o = { ro->sort, ro->limit, NULL, NULL, ro->width,
	    ro->threshold, 0 };
	fp__render_opts_t file_opts;
	const fp__format_t *f;
	const char *format;
	int i, rc, sys_errno, failed = 0, stdout_used = 0;
	fp__buf_t out;

	if (getcwd(cwd, sizeof cwd) != NULL)
		o.cwd = cwd;
	file_opts = o;
	file_opts.limit = 0;	/* files always get every row */
	for (i = 0; i < ro->noutputs; i++) {
		const char *path = ro->outputs[i];

		f = fp__format_for_path(path);
		format = ro->format ? ro->format : f ? f->name : "table";
		stdout_used |= strcmp(path, "-") == 0;
		rc = fp__pdata_write(d, format, path, &file_opts, &sys_errno);
		if (rc != FP_OK) {
			fprintf(stderr, "fullprof: report: cannot write %s: %s\n",
			    path, rc == FP_ERR_IO ? strerror(sys_errno) :
			    fp_strerror(rc));
			failed = 1;
		}
	}
	if (ro->quiet || stdout_used)
		return failed ? FP_EXIT_CANTCREAT : 0;
	f = fp__format_find(ro->noutputs == 0 && ro->format ? ro->format :
	    "table");
	fp__buf_init(&out);
	rc = f->render(&out, d, &o);
	if (rc == FP_OK && out.nomem)
		rc = FP_ERR_NOMEM;
	if (rc == FP_OK && (sys_errno = fp__write_all(STDOUT_FILENO,
	    out.data ? out.data : "", out.len)) != 0) {
		fprintf(stderr, "fullprof: report: cannot write to standard "
		    "output: %s\n", strerror(sys_errno));
		failed = 1;
	} else if (rc != FP_OK) {
		fprintf(stderr, "fullprof: report: cannot write the %s report: "
		    "%s\n", f->name, fp_strerror(rc));
		failed = 1;
	}
	fp__buf_free(&out);
	return failed ? FP_EXIT_CANTCREAT : 0;
}

/* Parses the "report" options into ro; returns -1 to go on, or the exit
 * status when the command ends here (help, or a usage error). Either way
 * ro->outputs is the caller's to free. */
static int
parse_options(int argc, char **argv, struct report_options *ro)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "prefix", required_argument, NULL, 'P' },
		{ "sort", required_argument, NULL, 'S' },
		{ "limit", required_argument, NULL, 'L' },
		{ "width", required_argument, NULL, 'W' },
		{ "threshold", required_argument, NULL, 'T' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char **no;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":o:f:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (optarg[0] == '\0')
				return fp_usage_error("report", "empty output "
				    "file name");
			no = realloc(ro->outputs, ((size_t)ro->noutputs + 1) *
			    sizeof *no);
			if (no == NULL)
				return fp_usage_error("report", "out of "
				    "memory");
			ro->outputs = no;
			no[ro->noutputs++] = optarg;
			break;
		case 'f':
			if (fp__format_find(optarg) == NULL)
				return fp_usage_error("report", "unknown "
				    "format '%s' (choose %s)", optarg,
				    fp__format_names());
			ro->format = optarg;
			break;
		case 'P':
			ro->prefix = optarg;
			break;
		case 'S':
			if (fp__sort_key_parse(optarg, &ro->sort) != 0)
				return fp_usage_error("report", "unknown sort "
				    "key '%s' (choose total, own, calls, mean, "
				    "max or name)", optarg);
			break;
		case 'L':
			if (fp_parse_limit(optarg, &ro->limit) != 0)
				return fp_usage_error("report", "invalid limit "
				    "'%s' (a whole number of rows, 0 for all)",
				    optarg);
			break;
		case 'W':
			if (fp_parse_int_option(optarg, 100, 100000,
			    &ro->width) != 0)
				return fp_usage_error("report", "invalid width "
				    "'%s' (pixels, 100 to 100000)", optarg);
			break;
		case 'T':
			if (fp_parse_share(optarg, &ro->threshold) != 0)
				return fp_usage_error("report", "invalid "
				    "threshold '%s' (a share of the total from "
				    "0 to 1, or a percentage such as 0.5%%)",
				    optarg);
			break;
		case 'q':
			ro->quiet = 1;
			break;
		case 'h':
			print_help();
			return 0;
		default:	/* ':' (no value) or '?' */
			return fp_option_error("report", longopts, c,
			    argv[optind - 1], optopt);
		}
	}
	return -1;
}

/* Parses "report" options, reads and merges the inputs, and writes the
 * outputs; returns the exit status. */
static int
cmd_report_exec(int argc, char **argv)
{
	struct report_options ro;
	struct merged m;
	struct group *g;
	struct stat st;
	int i, status;

	memset(&ro, 0, sizeof ro);
	memset(&m, 0, sizeof m);
	ro.sort = FP__SORT_TOTAL;
	ro.limit = 30;
	if ((status = parse_options(argc, argv, &ro)) >= 0) {
		free(ro.outputs);
		return status;
	}
	if (optind >= argc) {
		free(ro.outputs);
		return fp_usage_error("report", "no profile to read (give "
		    ".fprof files or directories)");
	}
	for (i = optind; i < argc && !m.nomem; i++) {
		if (argv[i][0] == '\0')
			bad_input(&m, "''", "empty file name");
		else if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			read_dir(&m, argv[i], ro.prefix);
		else
			read_one(&m, argv[i]);
	}
	if (m.nomem) {
		fputs("fullprof: report: out of memory\n", stderr);
		status = 1;
	} else if ((g = choose_group(&m)) == NULL) {
		status = 1;
	} else {
		status = write_outputs(&ro, g->d);
		if (status == 0 && m.bad)
			status = 1;
	}
	free_groups(&m);
	free(ro.outputs);
	return status;
}

const struct fp_cmd_entry fp_cmd_report_entry = {
	"report", REPORT_USAGE, cmd_report_exec
};
