#!/bin/sh
# valgrind-e2e.sh: runs end-to-end tests with every fullprof they start
# running under valgrind (memcheck), and counts the errors valgrind finds.
#
#   FULLPROF=/path/to/fullprof PYTHON=python3 tests/valgrind-e2e.sh [TEST.py...]
#
# Each test is run with $FULLPROF pointing at a wrapper that starts the
# real fullprof under valgrind with the suppressions of tests/valgrind.supp
# and a log file per process. CPython's own allocator reads memory it did
# not initialise on purpose (obmalloc's address_in_range), so the
# programs run with PYTHONMALLOC=malloc, as CPython's documentation
# recommends under valgrind. Leaks are not checked: CPython does not free
# everything at exit. Prints, per test, its "N passed, N failed" line and
# the processes and errors seen; exits 1 if valgrind reported an error or
# a test failed.
# Under valgrind a program runs 20 to 50 times slower, so the tests are
# told (FULLPROF_UNDER_VALGRIND=1) to leave out their assertions on
# figures of time, and say how many they left out; each run is given 120 s
# instead of the usual 20 (FULLPROF_TEST_TIMEOUT). A test that still fails
# is listed, and fails the run too. With no TEST, a
# subset that runs in a few minutes is taken (sync and async code,
# threads, the outputs and formats, the faults).
set -u

here=$(cd "$(dirname "$0")" && pwd)
: "${FULLPROF:?set FULLPROF to the fullprof binary to test}"
: "${PYTHON:=python3}"
command -v valgrind >/dev/null 2>&1 || { echo "valgrind-e2e.sh: valgrind not found (apt-get install valgrind)" >&2; exit 77; }

if [ $# -eq 0 ]; then
	set -- test_sync.py test_async.py test_threads.py test_output.py \
	    test_formats.py test_trace.py test_faults.py
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/fullprof-valgrind-XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
cat >"$work/fullprof" <<EOF
#!/bin/sh
exec valgrind --error-exitcode=99 --leak-check=no \\
    --main-stacksize=536870912 \\
    --suppressions="$here/valgrind.supp" \\
    --log-file="$work/logs/vg.%p.log" "$FULLPROF" "\$@"
EOF
chmod +x "$work/fullprof"
mkdir "$work/logs"

status=0
total_procs=0
total_errors=0
for t in "$@"; do
	case $t in */*) ;; *) t=$here/e2e/$t ;; esac
	rm -f "$work"/logs/*
	start=$(date +%s)
	FULLPROF="$work/fullprof" PYTHONMALLOC=malloc FULLPROF_UNDER_VALGRIND=1 \
	    FULLPROF_TEST_TIMEOUT=${FULLPROF_TEST_TIMEOUT:-120} \
	    FULLPROF_SRCDIR="${FULLPROF_SRCDIR:-$(dirname "$here")}" \
	    "$PYTHON" "$t" >"$work/out" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	# One log per process; each ends with its error summary.
	procs=$(ls "$work/logs" | wc -l)
	errors=$(cat "$work"/logs/* 2>/dev/null | sed -n \
	    's/^==[0-9]*== ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' |
	    awk '{ n += $1 } END { print n + 0 }')
	summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$work/out" | tail -1)
	left=$(sed -n 's/^# \([0-9]*\) timing assertions left out.*/\1/p' "$work/out")
	echo "$(basename "$t"): ${summary:-no summary (status $rc)}; $procs processes under valgrind, $errors errors, ${left:-0} timing assertions left out (${secs}s)"
	if [ "$rc" -ne 0 ]; then
		grep -E '^FAIL' "$work/out" | head -n 20
		status=1
	fi
	if [ "$errors" -ne 0 ]; then
		grep -l -E 'ERROR SUMMARY: [1-9]' "$work"/logs/* |
		    head -n 3 | xargs cat | head -n 120
		status=1
	fi
	total_errors=$((total_errors + errors))
	total_procs=$((total_procs + procs))
done
echo "valgrind: $# test files, $total_procs fullprof processes, $total_errors errors"
exit $status
