/*
 * filter.h: the set of functions a profile is restricted to ("-F NAME",
 * fullprof.add()), and matching a function against it.
 *
 * Matching strings on every call would be far too slow, so each function
 * record caches its verdict together with the filter generation it was
 * computed for; a change to any filter bumps the generation.
 *
 * Ownership: a filter owns copies of its specs; fp__filter_free releases
 * them, and function records are only read.
 */
#ifndef FP_FILTER_H
#define FP_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "core/functions.h"

typedef struct fp__filter {
	char **specs;
	size_t count, capacity;
} fp__filter_t;

/* Bumped whenever a filter changes or is put in force; a function's
 * cached verdict is valid while its sel_generation equals this. */
extern uint32_t fp__filter_generation;

/* Initialises an empty filter (everything is recorded). */
void fp__filter_init(fp__filter_t *f);

/* Frees the specs of a filter and empties it. */
void fp__filter_free(fp__filter_t *f);

/* Adds a spec (a copy is kept); returns FP_OK, FP_ERR_INVAL for an empty
 * spec, FP_ERR_NOMEM. A spec already present is not added twice. */
int fp__filter_add(fp__filter_t *f, const char *spec);

/* Removes a spec; returns FP_OK whether or not it was present. */
int fp__filter_remove(fp__filter_t *f, const char *spec);

/* Returns non-zero when spec names the function (module, qualname); module
 * may be NULL when unknown. See fp_profile_add_function for the forms. */
int fp__filter_spec_matches(const char *spec, const char *module,
    const char *qualname);

/* Returns non-zero when some spec of f names func. */
int fp__filter_matches(const fp__filter_t *f, const fp__func_t *func);

/* Returns whether func is selected by f, from its cached verdict when that
 * is current. */
static inline int
fp__filter_selects(const fp__filter_t *f, fp__func_t *func)
{
	if (func->sel_generation != fp__filter_generation) {
		func->selected = (uint8_t)fp__filter_matches(f, func);
		func->sel_generation = fp__filter_generation;
	}
	return func->selected;
}

/* Returns non-zero when func's cached verdict is current and says that no
 * spec names it (a read-only test for a hot path; 0 means "ask
 * fp__filter_selects"). */
static inline int
fp__filter_known_unselected(const fp__func_t *func)
{
	return func->sel_generation == fp__filter_generation &&
	    !func->selected;
}

#endif /* FP_FILTER_H */
