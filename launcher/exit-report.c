/*
 * exit-report.c: the report written when the program ends, however it
 * ends. A normal end, sys.exit() and an uncaught exception come back
 * through Py_RunMain; Ctrl-C (KeyboardInterrupt) makes Py_RunMain kill
 * the process with SIGINT after finalising, so the report is written from
 * a Py_AtExit callback at the end of finalisation. SIGTERM, which python3
 * does not catch, is caught by a handler that wakes a watcher thread; the
 * watcher takes the GIL, writes the report and ends the process by SIGTERM
 * as python3 would have ended. os._exit(), which skips all of that, is
 * replaced by a function that writes the report first (runtime/python/pyexit.c).
 * Everything is written by C to file
 * descriptors: never through Python's print or sys.stderr.
 */
#include "config.h"

#include <Python.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/bgthread.h"
#include "command.h"
#include "report/formats.h"
#include "core/outfile.h"
#include "core/pdata.h"
#include "core/profile.h"
#include "python/pyexit.h"
#include "exit-report.h"
#include "run.h"
#include "subprocesses.h"

static fp_profile_t *profile;
static struct run_options options;
static char *cwd_copy, *stdlib_copy;
static pthread_mutex_t finish_lock = PTHREAD_MUTEX_INITIALIZER;
static int finished, finish_status;
static int term_pipe[2] = { -1, -1 };
static volatile sig_atomic_t term_received;
static pid_t owner_pid;
static pid_t run_pid;		/* the process fullprof started */
/* The first interrupting signal that came while the report was written. */
static volatile sig_atomic_t held_signal;

/* Signals that would end the process while the report is written: the
 * first is held until the report is out, a second one ends it at once. */
static const int report_guarded[] = { SIGINT, SIGHUP, SIGQUIT };
#define NGUARDED (sizeof report_guarded / sizeof report_guarded[0])

/* Writes a line about a failed output to stderr. */
static void
report_output_error(const char *path, int rc, int sys_errno)
{
	char line[4200];

	snprintf(line, sizeof line, "fullprof: cannot write %s: %s\n", path,
	    rc == FP_ERR_IO ? strerror(sys_errno) : fp_strerror(rc));
	fp__write_all(STDERR_FILENO, line, strlen(line));
}

/* Stops the profile and writes the outputs: every -o file from one copy
 * of the figures, then the table on stderr (also with -q when a file
 * could not be written, so that nothing is lost). Returns 0 or -1.
 * Called once. */
static int
write_outputs(void)
{
	fp__render_opts_t o = { options.sort, options.limit, cwd_copy,
	    stdlib_copy, options.width, options.threshold, options.trace_min };
	fp__render_opts_t file_opts = o;
	const char *stderr_format = "table";
	fp__pdata_t *d;
	int i, rc, sys_errno, failed = 0;

	file_opts.limit = 0;	/* files always get every row */
	fp_profile_stop(profile);
	d = fp__profile_data(profile);
	if (d == NULL) {
		fputs("fullprof: out of memory writing the report\n", stderr);
		return -1;
	}
	/* A child of --subprocesses writes its own file only; the parent
	 * adds its children's files in. */
	if (options.subprocesses && fp_subprocesses_exit(d) != 0) {
		fp__pdata_free(d);
		return 0;
	}
	/* Any other forked child that runs on to its end keeps its hands
	 * off the -o files: they hold the profile of the process fullprof
	 * started, which may end first. Unless -q, it says so and prints
	 * its table (its exit status stays its own); with -q it prints
	 * nothing, as a forked child of python3. */
	if (getpid() != run_pid && options.noutputs > 0) {
		if (!options.quiet)
			fprintf(stderr, "fullprof: process %ld, forked from %ld, "
			    "does not write %s%s (--subprocesses gives each "
			    "process a file of its own)\n", (long)getpid(),
			    (long)run_pid, options.outputs[0].path,
			    options.noutputs > 1 ? " and the other -o files" :
			    "");
		options.noutputs = 0;
	}
	for (i = 0; i < options.noutputs; i++) {
		const struct run_output *out = &options.outputs[i];

		rc = fp__pdata_write(d, out->format, out->path, &file_opts,
		    &sys_errno);
		if (rc != FP_OK) {
			report_output_error(out->path, rc, sys_errno);
			failed = 1;
		}
	}
	if (options.noutputs == 0 && options.format != NULL)
		stderr_format = options.format;
	if (!options.quiet || failed) {
		const fp__format_t *f = fp__format_find(failed ? "table" :
		    stderr_format);
		fp__buf_t out;

		fp__buf_init(&out);
		rc = f->render(&out, d, &o);
		if (rc != FP_OK || out.nomem) {
			fprintf(stderr, "fullprof: cannot write the report: %s\n",
			    fp_strerror(rc != FP_OK ? rc : FP_ERR_NOMEM));
			failed = 1;
		} else {
			fp__write_all(STDERR_FILENO, out.data, out.len);
		}
		fp__buf_free(&out);
	}
	fp__pdata_free(d);
	return failed ? -1 : 0;
}

/* The handler while the report is written: holds the first signal; at a
 * second, removes the file being written and dies of that signal as
 * python3 would have at the first (async-signal-safe). */
static void
on_signal_while_writing(int sig)
{
	if (held_signal == 0) {
		held_signal = sig;
		return;
	}
	fp__outfile_remove_temporary();
	signal(sig, SIG_DFL);
	kill(getpid(), sig);
}

/* Holds Ctrl-C and the like while the report is written (Python has put
 * back their default actions by then, so the first would end the process
 * mid-write and lose the report); saves the actions to put back. */
static void
hold_signals(struct sigaction *saved)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal_while_writing;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	held_signal = 0;
	for (i = 0; i < NGUARDED; i++)
		sigaction(report_guarded[i], &sa, &saved[i]);
}

/* Puts back the saved actions, then delivers the signal that was held, to
 * the process, under the action it would have met. */
static void
release_signals(const struct sigaction *saved)
{
	size_t i;

	for (i = 0; i < NGUARDED; i++)
		sigaction(report_guarded[i], &saved[i], NULL);
	if (held_signal != 0)
		kill(getpid(), held_signal);
}

/* Writes the exit report now unless it was already written. */
int
fp_exit_report_finish(void)
{
	int status;

	if (profile == NULL)
		return 0;
	pthread_mutex_lock(&finish_lock);
	if (!finished) {
		struct sigaction saved[NGUARDED];

		finished = 1;
		hold_signals(saved);
		finish_status = write_outputs();
		release_signals(saved);
	}
	status = finish_status;
	pthread_mutex_unlock(&finish_lock);
	return status;
}

/* The os._exit callback: the report now, in the process fullprof started
 * and, with --subprocesses, in every process of the family (each writes
 * its own file: multiprocessing's forked children all end this way). A
 * child forked without --subprocesses writes nothing: the -o files are
 * its parent's, and python3 would print nothing. */
static void
at_os_exit(void)
{
	if (getpid() == run_pid || options.subprocesses)
		fp_exit_report_finish();
}

/* Py_AtExit callback: the end of finalisation, after atexit handlers and
 * thread joins; the interpreter can no longer be used. */
static void
at_python_exit(void)
{
	fp_exit_report_finish();
}

/* Returns non-zero when SIGTERM arrived. */
int
fp_exit_report_terminated(void)
{
	return term_received;
}

/* Ends the process by SIGTERM, as it would have ended without fullprof. */
static void
die_by_sigterm(void)
{
	fp__outfile_remove_temporary();
	signal(SIGTERM, SIG_DFL);
	kill(getpid(), SIGTERM);
	_exit(128 + SIGTERM);
}

/* The SIGTERM handler: wakes the watcher (async-signal-safe). In a forked
 * child, which has no watcher, it behaves as if no handler were set. */
static void
on_sigterm(int sig)
{
	char byte = 1;
	int saved = errno;

	if (getpid() != owner_pid) {
		signal(SIGTERM, SIG_DFL);
		kill(getpid(), SIGTERM);
		return;
	}
	term_received = 1;
	if (write(term_pipe[1], &byte, 1) < 0) {
		/* Nothing else is safe to do here. */
	}
	errno = saved;
	(void)sig;
}

/* Ends the process by SIGTERM a few seconds after the signal came, with or
 * without a report: a program stuck in C code holding the GIL must still
 * die as it would without fullprof. */
static void *
sigterm_deadline(void *arg)
{
	(void)arg;
	sleep(5);
	fputs("fullprof: no report: the program did not release the GIL "
	    "within 5 seconds of SIGTERM\n", stderr);
	die_by_sigterm();
	return NULL;
}

/* The watcher thread: waits for SIGTERM, then writes the report under the
 * GIL and ends the process. */
static FP__GIL_WAITER void *
sigterm_watcher(void *arg)
{
	char byte;
	ssize_t n;

	(void)arg;
	do {
		n = read(term_pipe[0], &byte, 1);
	} while (n < 0 && errno == EINTR);
	if (n <= 0)
		return NULL;
	{
		pthread_t deadline;

		if (fp__bgthread_start(&deadline, NULL, sigterm_deadline,
		    NULL) == 0)
			pthread_detach(deadline);
	}
	if (Py_IsInitialized() && !fp__pyexit_finalizing()) {
		PyGILState_STATE g = PyGILState_Ensure();

		fp_exit_report_finish();
		PyGILState_Release(g);
	} else {
		/* Finalisation is under way: its Py_AtExit callback writes
		 * the report; wait for it rather than race it. */
		while (!finished)
			usleep(1000);
		fp_exit_report_finish();
	}
	die_by_sigterm();
	return NULL;
}

/* In a forked child: no watcher exists, so SIGTERM must kill as usual;
 * and the child reports only what it runs itself, never its parent's
 * figures again (fork() was called from Python, so this thread holds the
 * GIL and the tables are consistent). */
static void
after_fork_in_child(void)
{
	signal(SIGTERM, SIG_DFL);
	if (profile != NULL)
		fp_profile_clear(profile);
}

/* Starts the SIGTERM watcher thread and installs the handler that wakes
 * it; returns 0, or -1 when SIGTERM keeps its default action. */
static int
start_watcher(void)
{
	struct sigaction sa;
	pthread_t thread;
	pthread_attr_t attr;
	int err;

	if (pipe2(term_pipe, O_CLOEXEC) != 0)
		return -1;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	err = fp__bgthread_start(&thread, &attr, sigterm_watcher, NULL);
	pthread_attr_destroy(&attr);
	if (err != 0) {
		close(term_pipe[0]);
		close(term_pipe[1]);
		term_pipe[0] = term_pipe[1] = -1;
		return -1;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigterm;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGTERM, &sa, NULL);
	return 0;
}

/* In a forked child that goes on running Python (called from Python's
 * after-fork hook, when threads can be started again): a watcher of its
 * own, on a pipe of its own (the parent's watcher is not in the child). */
static void
after_fork_watcher(void)
{
	if (profile == NULL || finished)
		return;
	if (term_pipe[0] >= 0) {
		close(term_pipe[0]);
		close(term_pipe[1]);
		term_pipe[0] = term_pipe[1] = -1;
	}
	owner_pid = getpid();
	start_watcher();
}

/* Sets up the report written at exit; returns 0, or -1 after a message
 * when forked children could not be armed (--subprocesses). */
int
fp_exit_report_arm(fp_profile_t *p, const struct run_options *ro,
    const char *cwd, const char *stdlib)
{
	profile = p;
	options = *ro;
	cwd_copy = cwd ? strdup(cwd) : NULL;
	stdlib_copy = stdlib ? strdup(stdlib) : NULL;
	owner_pid = run_pid = getpid();
	Py_AtExit(at_python_exit);
	if (fp__pyexit_on_os_exit(at_os_exit, FP__PYEXIT_ORDER_LAUNCHER) != 0) {
		fputs("fullprof: os._exit() will end the program without a "
		    "report:\n", stderr);
		PyErr_Print();
	}
	if (start_watcher() == 0)
		pthread_atfork(NULL, NULL, after_fork_in_child);
	/* With --subprocesses a forked child reports too: it needs a
	 * SIGTERM watcher of its own. */
	if (ro->subprocesses &&
	    fp__pyexit_on_fork_child(after_fork_watcher) != 0) {
		fputs("fullprof: cannot set up the profiling of child "
		    "processes:\n", stderr);
		PyErr_Print();
		return -1;
	}
	return 0;
}
