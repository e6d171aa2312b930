/*
 * attach-prompt.c: the commands of "fullprof attach" (start, stop, add,
 * remove, results, status, rate, help, exit), typed at its prompt when
 * standard input is a terminal, or read one a line from a standard input
 * that is not, while the sampler runs. Each command changes the session
 * held in struct attach (attach.h) and says what it did on standard
 * output; a command that fails says why on standard error, and in a
 * script that failure makes the exit status 1.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attach.h"
#include "core/clock.h"
#include "core/filter.h"
#include "core/pdata.h"
#include "core/profile.h"
#include "options.h"
#include "sample/pylayout.h"
#include "sample/sampler.h"

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

/* Prints label and the functions named, or none when every function is
 * counted. */
static void
say_functions(const struct attach *a, const char *label, const char *none)
{
	size_t i;

	if (a->functions.count == 0) {
		fp_attach_say("%s", none);
		return;
	}
	printf("%s", label);
	for (i = 0; i < a->functions.count; i++)
		printf(" %s", a->functions.specs[i]);
	fp_attach_say("%s", "");
}

/* Says what is being sampled and how it goes ("status"). */
static void
status(struct attach *a)
{
	fp__pdata_t *d = fp_attach_results(a);
	char ivl[32], dur[32], ver[32];
	size_t i;

	if (d == NULL)
		return;
	fp_attach_say("%s PID %d (Python %s) every %s, %s timer; %s sampled; "
	    "samples taken %llu of %llu requested, %llu dropped",
	    a->paused ? "stopped:" : "sampling", a->pid,
	    fp__pyversion_str(a->proc.version, ver, sizeof ver),
	    fp__format_duration(d->meta.interval, ivl, sizeof ivl),
	    a->cpu ? "cpu" : "wall",
	    fp__format_duration(d->meta.duration, dur, sizeof dur),
	    (unsigned long long)d->meta.samples_taken,
	    (unsigned long long)d->meta.samples_requested,
	    (unsigned long long)d->meta.samples_dropped);
	say_functions(a, "functions:", "functions: every function");
	for (i = 0; i < d->nthreads; i++)
		fp_attach_say("thread %s: ident %llu, native id %lld",
		    d->threads[i].name ? d->threads[i].name : "?",
		    (unsigned long long)d->threads[i].ident,
		    (long long)d->threads[i].native_id);
	fp__pdata_free(d);
}

/* Prints the commands ("help"). */
static void
command_help(void)
{
	fp_attach_say("commands:\n"
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
		fp_attach_complain(a, "out of memory");
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
			fp_attach_say("already sampling PID %d (stop first)",
			    a->pid);
			return 0;
		}
		fp__sampler_clear(a->sampler);
		fp__sampler_pause(a->sampler, 0);
		a->paused = 0;
		a->started = fp__monotonic_ns();
		fp_attach_say("sampling PID %d: a new profile", a->pid);
	} else if (strcmp(words[0], "stop") == 0) {
		if (a->paused) {
			fp_attach_say("already stopped (start begins a new "
			    "profile)");
			return 0;
		}
		fp__sampler_pause(a->sampler, 1);
		a->paused = 1;
		fp_attach_say("stopped");
		if ((d = fp_attach_results(a)) != NULL) {
			fp_attach_print_results(a, d, NULL);
			fp__pdata_free(d);
		}
	} else if (strcmp(words[0], "add") == 0 ||
	    strcmp(words[0], "remove") == 0) {
		int adding = words[0][0] == 'a';

		if (n < 2) {
			fp_attach_complain(a, "%s: name at least one function",
			    words[0]);
			return 0;
		}
		for (i = 1; i < n; i++) {
			if (adding && fp__filter_add(&a->functions,
			    words[i]) == FP_ERR_NOMEM) {
				fp_attach_complain(a, "out of memory");
				return 0;
			}
			if (!adding && !has_spec(a, words[i]))
				fp_attach_complain(a, "remove: %s was not "
				    "named (%s)", words[i],
				    a->functions.count == 0 ? "no function "
				    "is, so every one is counted" :
				    "see status");
			else if (!adding)
				fp__filter_remove(&a->functions, words[i]);
		}
		if (push_specs(a) == 0)
			say_functions(a, "counting:", "counting every "
			    "function");
	} else if (strcmp(words[0], "results") == 0) {
		if ((d = fp_attach_results(a)) != NULL) {
			fp_attach_print_results(a, d, NULL);
			fp__pdata_free(d);
		}
	} else if (strcmp(words[0], "status") == 0) {
		status(a);
	} else if (strcmp(words[0], "rate") == 0) {
		if (n != 2) {
			fp_attach_complain(a, "rate: give one interval, such "
			    "as 10ms");
			return 0;
		}
		rc = fp_parse_interval(words[1], &interval);
		if (rc == -2) {
			fp_attach_complain(a, "rate: interval '%s' is out of "
			    "range (50us to 10s)", words[1]);
		} else if (rc != 0) {
			fp_attach_complain(a, "rate: invalid interval '%s' (a "
			    "duration with its unit, such as 10ms, 500us or "
			    "0.01s)", words[1]);
		} else if (fp__sampler_set_interval(a->sampler, interval) !=
		    FP_OK) {
			fp_attach_complain(a, "rate: interval '%s' is out of "
			    "range", words[1]);
		} else {
			a->interval = interval;
			fp_attach_say("sampling every %s",
			    fp__format_duration(interval, ivl, sizeof ivl));
		}
	} else {
		fp_attach_complain(a, "unknown command '%s' (try help)",
		    words[0]);
	}
	return 0;
}

/* Prints the prompt of interactive mode. */
void
fp_attach_prompt(const struct attach *a)
{
	if (a->interactive) {
		fputs("(fullprof) ", stdout);
		fflush(stdout);
	}
}

/* Reads what standard input has and runs each complete line. Returns 1
 * when a command or the end of input asks to end, else 0. */
int
fp_attach_read_commands(struct attach *a)
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
			fp_attach_complain(a, "command line too long "
			    "(ignored)");
		} else if (command(a, a->line)) {
			return 1;
		}
		fp_attach_prompt(a);
	}
	return 0;
}
