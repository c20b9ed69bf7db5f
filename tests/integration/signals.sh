#!/usr/bin/env bash
# The classic signals to the master (pid file):
# - SIGUSR1 reloads: every worker pid changes, the log says a reload ran and finished;
# - SIGUSR2 reloads gracefully: a request slower than Worker::$stopTimeout in flight on an
#   old worker still gets its complete answer from that worker, the log says graceful;
# - SIGTERM stops: the master exits, the pid file goes, no process of the tree is left;
# - SIGQUIT stops gracefully: a slow request in flight is answered before everything exits.
source "$(dirname "$0")/lib.sh"
it_setup

{
    it_start_script_head
    cat <<PHP
use Ringmaster\\Timer;
Worker::\$stopTimeout = 0.5;
\$w = new Worker('http://127.0.0.1:$PORT');
\$w->name = 'web';
\$w->count = 2;
\$w->onMessage = function (TcpConnection \$c, Request \$r) {
    \$pid = getmypid();
    if (\$r->path() === '/slow') {
        file_put_contents('$WORK/slow-received', "\$pid\\n", FILE_APPEND);
        // Three times stopTimeout: only a graceful reload or stop waits for it.
        Timer::add(1.5, fn() => \$c->send("slow from \$pid"), [], false);
        return;
    }
    \$c->send("pid \$pid");
};
Worker::runAll();
PHP
} >"$WORK/start.php"

all_changed() {  # all_changed "OLD PIDS": every current worker pid is new, and there are 2
    local now p
    now=$(worker_pids web)
    [ "$(wc -w <<<"$now")" -eq 2 ] || return 1
    for p in $1; do case " $now " in *" $p "*) return 1 ;; esac; done
}
log_has() { grep -qE -- "$1" "$WORK/server.log"; }
# slow_request NAME: a /slow request in the background; waits until a worker has it.
slow_request() {
    rm -f "$WORK/slow-received"
    curl -s --max-time 15 -o "$WORK/$1.body" -w '%{http_code}' "http://127.0.0.1:$PORT/slow" >"$WORK/$1.code" 2>/dev/null &
    SLOW_PID=$!
    wait_for 10 "the slow request to reach a worker" test -s "$WORK/slow-received"
    SLOW_WORKER=$(head -n 1 "$WORK/slow-received")
}
slow_answered() {  # slow_answered NAME: the slow request got "slow from $SLOW_WORKER"
    _done() { ! pid_alive "$SLOW_PID"; }
    wait_for 10 "the slow request to finish" _done
    wait "$SLOW_PID"
    [ "$(cat "$WORK/$1.code")" = 200 ] && [ "$(cat "$WORK/$1.body")" = "slow from $SLOW_WORKER" ] ||
        fail "$1: the slow request got '$(cat "$WORK/$1.code")' '$(cat "$WORK/$1.body")' instead of a complete answer from $SLOW_WORKER"
}
stopped_clean() {  # the tree is gone: master, pid file, port, every process
    ! pid_alive "$1" && [ ! -e "$WORK/server.pid" ] && ! port_open && [ -z "$(work_pids)" ]
}

srv_start
master=$(master_pid)

# SIGUSR1: reload.
before=$(worker_pids web)
kill -USR1 "$master"
wait_for 15 "SIGUSR1 to replace every worker" all_changed "$before"
wait_for 10 "the log to report the SIGUSR1 reload" log_has 'reload finished: 2 workers replaced'
log_has 'reloading 2 workers \(generation 1\)$' || fail "the log does not say a reload started: $(grep reload "$WORK/server.log")"
it_log "SIGUSR1: [$before] -> [$(worker_pids web)]"

# SIGUSR2: graceful reload with a request slower than stopTimeout in flight.
before=$(worker_pids web)
slow_request usr2
kill -USR2 "$master"
wait_for 15 "SIGUSR2 to replace every worker" all_changed "$before"
slow_answered usr2
log_has 'reloading 2 workers \(generation 2, graceful\)' || fail "the log does not say the SIGUSR2 reload was graceful"
log_has 'killed with SIGKILL' && fail "a worker was killed during the graceful reload"
_gone() { ! pid_alive "$1"; }
wait_for 10 "the old worker $SLOW_WORKER to exit after its drain" _gone "$SLOW_WORKER"
it_log "SIGUSR2: [$before] -> [$(worker_pids web)], the slow request was answered by $SLOW_WORKER"
[ "$(master_pid)" = "$master" ] || fail "the master changed"

# SIGTERM: stop.
kill -TERM "$master"
wait_for 15 "SIGTERM to stop the server" stopped_clean "$master"
log_has 'Ringmaster stopped' || fail "the log does not say the server stopped"
it_log "SIGTERM: stopped, pid file removed, no process left"

# SIGQUIT: graceful stop with a slow request in flight.
srv_start
master=$(master_pid)
slow_request quit
kill -QUIT "$master"
slow_answered quit
wait_for 15 "SIGQUIT to stop the server" stopped_clean "$master"
[ "$(grep -c 'killed with SIGKILL' "$WORK/server.log")" -eq 0 ] || fail "a worker was killed during the graceful stop"
it_log "SIGQUIT: the slow request was answered, then stopped, pid file removed, no process left"
it_pass
