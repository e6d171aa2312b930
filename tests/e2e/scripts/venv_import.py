"""Imports a module that exists only in a virtualenv's site-packages."""
import json
import sys

import e2e_venv_mod

json.dump({"answer": e2e_venv_mod.answer(), "file": e2e_venv_mod.__file__,
           "prefix": sys.prefix}, sys.stdout)
print()
