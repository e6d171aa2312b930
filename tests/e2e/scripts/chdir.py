"""Changes the working directory to the subdirectory named in argv[1]."""
import os
import sys


def move():
    os.chdir(sys.argv[1])


move()
