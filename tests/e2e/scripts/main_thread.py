"""Prints, as JSON, what a program can see of the thread and process it
runs in: whether it runs on the process's first thread, sys.orig_argv,
its environment, and the stack size of a new thread."""
import ctypes
import json
import os
import sys
import threading


def thread_stack_size():
    """Returns the stack size of the calling thread, from glibc."""
    libc = ctypes.CDLL(None)
    libc.pthread_self.restype = ctypes.c_ulong
    attr = ctypes.create_string_buffer(256)     # pthread_attr_t, 56 bytes
    if libc.pthread_getattr_np(ctypes.c_ulong(libc.pthread_self()), attr):
        return None
    size = ctypes.c_size_t()
    libc.pthread_attr_getstacksize(attr, ctypes.byref(size))
    libc.pthread_attr_destroy(attr)
    return size.value


sizes = []
t = threading.Thread(target=lambda: sizes.append(thread_stack_size()))
t.start()
t.join()
print(json.dumps({
    "first_thread": threading.get_native_id() == os.getpid(),
    "main_thread": threading.current_thread() is threading.main_thread(),
    "orig_argv": sys.orig_argv,
    "argv": sys.argv,
    "executable": sys.executable,
    "environ": dict(os.environ),
    "thread_stack": sizes[0],
}))
