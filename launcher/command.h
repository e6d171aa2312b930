/*
 * command.h: the subcommand table of the fullprof executable, tmux-style. *
 * Ownership: the table and its entries are static; nothing is allocated.
 */
#ifndef FP_COMMAND_H
#define FP_COMMAND_H

/* Exit statuses of fullprof itself (the profiled program's own status is
 * passed through otherwise). */
#define FP_EXIT_USAGE 2		/* bad command line */
#define FP_EXIT_CANTCREAT 73	/* sysexits EX_CANTCREAT: an output failed */

struct fp_cmd_entry {
	const char *name;
	const char *usage;	/* one line per form, without "usage: " */
	int (*exec)(int argc, char **argv);
};

extern const struct fp_cmd_entry fp_cmd_run_entry;
extern const struct fp_cmd_entry fp_cmd_report_entry;
extern const struct fp_cmd_entry fp_cmd_attach_entry;

/* The usage error of every command (options.c): prints "fullprof: MESSAGE"
 * ("fullprof: COMMAND: MESSAGE" for a named command) and a pointer to the
 * command's --help to stderr, and returns FP_EXIT_USAGE. command is NULL
 * for run, the command of "fullprof [OPTIONS] PROGRAM". */
int fp_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif /* FP_COMMAND_H */
