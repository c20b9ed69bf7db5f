#!/usr/bin/env bash
# Four reloads of a 4-worker HTTP server under 48 busy keep-alive connections, each reload
# after the previous one finished, the handler file edited before each (its answers name its
# version). Asserts: `reload` exits 0 and prints every slot's old -> new pid (matching status
# before and after) and the total time; zero errors of any kind, every request answered
# completely and correctly; after each reload returned, every connection got at most one
# older-version answer (the one in flight) and then only the new version; no connection was
# closed (idle keep-alive connections are handed to the replacements).
# REUSE_PORT=1 runs the same with $worker->reusePort = true.
source "$(dirname "$0")/lib.sh"
REUSE_PORT=${REUSE_PORT:-0}
[ "$REUSE_PORT" = 1 ] && SCENARIO="${SCENARIO}+reusePort"
it_setup

reuse=false
[ "$REUSE_PORT" = 1 ] && reuse=true
{
    it_start_script_head
    cat <<PHP
\$w = new Worker('http://127.0.0.1:$PORT');
\$w->name = 'web';
\$w->count = 4;
\$w->reusePort = $reuse;
\$w->onWorkerStart = function (Worker \$worker) {
    require __DIR__ . '/handler.php';   // loaded after start: renewed by every reload
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

CONNS=48
load_start load "$CONNS" 50
wait_requests load 2000
: >"$WORK/marks"
for v in 2 3 4 5; do
    before=$(worker_pids web)
    write_handler "$v"
    t0=$(date +%s%N)
    cli reload
    t1=$(date +%s%N)
    now_ts=$(now)
    echo "$now_ts $v" >>"$WORK/marks"
    [ "$CLI_RC" -eq 0 ] || fail "reload to v$v exited $CLI_RC: $CLI_OUT / $CLI_ERR"
    after=$(worker_pids web)
    # Each slot's line "worker web #N: OLD -> NEW (ready in X ms)", and the total.
    printed_old=$(printf '%s\n' "$CLI_OUT" | sed -nE 's/^worker web #[0-9]+: ([0-9]+) -> ([0-9]+) \(ready in [0-9]+ ms\)$/\1/p' | sort -n | tr '\n' ' ' | sed 's/ $//')
    printed_new=$(printf '%s\n' "$CLI_OUT" | sed -nE 's/^worker web #[0-9]+: ([0-9]+) -> ([0-9]+) \(ready in [0-9]+ ms\)$/\2/p' | sort -n | tr '\n' ' ' | sed 's/ $//')
    slots=$(printf '%s\n' "$CLI_OUT" | sed -nE 's/^worker web #([0-9]+): .*/\1/p' | sort -n | tr '\n' ' ')
    [ "$slots" = "0 1 2 3 " ] || fail "reload to v$v did not print one line per slot 0..3:
$CLI_OUT"
    [ "$printed_old" = "$before" ] || fail "reload printed old pids '$printed_old', status had '$before'"
    [ "$printed_new" = "$after" ] || fail "reload printed new pids '$printed_new', status has '$after'"
    total=$(printf '%s\n' "$CLI_OUT" | sed -nE 's/^reload finished: 4 workers replaced in ([0-9]+) ms.*/\1/p')
    [ -n "$total" ] || fail "reload printed no total time:
$CLI_OUT"
    it_log "reload to v$v: exit 0, pids [$before] -> [$after], server says ${total} ms, cli took $(((t1 - t0) / 1000000)) ms, $(load_ok load) answers so far, $(load_errors load) errors"
    # The next reload only after the load has seen plenty of answers from this generation.
    wait_requests load 1500
done
load_stop load
it_log "load: $(load_check summary load)"
load_check clean load || fail "the load saw failed requests across the reloads"
load_check order load "$WORK/marks" || fail "connections got old-version answers after a reload returned"
load_kept_connections load "$CONNS"
[ "$(load_versions load)" = "1,2,3,4,5" ] || fail "the load did not see every version 1..5: $(load_versions load)"
cli stop
[ "$CLI_RC" -eq 0 ] || fail "stop exited $CLI_RC: $CLI_ERR"
it_pass
