/*
 * pydecorator-files.h: the files of fullprof.profile: which functions
 * each one holds, cutting their share out of a profile, and writing it
 * (periodically, every N calls, at exit and at os._exit), creating its
 * directory (see pydecorator-files.c).
 *
 * Ownership: this module owns every sink and the decorator's own profile
 * for the life of the process; pydecorator.c holds pointers to them and
 * never frees them. Everything here needs the GIL.
 */
#ifndef FP_PYDECORATOR_FILES_H
#define FP_PYDECORATOR_FILES_H

#include <stddef.h>

#include "core/clock.h"
#include "core/functions.h"
#include "core/profile.h"

/* One output file: the functions decorated with the same dir and prefix. */
typedef struct fp__dsink {
	char *dir;		/* absolute, file-system encoding */
	char *prefix;
	const fp__func_t **funcs;	/* their records (never freed) */
	size_t nfuncs, capacity;
	int dirty;		/* calls since the last save */
	int due;		/* a save is due (every N calls, or the period) */
	int warned;		/* a failed save was reported */
	fp_time_t last_save;	/* fp__monotonic_ns() of the last save (or of
				 * the sink's creation) */
	struct fp__dsink *next;
} fp__dsink_t;

/* Every sink, newest first. */
extern fp__dsink_t *fp__dsinks;
/* The decorator's own profile (created on first use), and another that
 * recorded decorated calls (the launcher's, or fullprof.start()'s). */
extern fp_profile_t *fp__deco_own;
extern fp_profile_t *fp__deco_borrowed;

/* Returns the sink for (dir, prefix), creating it; NULL with MemoryError. */
fp__dsink_t *fp__dsink_for(const char *dir, const char *prefix);

/* Adds a function's record to a sink; returns 0 or -1 with MemoryError. */
int fp__dsink_add(fp__dsink_t *s, const fp__func_t *f);

/* Writes the sink's file now, creating its directory when missing.
 * Failures are reported on stderr, one line once per process; nothing is
 * raised. */
void fp__dsink_save(fp__dsink_t *s);

/* Arranges the saves at exit (atexit and os._exit) and the clearing in a
 * forked child, once per process family; returns 0 or -1 with an
 * exception set. */
int fp__dsink_ready_hooks(void);

/* Returns non-zero when this process writes its files after every
 * outermost decorated call: a forked child, or a process multiprocessing
 * started (Pool.terminate() ends those with SIGTERM at any moment).
 * Needs the GIL. */
int fp__dsink_save_each_call(void);

#endif /* FP_PYDECORATOR_FILES_H */
