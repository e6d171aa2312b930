"""Imports fullprof and prints `RESULT <json>` describing the module: where
it comes from, its version, its public names and their docstrings."""
import json
import sys

import fullprof

names = sorted(n for n in dir(fullprof) if not n.startswith("_"))
print("RESULT " + json.dumps({
    "builtin": "fullprof" in sys.builtin_module_names,
    "file": getattr(fullprof, "__file__", None),
    "version": fullprof.__version__,
    "names": names,
    "undocumented": [n for n in names
                     if not (getattr(fullprof, n).__doc__ or "").strip()],
    "module_doc": bool((fullprof.__doc__ or "").strip()),
}))
