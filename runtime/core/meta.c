/*
 * meta.c: copying and freeing the metadata of a run (see meta.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/meta.h"

/* Copies meta into *dst; returns 0 or -1. */
int
fp__meta_copy(fp__meta_t *dst, const fp__meta_t *src)
{
	int i;

	*dst = *src;
	dst->python = NULL;
	dst->argv = NULL;
	dst->argc = 0;
	if (src->python != NULL && (dst->python = strdup(src->python)) == NULL)
		return -1;
	if (src->argc > 0) {
		dst->argv = calloc((size_t)src->argc + 1, sizeof *dst->argv);
		if (dst->argv == NULL)
			return -1;
		for (; dst->argc < src->argc; dst->argc++) {
			i = dst->argc;
			if ((dst->argv[i] = strdup(src->argv[i])) == NULL)
				return -1;
		}
	}
	return 0;
}

/* Frees the strings of a meta record. */
void
fp__meta_free(fp__meta_t *m)
{
	int i;

	for (i = 0; i < m->argc; i++)
		free(m->argv[i]);
	free(m->argv);
	free(m->python);
	m->argv = NULL;
	m->python = NULL;
	m->argc = 0;
}
