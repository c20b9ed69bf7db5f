#!/usr/bin/env bash
# The reload callbacks, seen through an event file the server's processes append to.
# - a reloadable worker with a slow request in flight: onWorkerReload, then the slow request
#   is answered (complete, 200, by the old pid), then onWorkerStop, in that order, and
#   nothing of that pid after onWorkerStop;
# - a reloadable=false group keeps its pid and gets onWorkerReload (and no onWorkerStop);
# - Worker::$onMasterReload runs once per reload;
# - Worker::$onWorkerExit gets ($worker, $status, $pid): status 0 for the retired worker, the
#   raw wait status 7 << 8 for a worker that called exit(7).
source "$(dirname "$0")/lib.sh"
it_setup
EV="$WORK/events"
: >"$EV"

{
    it_start_script_head
    cat <<PHP
use Ringmaster\\Timer;
function ev(string \$line): void { file_put_contents('$EV', \$line . "\\n", FILE_APPEND | LOCK_EX); }
\$web = new Worker('http://127.0.0.1:$PORT');
\$web->name = 'web';
\$web->count = 1;
\$web->onWorkerReload = fn(Worker \$w) => ev('reload web ' . getmypid());
\$web->onWorkerStop = fn(Worker \$w) => ev('stop web ' . getmypid());
\$web->onMessage = function (TcpConnection \$c, Request \$r) {
    \$pid = getmypid();
    if (\$r->path() === '/slow') {
        ev("slow-received \$pid");
        // Answered 600 ms later from a timer: in flight while the reload runs.
        Timer::add(0.6, function () use (\$c, \$pid) {
            ev("slow-answered \$pid");
            \$c->send("slow from \$pid");
        }, [], false);
        return;
    }
    if (\$r->path() === '/exit7') {
        exit(7);
    }
    \$c->send("pid \$pid");
};
\$cron = new Worker();
\$cron->name = 'cron';
\$cron->reloadable = false;
\$cron->onWorkerStart = fn(Worker \$w) => ev('start cron ' . getmypid());
\$cron->onWorkerReload = fn(Worker \$w) => ev('reload cron ' . getmypid());
\$cron->onWorkerStop = fn(Worker \$w) => ev('stop cron ' . getmypid());
Worker::\$onMasterReload = fn() => ev('master-reload ' . getmypid());
Worker::\$onWorkerExit = fn(Worker \$w, int \$status, int \$pid) => ev("exit {\$w->name} \$pid \$status");
Worker::runAll();
PHP
} >"$WORK/start.php"
srv_start

web1=$(worker_pids web)
cron1=$(worker_pids cron)
[ -n "$web1" ] && [ -n "$cron1" ] || fail "status lists no web or cron worker"
has() { grep -qxF -- "$1" "$EV"; }
line_no() { grep -nxF -- "$1" "$EV" | head -n 1 | cut -d: -f1; }

# A slow request in flight on the reloadable worker.
curl -s --max-time 15 -o "$WORK/slow.body" -w '%{http_code}' "http://127.0.0.1:$PORT/slow" >"$WORK/slow.code" 2>"$WORK/slow.err" &
CURL=$!
wait_for 10 "the slow request to reach the worker" has "slow-received $web1"

cli reload
[ "$CLI_RC" -eq 0 ] || fail "reload exited $CLI_RC: $CLI_OUT $CLI_ERR"
_curl_done() { ! pid_alive "$CURL"; }
wait_for 10 "the slow request to be answered" _curl_done
wait "$CURL"
[ "$(cat "$WORK/slow.code")" = 200 ] && [ "$(cat "$WORK/slow.body")" = "slow from $web1" ] ||
    fail "the slow request in flight during the reload got '$(cat "$WORK/slow.code")' '$(cat "$WORK/slow.body")' $(cat "$WORK/slow.err")"
wait_for 10 "onWorkerStop of the old web worker" has "stop web $web1"
wait_for 10 "onWorkerExit of the old web worker" has "exit web $web1 0"

r=$(line_no "reload web $web1")
a=$(line_no "slow-answered $web1")
s=$(line_no "stop web $web1")
[ -n "$r" ] || fail "the reloadable worker got no onWorkerReload: $(cat "$EV")"
[ "$r" -lt "$a" ] && [ "$a" -lt "$s" ] ||
    fail "expected onWorkerReload, then the last answer, then onWorkerStop; got lines $r, $a, $s of:
$(cat "$EV")"
[ "$(grep -c " $web1\$" "$EV")" -eq "$(grep -nE " $web1\$" "$EV" | awk -F: -v s="$s" '$1 <= s' | wc -l)" ] ||
    fail "events of $web1 after its onWorkerStop: $(cat "$EV")"

web2=$(worker_pids web)
[ -n "$web2" ] && [ "$web2" != "$web1" ] || fail "the web worker was not replaced ($web1 -> $web2)"
cron2=$(worker_pids cron)
[ "$cron2" = "$cron1" ] || fail "the reloadable=false worker was replaced: $cron1 -> $cron2"
has "reload cron $cron1" || fail "the reloadable=false worker got no onWorkerReload: $(cat "$EV")"
has "stop cron $cron1" && fail "the reloadable=false worker got onWorkerStop on reload"
[ "$(grep -c '^master-reload ' "$EV")" -eq 1 ] || fail "onMasterReload ran $(grep -c '^master-reload ' "$EV") times for one reload"
printf '%s\n' "$CLI_OUT" | grep -qE "^worker web #0: $web1 -> $web2 " || fail "reload did not print the web slot's old -> new pid: $CLI_OUT"

# A worker that calls exit(7): onWorkerExit gets the raw wait status (7 << 8).
curl -s --max-time 5 "http://127.0.0.1:$PORT/exit7" >/dev/null 2>&1
wait_for 10 "onWorkerExit of the worker that called exit(7)" has "exit web $web2 $((7 << 8))"
_replaced() { local p; p=$(worker_pids web); [ -n "$p" ] && [ "$p" != "$web2" ]; }
wait_for 10 "the web worker to be restarted" _replaced

# A second reload: onMasterReload again, the cron worker notified again with the same pid.
cli reload
[ "$CLI_RC" -eq 0 ] || fail "second reload exited $CLI_RC: $CLI_OUT $CLI_ERR"
[ "$(grep -c '^master-reload ' "$EV")" -eq 2 ] || fail "onMasterReload did not run for the second reload"
wait_for 10 "the second onWorkerReload of the cron worker" test "$(grep -cxF "reload cron $cron1" "$EV")" -eq 2
it_log "events: $(tr '\n' ';' <"$EV")"
cli stop
[ "$CLI_RC" -eq 0 ] || fail "stop exited $CLI_RC"
it_pass
