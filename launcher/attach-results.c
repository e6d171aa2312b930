/*
 * attach-results.c: what a "fullprof attach" session prints: the results
 * so far (the sampler's figures with the target's main thread named), as
 * the table or another format on standard output and, at the end, in the
 * -o files; and the session's messages, a line for the user on standard
 * output, or one about a failed command on standard error. Used by the
 * command (cmd-attach.c) and its prompt (attach-prompt.c).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attach.h"
#include "command.h"
#include "core/outfile.h"
#include "core/pdata.h"
#include "core/profile.h"
#include "report/formats.h"
#include "report/report.h"
#include "sample/sampler.h"

/* Prints a line for the user on standard output. */
void
fp_attach_say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* Prints a line about a command that failed to standard error, and
 * remembers the failure of a scripted command. */
void
fp_attach_complain(struct attach *a, const char *fmt, ...)
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
fp__pdata_t *
fp_attach_results(struct attach *a)
{
	fp__pdata_t *d = fp__sampler_pdata(a->sampler);

	if (d == NULL) {
		fp_attach_complain(a, "out of memory");
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
int
fp_attach_print_results(struct attach *a, const fp__pdata_t *d,
    const char *format)
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
		fp_attach_complain(a, "cannot write the %s report: %s", f->name,
		    fp_strerror(rc));
		return -1;
	}
	if (err != 0) {
		fp_attach_complain(a, "cannot write to standard output: %s",
		    strerror(err));
		return -1;
	}
	return 0;
}

/* Writes the final results: the -o files, then the table (or -f format)
 * on standard output unless -q or an -o file is standard output. Returns
 * the exit status. */
int
fp_attach_final_results(struct attach *a)
{
	fp__render_opts_t o = render_opts(a, 1);
	const fp__format_t *f;
	fp__pdata_t *d;
	int i, rc, sys_errno = 0, status = 0, stdout_used = 0;

	if ((d = fp_attach_results(a)) == NULL)
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
	if (!a->quiet && !stdout_used && fp_attach_print_results(a, d,
	    a->noutputs == 0 ? a->format : NULL) != 0)
		status = FP_EXIT_CANTCREAT;
	fp__pdata_free(d);
	return status;
}
