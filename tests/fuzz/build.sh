#!/bin/sh
# build.sh: builds the libFuzzer harness of the .fprof reader,
# fuzz-fprof, with AddressSanitizer and UndefinedBehaviorSanitizer, in a
# build directory of its own (default /tmp/fullprof-fuzz). Needs clang
# (Debian: apt-get install clang). See README.md for running it.
set -e
src=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-/tmp/fullprof-fuzz}
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
mkdir -p "$out"
cd "$out"
if [ ! -f Makefile ]; then
	"$src/configure" -q CC=clang \
	    CFLAGS="-g -O1 -fsanitize=fuzzer-no-link $san"
fi
make -j2 libfullprof-core.la
pycflags=$(sed -n 's/^PYTHON_CFLAGS = //p' Makefile)
pylibs=$(sed -n 's/^PYTHON_LIBS = //p' Makefile)
clang -g -O1 -fsanitize=fuzzer $san -I. -I"$src/include" -I"$src/runtime" \
    $pycflags "$src/tests/fuzz/fuzz-fprof.c" "$src/tests/fuzz/fprof-target.c" \
    .libs/libfullprof-core.a $pylibs -lm -o fuzz-fprof
echo "built $out/fuzz-fprof"
