"""A program that requests a co_extra slot of its own with a free function
written in Python (as CPython's test_code does through ctypes): the free
function must be called only for the code objects the program set, never
during finalisation for others."""
import ctypes

py = ctypes.pythonapi
freefunc = ctypes.CFUNCTYPE(None, ctypes.c_voidp)
request = getattr(py, "PyUnstable_Eval_RequestCodeExtraIndex", None) or \
    py._PyEval_RequestCodeExtraIndex
request.argtypes = (freefunc,)
request.restype = ctypes.c_ssize_t
set_extra = getattr(py, "PyUnstable_Code_SetExtra", None) or \
    py._PyCode_SetExtra
set_extra.argtypes = (ctypes.py_object, ctypes.c_ssize_t, ctypes.c_voidp)
set_extra.restype = ctypes.c_int

freed = []
FREE = freefunc(lambda ptr: freed.append(ptr))
INDEX = request(FREE)

g = eval("lambda: 1")
g()
del g                       # a code object the program never set
f = eval("lambda: 42")
f()
set_extra(f.__code__, INDEX, ctypes.c_voidp(100))
del f                       # the one it set
kept = eval("lambda: 2")    # lives until finalisation
kept()
print(freed)
