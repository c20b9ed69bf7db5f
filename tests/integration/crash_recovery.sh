#!/usr/bin/env bash
# Unexpected worker deaths.
# 1. SIGKILL one of 4 HTTP workers (reusePort, so connections spread) under keep-alive load:
#    the slot gets a new process, master and manager keep their pids, the log says how it
#    died, and the only failed requests are the victim's in flight ones (at most one per
#    connection it had); connections on the other workers see no error at all.
# 2. A worker that dies at once on every start (exit in onWorkerStart while a flag file
#    exists, after a good first start): restarted with growing delays (the log's backoff
#    lines), status shows the slot as restarting, the other workers are untouched, and once
#    the flag is gone the slot serves again.
source "$(dirname "$0")/lib.sh"
it_setup

{
    it_start_script_head
    cat <<PHP
\$w = new Worker('http://127.0.0.1:$PORT');
\$w->name = 'web';
\$w->count = 4;
\$w->reusePort = true;
\$w->onMessage = function (TcpConnection \$c, Request \$r) {
    \$c->send('v=1 pid=' . getmypid() . ' q=' . \$r->queryString());
};
\$fragile = new Worker();
\$fragile->name = 'fragile';
\$fragile->onWorkerStart = function () {
    if (file_exists('$WORK/crash')) {
        exit(1);
    }
};
Worker::runAll();
PHP
} >"$WORK/start.php"
srv_start
master=$(role_pid master)
manager=$(role_pid manager)

# ---- 1. SIGKILL under load ----------------------------------------------------------------
load_start load 48 50
wait_requests load 3000
# The victim: the worker holding the most connections (status counts them).
status_json
read -r victim victim_conns others_conns < <("$PHP" -n -r '
    $j = json_decode(file_get_contents($argv[1]), true); $best = null; $total = 0;
    foreach ($j["processes"] as $r) {
        if ($r["role"] !== "worker" || $r["group"] !== "web") continue;
        $total += $r["connections"];
        if ($best === null || $r["connections"] > $best["connections"]) $best = $r;
    }
    echo $best["pid"], " ", $best["connections"], " ", $total - $best["connections"], "\n";' "$WORK/status.json")
[ "${victim_conns:-0}" -gt 0 ] || fail "no web worker holds a connection: $(cat "$WORK/status.json")"
before=$(worker_pids web)
kill -KILL "$victim"
_replaced() {
    local now
    now=$(worker_pids web)
    [ "$(wc -w <<<"$now")" -eq 4 ] && case " $now " in *" $1 "*) return 1 ;; *) return 0 ;; esac
}
wait_for 10 "a new worker in the killed worker's slot" _replaced "$victim"
wait_requests load 5000
load_stop load
it_log "load: $(load_check summary load)"
errors=$(load_check get load errors_total)
it_log "SIGKILL of $victim (it held $victim_conns of $((victim_conns + others_conns)) connections): $errors failed requests, [$before] -> [$(worker_pids web)]"
[ "$errors" -ge 1 ] || fail "killing a worker with $victim_conns connections failed no request: the load is not where it seems"
[ "$errors" -le "$victim_conns" ] || fail "$errors failed requests, more than the $victim_conns connections the killed worker had"
load_check errors-only-pid load "$victim" || fail "connections of other workers saw errors"
[ "$(role_pid master)" = "$master" ] && [ "$(role_pid manager)" = "$manager" ] ||
    fail "master/manager changed: $master/$manager -> $(role_pid master)/$(role_pid manager)"
grep -qE "worker web #[0-9] \(pid $victim, gen 0\) died unexpectedly: killed by signal SIGKILL" "$WORK/server.log" ||
    fail "the log does not say how $victim died"

# ---- 2. a worker that dies at once, every time ---------------------------------------------
web_pids=$(worker_pids web)
fragile=$(worker_pids fragile)
[ -n "$fragile" ] || fail "the fragile worker is not serving"
touch "$WORK/crash"
kill -KILL "$fragile"
backoffs() { grep -oE 'restarting worker fragile #0 in [0-9.]+ s \(failure [0-9]+ in a row\)' "$WORK/server.log"; }
_enough() { [ "$(backoffs | wc -l)" -ge 4 ]; }
wait_for 15 "four backoff lines for the crashing worker" _enough
delays=$(backoffs | sed -E 's/.* in ([0-9.]+) s.*/\1/' | tr '\n' ' ')
"$PHP" -n -r '$d = array_map("floatval", explode(" ", trim($argv[1])));
    for ($i = 1; $i < count($d); $i++) if ($d[$i] <= $d[$i - 1]) exit(1);' "$delays" ||
    fail "restart delays do not grow: $delays"
it_log "crash loop: restart delays $delays(s)"
_status_restarting() {
    status_json
    "$PHP" -n -r '$j = json_decode(file_get_contents($argv[1]), true);
        foreach ($j["processes"] as $r) if (($r["group"] ?? "") === "fragile" && str_starts_with($r["state"], "restarting in")) exit(0);
        exit(1);' "$WORK/status.json"
}
wait_for 10 "status to show the fragile slot as restarting" _status_restarting
it_log "status shows: $("$PHP" -n -r '$j = json_decode(file_get_contents($argv[1]), true);
    foreach ($j["processes"] as $r) if (($r["group"] ?? "") === "fragile") echo json_encode(["pid" => $r["pid"], "state" => $r["state"]]);' "$WORK/status.json")"
[ "$(worker_pids web)" = "$web_pids" ] || fail "the web workers changed while another group crash-looped"
[ "$(role_pid master)" = "$master" ] && [ "$(role_pid manager)" = "$manager" ] || fail "master/manager changed during the crash loop"

rm -f "$WORK/crash"
_fragile_back() { [ -n "$(worker_pids fragile)" ]; }
wait_for 15 "the fragile slot to serve again once its start succeeds" _fragile_back
cli stop
[ "$CLI_RC" -eq 0 ] || fail "stop exited $CLI_RC"
it_pass
