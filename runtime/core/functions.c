/*
 * functions.c: the function registry, a hash table on (file, line, name)
 * plus a dense array by id.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/functions.h"

static fp__func_t **by_id;
static uint32_t count, capacity;
static fp__func_t **buckets;
static uint32_t nbuckets;

/* Returns the FNV-1a hash of a function's identity. */
static uint32_t
identity_hash(const char *file, int line, const char *name)
{
	uint32_t h = 2166136261u;
	const char *p;

	for (p = file; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	h = (h ^ (uint32_t)line) * 16777619u;
	for (p = name; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h;
}

/* Doubles the bucket array and rehashes; returns 0 or -1 on ENOMEM. */
static int
grow_buckets(void)
{
	uint32_t n = nbuckets ? nbuckets * 2 : 1024, i;
	fp__func_t **nb = calloc(n, sizeof *nb);

	if (nb == NULL)
		return -1;
	for (i = 0; i < count; i++) {
		fp__func_t *f = by_id[i];
		uint32_t b = identity_hash(f->file, f->line, f->name) & (n - 1);

		f->hash_next = nb[b];
		nb[b] = f;
	}
	free(buckets);
	buckets = nb;
	nbuckets = n;
	return 0;
}

/* Returns the function with this identity, creating it on first use. */
fp__func_t *
fp__func_intern(const char *file, int line, const char *name, uint32_t flags)
{
	uint32_t h = identity_hash(file, line, name);
	fp__func_t *f;

	if (nbuckets != 0) {
		for (f = buckets[h & (nbuckets - 1)]; f != NULL; f = f->hash_next) {
			if (f->line == line && strcmp(f->name, name) == 0 &&
			    strcmp(f->file, file) == 0) {
				f->flags |= flags;
				return f;
			}
		}
	}
	if (count == capacity) {
		uint32_t ncap = capacity ? capacity * 2 : 1024;
		fp__func_t **nb = realloc(by_id, ncap * sizeof *nb);

		if (nb == NULL)
			return NULL;
		by_id = nb;
		capacity = ncap;
	}
	if (count >= nbuckets / 2 && grow_buckets() != 0)
		return NULL;
	f = calloc(1, sizeof *f);
	if (f == NULL)
		return NULL;
	f->file = strdup(file);
	f->name = strdup(name);
	if (f->file == NULL || f->name == NULL) {
		free(f->file);
		free(f->name);
		free(f);
		return NULL;
	}
	f->line = line;
	f->flags = flags;
	f->id = count;
	by_id[count++] = f;
	f->hash_next = buckets[h & (nbuckets - 1)];
	buckets[h & (nbuckets - 1)] = f;
	return f;
}

/* Sets the module and match name of a record where not yet known. */
void
fp__func_set_module(fp__func_t *f, const char *module, const char *match_name)
{
	if (f->module == NULL && module != NULL)
		f->module = strdup(module);
	if (f->match_name == NULL && match_name != NULL)
		f->match_name = strdup(match_name);
}

/* Returns how many functions have been registered. */
uint32_t
fp__func_count(void)
{
	return count;
}
