/*
 * bare_embed.c: python3 and nothing else, embedded the way the fullprof
 * launcher embeds it (same libpython, same link). bench/run.py times it
 * beside plain python3 to tell what embedding itself costs from what
 * fullprof adds: Debian's /usr/bin/python3 is built with link-time
 * optimisation from objects libpython3.11-dev does not ship.
 */
#include <Python.h>

/* Runs python3's own main. */
int
main(int argc, char **argv)
{
	return Py_BytesMain(argc, argv);
}
