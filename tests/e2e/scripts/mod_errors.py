"""Bad arguments to the fullprof module's functions.

usage: mod_errors.py MISSING_PATH OUT_PATH

Calls each function wrongly and records the exception (type name, and
errno for OSError); the profile must still work afterwards. Also changes
the timer: refused while the profile holds figures, accepted after
clear(). Prints `RESULT <json>`.
"""
import json
import sys

import fullprof


def f():
    pass


def outcome(fn, *args, **kwargs):
    """Returns the name of the exception fn raised, or "ok"."""
    try:
        fn(*args, **kwargs)
    except OSError as e:
        return "%s errno=%s" % (type(e).__name__, e.errno)
    except Exception as e:
        return type(e).__name__
    return "ok"


missing, out = sys.argv[1], sys.argv[2]
seen = {
    "start_timer_nope": outcome(fullprof.start, timer="nope"),
    "start_timer_3": outcome(fullprof.start, timer=3),
    "start_functions_3": outcome(fullprof.start, functions=3),
    "start_functions_empty_name": outcome(fullprof.start, functions=[""]),
    "add_3": outcome(fullprof.add, 3),
    "add_empty": outcome(fullprof.add, ""),
    "add_keyword": outcome(fullprof.add, name="f"),
    "remove_3": outcome(fullprof.remove, 3),
    "print_table_sort_x": outcome(fullprof.print_table, sort="x"),
    "print_table_limit_-1": outcome(fullprof.print_table, limit=-1),
    "print_table_file_str": outcome(fullprof.print_table, file="x"),
    "write_missing_dir": outcome(fullprof.write, missing),
    "write_format_xml": outcome(fullprof.write, out, format="xml"),
    "write_format_3": outcome(fullprof.write, out, format=3),
    "stop_extra_arg": outcome(fullprof.stop, 1),
}
# A start() that fails on a bad function leaves the traced set as it was.
fullprof.add("kept")
seen["start_functions_bad_item"] = outcome(fullprof.start,
                                           functions=["a", 3])
seen["functions_after_failed_start"] = fullprof.functions()
fullprof.remove("kept", "a")
seen["running_after_errors"] = fullprof.is_running()
seen["functions_after_errors"] = fullprof.functions()

fullprof.start()
f()
fullprof.stop()
seen["change_timer_with_figures"] = outcome(fullprof.start, timer="cpu")
seen["running_after_refused_start"] = fullprof.is_running()
fullprof.clear()
seen["change_timer_after_clear"] = outcome(fullprof.start, timer="cpu")
f()
fullprof.stop()
fullprof.write(out)
with open(out, encoding="utf-8") as fh:
    seen["timer_written"] = json.load(fh)["timer"]
seen["f_calls"] = sum(r["calls"] for r in fullprof.stats()
                      if r["name"] == "f")
print("RESULT " + json.dumps(seen))
