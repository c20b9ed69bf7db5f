#!/usr/bin/env bash
# $worker->maxRequests = 200 under keep-alive load (2 workers, 24 connections, 10000
# requests): the workers rotate (start before stop), each retired process answered at least
# its 200 requests before going, not one request fails and no connection is closed.
source "$(dirname "$0")/lib.sh"
it_setup

{
    it_start_script_head
    cat <<PHP
\$w = new Worker('http://127.0.0.1:$PORT');
\$w->name = 'web';
\$w->count = 2;
\$w->maxRequests = 200;
\$w->onMessage = function (TcpConnection \$c, Request \$r) {
    \$c->send('v=1 pid=' . getmypid() . ' q=' . \$r->queryString());
};
Worker::runAll();
PHP
} >"$WORK/start.php"
srv_start

load_start load 24 50
wait_requests load 10000 30
load_stop load
it_log "load: $(load_check summary load)"
load_check clean load || fail "requests failed while workers rotated"
load_kept_connections load 24

pid_counts=$(load_check get load pids)
live=$(worker_pids web)
"$PHP" -n -r '
    $counts = json_decode($argv[1], true);
    $live = array_map("intval", explode(" ", $argv[2]));
    $rotated = array_diff(array_keys($counts), $live);
    if (count($rotated) < 20) { fwrite(STDERR, "only " . count($rotated) . " worker processes rotated out for 10000 requests\n"); exit(1); }
    foreach ($rotated as $pid) {
        if ($counts[$pid] < 200) { fwrite(STDERR, "pid $pid left after {$counts[$pid]} answers, before its maxRequests\n"); exit(1); }
    }
    printf("%d processes rotated out, answers per process: min %d, max %d\n", count($rotated),
        min(array_intersect_key($counts, array_flip($rotated))), max(array_intersect_key($counts, array_flip($rotated))));
' "$pid_counts" "$live" >"$WORK/rotation" 2>&1 || fail "$(cat "$WORK/rotation")"
it_log "$(cat "$WORK/rotation")"
n=$(count_log 'it reached its maxRequests')
[ "$n" -ge 20 ] || fail "the log shows $n maxRequests replacements"
[ "$(count_log 'died unexpectedly|killed with SIGKILL|failed')" -eq 0 ] || fail "unexpected deaths or kills in the log"
cli stop
[ "$CLI_RC" -eq 0 ] || fail "stop exited $CLI_RC"
it_pass
