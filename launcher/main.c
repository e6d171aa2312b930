/*
 * main.c: the fullprof executable's entry point. It picks a subcommand by
 * its name (or a unique prefix of it); with none, the arguments belong to
 * "run", so "fullprof script.py" and "fullprof run script.py" are the same.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "command.h"
#include "embed.h"
#include "stack.h"
#include "subprocesses.h"

static const struct fp_cmd_entry *const commands[] = {
	&fp_cmd_run_entry,
	&fp_cmd_report_entry,
	&fp_cmd_attach_entry,
	NULL
};

/* Runs fullprof as a child of --subprocesses, a profiled python3 (see
 * subprocesses.c); returns the exit status. */
static int
child_main(int argc, char **argv)
{
	struct run_options ro;
	int status;

	if ((status = fp_subprocesses_child_options(argc, argv, &ro)) != 0)
		return status;
	return fp_launch(&ro);
}

/* Returns the command named by word (exactly, or by a unique prefix when no
 * file of that name exists), or NULL. */
static const struct fp_cmd_entry *
find_command(const char *word)
{
	const struct fp_cmd_entry *const *c, *found = NULL;
	size_t n = strlen(word);
	struct stat st;

	if (n == 0 || word[0] == '-')
		return NULL;
	for (c = commands; *c != NULL; c++) {
		if (strcmp((*c)->name, word) == 0)
			return *c;
	}
	if (stat(word, &st) == 0)
		return NULL;
	for (c = commands; *c != NULL; c++) {
		if (strncmp((*c)->name, word, n) == 0) {
			if (found != NULL)
				return NULL;
			found = *c;
		}
	}
	return found;
}

/* Runs the chosen subcommand and returns its exit status. */
int
main(int argc, char **argv)
{
	const struct fp_cmd_entry *cmd;

	/* A child of fullprof --subprocesses: a profiled python3. */
	if (getenv(FP_CHILD_ENV) != NULL) {
		fp_stack_prepare(argv);
		return child_main(argc, argv);
	}
	cmd = argc > 1 ? find_command(argv[1]) : NULL;
	if (cmd == NULL || cmd == &fp_cmd_run_entry)
		fp_stack_prepare(argv);	/* may execute fullprof again */
	if (cmd != NULL)
		return cmd->exec(argc - 1, argv + 1);
	return fp_cmd_run_entry.exec(argc, argv);
}
