#!/usr/bin/env bash
# Reloads that overlap. A "hold" file makes onWorkerStart wait for a "release" file, so a
# reload can be caught in progress deterministically.
# - a reload while a reload runs is refused at once with a clear message and a non-zero exit;
#   the first one, released, succeeds (exit 0, every pid changed);
# - `stop` during a reload: stop exits 0, the reload's caller gets a non-zero exit and a
#   message, the pid file is gone and no process of the tree is left.
source "$(dirname "$0")/lib.sh"
it_setup

{
    it_start_script_head
    cat <<PHP
\$w = new Worker('http://127.0.0.1:$PORT');
\$w->name = 'web';
\$w->count = 2;
\$w->onWorkerStart = function () {
    if (!file_exists('$WORK/hold')) return;
    file_put_contents('$WORK/held', getmypid() . "\\n", FILE_APPEND);
    \$until = microtime(true) + 20;
    while (!file_exists('$WORK/release') && microtime(true) < \$until) usleep(10000);
};
\$w->onMessage = fn(TcpConnection \$c, Request \$r) => \$c->send('pid ' . getmypid());
Worker::runAll();
PHP
} >"$WORK/start.php"
srv_start

# reload_bg NAME: `reload` in the background, output in $WORK/NAME.{out,err,rc}.
reload_bg() {
    (
        timeout 40 "${PHP_SRV[@]}" "$WORK/start.php" reload >"$WORK/$1.out" 2>"$WORK/$1.err"
        echo $? >"$WORK/$1.rc"
    ) &
}
finished() { [ -s "$WORK/$1.rc" ]; }

# 1. A reload during a reload.
before=$(worker_pids web)
touch "$WORK/hold"
reload_bg first
wait_for 10 "the first reload's replacement to be held in onWorkerStart" test -s "$WORK/held"
cli reload
[ "$CLI_RC" -ne 0 ] || fail "a second reload during a reload exited 0: $CLI_OUT"
printf '%s\n' "$CLI_ERR" | grep -q 'a reload is already in progress' ||
    fail "the refused reload did not say why: $CLI_OUT / $CLI_ERR"
it_log "second reload refused: exit $CLI_RC, '$CLI_ERR'"
finished first && fail "the first reload ended while its replacement was held: $(cat "$WORK/first.out")"
touch "$WORK/release"
wait_for 20 "the first reload to finish" finished first
[ "$(cat "$WORK/first.rc")" -eq 0 ] || fail "the first reload failed after the refused one: $(cat "$WORK/first.out" "$WORK/first.err")"
after=$(worker_pids web)
for p in $before; do case " $after " in *" $p "*) fail "worker $p survived the first reload ([$before] -> [$after])" ;; esac; done
it_log "first reload: exit 0, [$before] -> [$after]"

# 2. stop during a reload.
rm -f "$WORK/release" "$WORK/held"
reload_bg during_stop
wait_for 10 "the reload's replacement to be held in onWorkerStart" test -s "$WORK/held"
held=$(head -n 1 "$WORK/held")
master=$(master_pid)
cli stop
[ "$CLI_RC" -eq 0 ] || fail "stop during a reload exited $CLI_RC: $CLI_OUT $CLI_ERR"
wait_for 20 "the interrupted reload's caller to finish" finished during_stop
rc=$(cat "$WORK/during_stop.rc")
[ "$rc" -ne 0 ] || fail "the reload interrupted by stop exited 0: $(cat "$WORK/during_stop.out")"
[ -s "$WORK/during_stop.err" ] || fail "the reload interrupted by stop printed no reason"
it_log "reload interrupted by stop: exit $rc, '$(head -n 1 "$WORK/during_stop.err")'"
pid_alive "$master" && fail "the master $master is still alive after stop returned"
pid_alive "$held" && fail "the held replacement $held is still alive after stop returned"
[ -e "$WORK/server.pid" ] && fail "the pid file is still there after stop"
port_open && fail "the port still accepts after stop"
left=$(work_pids)
[ -z "$left" ] || fail "processes left after stop: $left"
it_pass
