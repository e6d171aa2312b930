"""os._exit as the program sees it: under fullprof it is a replacement that
writes the report first, and must pass for the original (repr, names,
self, docstring, signature, pickling, errors)."""
import os, pickle, inspect, posix
print(repr(os._exit), os._exit.__name__, os._exit.__qualname__, os._exit.__module__, os._exit.__self__, os._exit is posix._exit)
print(repr(os._exit.__doc__), os._exit.__text_signature__, inspect.signature(os._exit))
print(pickle.loads(pickle.dumps(os._exit)) is os._exit, type(os._exit).__name__)
try: os._exit("x")
except TypeError as e: print("TypeError", e)
try: os._exit(1, 2)
except TypeError as e: print("TypeError", e)
try: os._exit(stat=2)
except TypeError as e: print("TypeError", e)
import sys
sys.stdout.flush()
os._exit(3)
