/*
 * replay.c: feeds every file of the fuzzing corpus (tests/fuzz/corpus, or
 * the directories and files given as arguments) to the .fprof reader, as
 * the fuzzer did, so that `make check` keeps every input it ever found
 * interesting - crashers included - from crashing again. A crash or a
 * broken invariant aborts; otherwise it prints how many inputs were
 * valid profiles and exits 0.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fprof-target.h"

static unsigned long nfiles, nvalid;

/* Reads the whole file at path into a new buffer; returns it or NULL. */
static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL, *nb;
	size_t cap = 0, n = 0, got;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			if ((nb = realloc(buf, cap)) == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		if ((got = fread(buf + n, 1, cap - n, f)) == 0)
			break;
		n += got;
	}
	fclose(f);
	*len = n;
	return buf;
}

/* Replays one file; returns 0 or -1 when it cannot be read. */
static int
replay_file(const char *path)
{
	size_t len = 0;
	unsigned char *data = slurp(path, &len);

	if (data == NULL) {
		fprintf(stderr, "replay: cannot read %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	nvalid += (unsigned long)fp_fuzz_fprof(data, len);
	nfiles++;
	free(data);
	return 0;
}

/* Replays a file, or every file of a directory; returns 0 or -1. */
static int
replay(const char *path)
{
	struct dirent *e;
	struct stat st;
	char sub[4096];
	DIR *dp;
	int rc = 0;

	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return replay_file(path);
	if ((dp = opendir(path)) == NULL) {
		fprintf(stderr, "replay: cannot read %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	while ((e = readdir(dp)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
		if (replay(sub) != 0)
			rc = -1;
	}
	closedir(dp);
	return rc;
}

/* Replays the corpus, or the paths given; exits 0 when everything was
 * read and nothing broke. */
int
main(int argc, char **argv)
{
	const char *srcdir = getenv("FULLPROF_SRCDIR");
	char corpus[4096];
	int i, rc = 0;

	if (argc > 1) {
		for (i = 1; i < argc; i++)
			if (replay(argv[i]) != 0)
				rc = 1;
	} else {
		snprintf(corpus, sizeof corpus, "%s/tests/fuzz/corpus",
		    srcdir ? srcdir : ".");
		if (replay(corpus) != 0)
			rc = 1;
	}
	printf("replay: %lu inputs, %lu valid profiles, %s\n", nfiles, nvalid,
	    rc == 0 ? "none crashed" : "some could not be read");
	if (nfiles == 0) {
		fputs("replay: no inputs found\n", stderr);
		rc = 1;
	}
	return rc;
}
