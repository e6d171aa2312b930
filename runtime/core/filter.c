/*
 * filter.c: function specs, and matching them with fnmatch(3).
 */
#include "config.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/filter.h"
#include "fullprof.h"

uint32_t fp__filter_generation = 1;

/* Initialises an empty filter. */
void
fp__filter_init(fp__filter_t *f)
{
	memset(f, 0, sizeof *f);
}

/* Frees the specs of a filter and empties it. */
void
fp__filter_free(fp__filter_t *f)
{
	size_t i;

	for (i = 0; i < f->count; i++)
		free(f->specs[i]);
	free(f->specs);
	fp__filter_init(f);
	fp__filter_generation++;
}

/* Adds a spec. */
int
fp__filter_add(fp__filter_t *f, const char *spec)
{
	size_t i;
	char *copy;

	if (spec == NULL || spec[0] == '\0')
		return FP_ERR_INVAL;
	for (i = 0; i < f->count; i++) {
		if (strcmp(f->specs[i], spec) == 0)
			return FP_OK;
	}
	if (f->count == f->capacity) {
		size_t ncap = f->capacity ? f->capacity * 2 : 8;
		char **ns = realloc(f->specs, ncap * sizeof *ns);

		if (ns == NULL)
			return FP_ERR_NOMEM;
		f->specs = ns;
		f->capacity = ncap;
	}
	if ((copy = strdup(spec)) == NULL)
		return FP_ERR_NOMEM;
	f->specs[f->count++] = copy;
	fp__filter_generation++;
	return FP_OK;
}

/* Removes a spec. */
int
fp__filter_remove(fp__filter_t *f, const char *spec)
{
	size_t i;

	for (i = 0; spec != NULL && i < f->count; i++) {
		if (strcmp(f->specs[i], spec) == 0) {
			free(f->specs[i]);
			memmove(&f->specs[i], &f->specs[i + 1],
			    (f->count - i - 1) * sizeof *f->specs);
			f->count--;
			fp__filter_generation++;
			break;
		}
	}
	return FP_OK;
}

/* Returns non-zero when s contains a glob character. */
static int
is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* Returns non-zero when pattern (a glob or a plain string) matches s. */
static int
part_matches(const char *pattern, const char *s)
{
	if (is_glob(pattern))
		return fnmatch(pattern, s, 0) == 0;
	return strcmp(pattern, s) == 0;
}

/* Returns non-zero when spec names the function (module, qualname). */
int
fp__filter_spec_matches(const char *spec, const char *module,
    const char *qualname)
{
	const char *colon = strchr(spec, ':');
	char dotted[1024];

	if (colon != NULL) {
		char mod[512];

		if (module == NULL || (size_t)(colon - spec) >= sizeof mod)
			return 0;
		memcpy(mod, spec, (size_t)(colon - spec));
		mod[colon - spec] = '\0';
		return part_matches(mod, module) &&
		    part_matches(colon + 1, qualname);
	}
	if (part_matches(spec, qualname))
		return 1;
	if (module == NULL ||
	    snprintf(dotted, sizeof dotted, "%s.%s", module, qualname) >=
	    (int)sizeof dotted)
		return 0;
	return part_matches(spec, dotted);
}

/* Returns non-zero when some spec of f names func. */
int
fp__filter_matches(const fp__filter_t *f, const fp__func_t *func)
{
	size_t i;

	for (i = 0; i < f->count; i++) {
		if (fp__filter_spec_matches(f->specs[i], func->module,
		    func->match_name ? func->match_name : func->name))
			return 1;
	}
	return 0;
}
