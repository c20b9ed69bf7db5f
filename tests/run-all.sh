#!/usr/bin/env bash
# Sets everything up and runs every test suite: the Catch2 core tests, the .phpt tests of the
# PHP API on both event loop backends, the whole-server integration scenarios on both
# backends, and a short bounded run of each fuzzer. Ends with "suites: N passed, N failed".
#
# Suites run side by side (each picks its own ports and work directories), at most
# RINGMASTER_TEST_JOBS at once (default 4); each suite's output is printed whole when it ends.
# Arguments, if any, are name filters: `bash tests/run-all.sh tls timeout` runs the suites
# whose names contain "tls" or "timeout".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bash scripts/setup.sh --tests || { echo "setup failed"; exit 1; }

jobs_max=${RINGMASTER_TEST_JOBS:-4}
filters=("$@")
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
declare -A running=()  # pid -> suite name
passed=0
failed=0
failures=()
started=$SECONDS

wanted() {
    ((${#filters[@]} == 0)) && return 0
    local f
    for f in "${filters[@]}"; do [[ $1 == *"$f"* ]] && return 0; done
    return 1
}

# Prints the output of a finished suite and counts it.
reap() {
    local pid=$1 rc=$2 name=${running[$1]}
    unset "running[$pid]"
    echo
    echo "=== $name"
    cat "$logs/$pid.log"
    if ((rc == 0)); then
        passed=$((passed + 1))
        echo "--- $name: passed"
    else
        failed=$((failed + 1))
        failures+=("$name")
        echo "--- $name: FAILED (exit $rc)"
    fi
}

reap_one() {
    local pid rc
    wait -n -p pid "${!running[@]}"
    rc=$?
    reap "$pid" "$rc"
}

suite() {  # suite NAME COMMAND...
    local name=$1
    shift
    wanted "$name" || return 0
    while ((${#running[@]} >= jobs_max)); do reap_one; done
    "$@" >"$logs/tmp.log" 2>&1 </dev/null &
    local pid=$!
    running[$pid]=$name
    # The log is named after the pid once known; the job writes through its open descriptor.
    mv "$logs/tmp.log" "$logs/$pid.log"
}

# --- C++ core (Catch2) ---------------------------------------------------------------------
cmake_core() {
    cmake -S . -B build/cmake -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRINGMASTER_WERROR=ON >/dev/null &&
        cmake --build build/cmake --target unit_tests -j"$(nproc)" >/dev/null &&
        build/cmake/unit_tests
}

# --- PHP API (.phpt through run-tests.php), both backends -------------------------------------
phpt() {
    local backend=$1 log rc
    # run-tests.php writes each test's .php/.out/.diff beside it: each backend runs a copy of
    # the tests, so the two can run at once (stubs/ and examples/ are where tests look).
    local tree="$root/build/phpt-$backend"
    rm -rf "$tree" && mkdir -p "$tree/tests" && cp -r tests/phpt "$tree/tests/" &&
        ln -s "$root/stubs" "$tree/stubs" && ln -s "$root/examples" "$tree/examples" || return 1
    log=$(mktemp)
    NO_INTERACTION=1 REPORT_EXIT_STATUS=1 TEST_PHP_EXECUTABLE=$(command -v php) \
        RINGMASTER_SO="$root/modules/ringmaster.so" \
        php run-tests.php -n -q -j2 --show-diff \
        -d extension="$root/modules/ringmaster.so" \
        -d ringmaster.event_loop="$backend" "$tree/tests/phpt" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    # run-tests.php quietly retries some failed tests and reports them as "warned": a test
    # that needed a retry is flaky, and flaky counts as failed here.
    if grep -q "passed on retry" "$log"; then
        echo "FLAKY: a test passed only on retry (see WARN lines above)"
        rc=1
    fi
    rm -f "$log"
    return "$rc"
}

# --- fuzzers: a short bounded run each (clang's libFuzzer) ----------------------------------
fuzz() {
    local secs=${FUZZ_SECONDS:-20}
    CXX=clang++ cmake -S . -B build/fuzz -DCMAKE_CXX_COMPILER=clang++ >/dev/null &&
        cmake --build build/fuzz -j"$(nproc)" --target $(cd tests/fuzz && ls *.cc | sed 's/\.cc$//') >/dev/null || return 1
    local ok=0
    for f in tests/fuzz/*.cc; do
        local name
        name=$(basename "$f" .cc)
        local corpus="tests/fuzz/corpus/$name"
        local work
        work=$(mktemp -d)
        [ -d "$corpus" ] && cp -r "$corpus"/. "$work"/
        echo "fuzzing $name for ${secs}s"
        build/fuzz/"$name" -max_total_time="$secs" -print_final_stats=0 "$work" >"$work.log" 2>&1 ||
            { tail -40 "$work.log"; ok=1; }
        rm -rf "$work" "$work.log"
    done
    return $ok
}

# The longest suites start first, so the tail of the run is short ones.
suite "phpt (io_uring)" phpt io_uring
suite "phpt (epoll)" phpt epoll
suite "core unit tests (Catch2)" cmake_core
if ls tests/fuzz/*.cc >/dev/null 2>&1; then suite "fuzzers" fuzz; fi

# --- whole-server scenarios, both backends --------------------------------------------------
for t in tests/integration/*.sh; do
    [ -e "$t" ] || continue
    [ "$(basename "$t")" = lib.sh ] && continue  # the scenarios' shared helpers, not a scenario
    for backend in io_uring epoll; do
        suite "$(basename "$t" .sh) ($backend)" env RINGMASTER_EVENT_LOOP=$backend bash "$t"
    done
done
while ((${#running[@]})); do reap_one; done

echo
((failed)) && printf 'failed suite: %s\n' "${failures[@]}"
echo "all suites ran in $((SECONDS - started)) s, at most $jobs_max at once"
echo "suites: $passed passed, $failed failed"
((failed == 0 && passed > 0))
