/*
 * functions.h: the registry of profiled functions.
 *
 * A function is identified by (file, first line, qualified name); code
 * objects that share that identity share one record, so a module executed
 * twice still gives one row. Records hold their own copies of the strings,
 * so reports can be written after the interpreter has been finalised.
 * Records live until the process ends and are shared by every profile.
 */
#ifndef FP_FUNCTIONS_H
#define FP_FUNCTIONS_H

#include <stdint.h>

enum {
	FP__FUNC_BUILTIN = 1 << 0,	/* a C function (file "~", line 0) */
	FP__FUNC_HIDDEN = 1 << 1,	/* fullprof's start-up machinery: not shown */
	FP__FUNC_GENERATOR = 1 << 2,	/* generator, coroutine or async generator */
};

typedef struct fp__func {
	uint32_t id;		/* dense, from 0 */
	uint32_t flags;		/* FP__FUNC_* */
	int line;
	char *file;
	char *name;
	char *module;		/* __name__ of its module, or NULL if unknown */
	char *match_name;	/* name filters match, when not name: a C
				 * function's "sleep" for "<built-in method
				 * time.sleep>" (module "time") */
	uint32_t sel_generation; /* see filter.h */
	uint8_t selected;
	struct fp__func *hash_next;
} fp__func_t;

/* Returns the function with this identity, creating it on first use, or
 * NULL when memory runs out. flags are added to an existing record. */
fp__func_t *fp__func_intern(const char *file, int line, const char *name,
    uint32_t flags);

/* Sets the module (and, for C functions, the name filters match) of a
 * record where they are not yet known; either may be NULL. */
void fp__func_set_module(fp__func_t *f, const char *module,
    const char *match_name);

/* Returns how many functions have been registered. */
uint32_t fp__func_count(void);

#endif /* FP_FUNCTIONS_H */
