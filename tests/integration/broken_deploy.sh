#!/usr/bin/env bash
# A broken deploy changes nothing. Under keep-alive load, four broken handler files are
# deployed in turn: a parse error, an uncaught exception in onWorkerStart, exit() in
# onWorkerStart, and an onWorkerStart that sleeps past Worker::$startTimeout. For each:
# `reload` exits non-zero and prints the PHP message (file and line for the parse error),
# the worker pids stay the same, exactly one process was forked for the attempt and no more
# while thousands of requests are served afterwards (no crash loop), and only the old
# version answers. Then a fixed file reloads (exit 0) and the new version answers. Over the
# whole run: zero failed requests and no connection closed.
source "$(dirname "$0")/lib.sh"
it_setup

{
    it_start_script_head
    cat <<PHP
Worker::\$startTimeout = 1.5;
\$w = new Worker('http://127.0.0.1:$PORT');
\$w->name = 'web';
\$w->count = 4;
\$w->onWorkerStart = function (Worker \$worker) {
    require __DIR__ . '/handler.php';
    \$worker->handler = new Handler();
};
\$w->onMessage = function (TcpConnection \$c, Request \$r) {
    \$c->send(\$c->worker->handler->handle(\$r));
};
Worker::runAll();
PHP
} >"$WORK/start.php"
write_handler 1
srv_start

load_start load 32 50
wait_requests load 2000
forks() { count_log 'started worker web #'; }

# attempt NAME EXPECTED_MESSAGE_REGEX: deploys $WORK/handler.php as written by the caller.
attempt() {
    local name=$1 expect=$2
    local pids_before forks_before forks_after pids_after
    pids_before=$(worker_pids web)
    forks_before=$(forks)
    cli reload
    [ "$CLI_RC" -ne 0 ] || fail "$name: reload exited 0:
$CLI_OUT"
    printf '%s\n%s\n' "$CLI_OUT" "$CLI_ERR" | grep -qE -- "$expect" ||
        fail "$name: reload did not print the PHP message /$expect/; it printed:
$CLI_OUT
$CLI_ERR"
    forks_after=$(forks)
    [ "$forks_after" -eq $((forks_before + 1)) ] ||
        fail "$name: $((forks_after - forks_before)) workers forked for the failed reload, expected exactly 1"
    # No crash loop: while thousands more requests are served, nothing else is forked and
    # the old workers stay.
    wait_requests load 8000
    [ "$(forks)" -eq "$forks_after" ] || fail "$name: workers kept being forked after the failed reload ($(forks) vs $forks_after)"
    pids_after=$(worker_pids web)
    [ "$pids_after" = "$pids_before" ] || fail "$name: worker pids changed: [$pids_before] -> [$pids_after]"
    [ "$(load_errors load)" -eq 0 ] || fail "$name: the load saw $(load_errors load) errors"
    it_log "$name: reload exit $CLI_RC, message: $(printf '%s' "$CLI_ERR" | head -c 160 | tr '\n' ' ')"
}

# 1. Parse error, on line 3 of handler.php.
printf '<?php\n// a deploy with a typo\nconst HANDLER_VERSION = ;\n' >"$WORK/handler.php"
attempt "parse error" "(Parse error|ParseError): syntax error.*handler\.php( on line |:)3"

# 2. Uncaught exception while onWorkerStart loads the handler.
write_handler 90 "throw new RuntimeException('deploy-broken: the database is unreachable');"
attempt "exception in onWorkerStart" "RuntimeException.*deploy-broken: the database is unreachable"

# 3. exit() in onWorkerStart.
write_handler 91 "exit(3);"
attempt "exit() in onWorkerStart" "exit\(3\)"

# 4. Never ready: onWorkerStart outlives Worker::\$startTimeout (1.5 s).
write_handler 92 "sleep(20);"
attempt "readiness timeout" "READY within 1500 ms"

# The fixed deploy goes live.
write_handler 2
cli reload
echo "$(now) 2" >"$WORK/marks"
[ "$CLI_RC" -eq 0 ] || fail "the fixed deploy did not reload: $CLI_OUT $CLI_ERR"
wait_requests load 2000
load_stop load
it_log "load: $(load_check summary load)"
load_check clean load || fail "the load saw failed requests"
load_check order load "$WORK/marks" || fail "the fixed version did not take over cleanly"
load_kept_connections load 32
[ "$(load_versions load)" = "1,2" ] || fail "answers came from versions $(load_versions load), expected only 1 and 2"
cli stop
[ "$CLI_RC" -eq 0 ] || fail "stop exited $CLI_RC"
it_pass
