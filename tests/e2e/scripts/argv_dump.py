"""Prints, as JSON on stdout, what a script sees of how it was started."""
import json
import sys

json.dump({"argv": sys.argv, "name": __name__, "path0": sys.path[0],
           "file": __file__}, sys.stdout)
print()
