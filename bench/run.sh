#!/usr/bin/env bash
# Ringmaster's benchmark harness: runs every scenario against Ringmaster (io_uring and epoll)
# and the references (the io_uring "floor" server, nginx), then writes
# bench/results/latest.json, latest.md and reload.png. See bench/README.md.
#
#   bash bench/run.sh            full run (a few minutes)
#   bash bench/run.sh --smoke    every scenario for ~1-2 s, for CI (no timing assertions);
#                                writes bench/results/smoke/ instead
#   options: --out DIR   --only hello-64,pipeline-16,conn-1000,ws-echo,ws-idle,reload,callgrind
#   env:     RINGMASTER_SO=path/to/ringmaster.so (default: modules/ringmaster.so)
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
source "$BENCH/lib/harness.sh"

SMOKE=0
OUT=""
ONLY=""
while (($#)); do
    case $1 in
        --smoke) SMOKE=1 ;;
        --out) OUT=$2; shift ;;
        --only) ONLY=$2; shift ;;
        *) echo "usage: bash bench/run.sh [--smoke] [--out DIR] [--only a,b]" >&2; exit 2 ;;
    esac
    shift
done
if ((SMOKE)); then
    OUT=${OUT:-$BENCH/results/smoke}
    ROUNDS=1 DURATION=1 WARMUP=0.3 LAT_PASS=0.5   # DURATION: whole seconds (wrk)
    IDLE_CONNS=2000 STEADY_S=1 RELOAD_RUN_S=2.5 RELOAD_AT="0.4 0.9 1.4 1.9" CG_REQUESTS=200
else
    OUT=${OUT:-$BENCH/results}
    ROUNDS=3 DURATION=4 WARMUP=1 LAT_PASS=2
    IDLE_CONNS=10000 STEADY_S=5 RELOAD_RUN_S=10 RELOAD_AT="1.5 3.5 5.5 7.5" CG_REQUESTS=2000
fi
RINGMASTER_SO=${RINGMASTER_SO:-$ROOT/modules/ringmaster.so}
wanted() { [ -z "$ONLY" ] || [[ ",$ONLY," == *",$1,"* ]]; }

for tool in php wrk nginx gnuplot taskset curl g++ valgrind callgrind_annotate; do
    command -v $tool > /dev/null || { echo "missing: $tool (see scripts/setup.sh)" >&2; exit 1; }
done
[ -f "$RINGMASTER_SO" ] || { echo "no $RINGMASTER_SO: build it (scripts/setup.sh) or set RINGMASTER_SO" >&2; exit 1; }
(( $(nproc) >= 2 )) || { echo "needs 2 CPUs (server on CPU $SERVER_CPU, load on CPU $CLIENT_CPU)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/bench-run.XXXXXX)
trap 'cleanup; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
RESULTS=$WORK/results.jsonl
: > "$RESULTS"
mkdir -p "$OUT"
# 1,000 and 10,000 connections need file descriptors on both sides.
ulimit -n "$(ulimit -Hn)" 2> /dev/null || true
if (( $(ulimit -n) < IDLE_CONNS + 1000 )); then
    log "ulimit -n is $(ulimit -n): idle WebSocket scenario reduced"
    IDLE_CONNS=$(( $(ulimit -n) - 1000 ))
fi

log "building the floor server and the load client"
g++ -O2 -std=c++20 -o "$WORK/floor_server" "$BENCH/floor/floor_server.cc" -luring
g++ -O2 -std=c++20 -o "$WORK/load_client" "$BENCH/ws_load/load_client.cc"
LOAD=(taskset -c $CLIENT_CPU "$WORK/load_client")

# ---------------------------------------------------------------------------------------
# Scenarios 1-3: HTTP hello with wrk, every server, ROUNDS interleaved rounds (the
# harness reports medians, so a burst of noise on the machine hits one round of one server).
http_scenario() {  # NAME CONNS PIPELINE
    local name=$1 conns=$2 pipeline=$3 round kind port size t0 t1 w0 w1 script=() lat=""
    ((pipeline > 1)) && script=(-s "$BENCH/wrk/pipeline16.lua") || script=(-s "$BENCH/wrk/report.lua")
    for round in $(seq "$ROUNDS"); do
        for kind in floor nginx rm-io_uring rm-epoll; do
            port=$(free_port)
            start_server "$kind" "$port"
            size=$(check_response "$port")
            local wrk=(taskset -c $CLIENT_CPU timeout 60 wrk -t1 -c"$conns" --timeout 2s "${script[@]}")
            timeout 30 "${LOAD[@]}" http --port "$port" --conns "$conns" --pipeline "$pipeline" --duration "$WARMUP" > /dev/null || true
            t0=$(tree_cpu_ticks "$SRV_PID"); w0=$(now)
            WRK_REPORT=$WORK/$name-$kind-$round.json "${wrk[@]}" -d"${DURATION}s" "http://127.0.0.1:$port/" \
                > "$WORK/$name-$kind-$round.txt" 2>&1 || log "wrk failed: $(head -3 "$WORK/$name-$kind-$round.txt")"
            w1=$(now); t1=$(tree_cpu_ticks "$SRV_PID")
            lat=""
            if ((pipeline > 1)); then
                # wrk's latency percentiles are wrong with pipelining (its coordinated-omission
                # correction assumes one request per round trip): measure them separately.
                lat=$WORK/$name-$kind-$round.lat.json
                timeout 60 "${LOAD[@]}" http --port "$port" --conns "$conns" --pipeline "$pipeline" --duration "$LAT_PASS" > "$lat" || true
            fi
            php -n "$BENCH/lib/record.php" "$RESULTS" scenario="$name" server="$kind" round="$round" \
                client="$WORK/$name-$kind-$round.json" client_kind=wrk ticks=$((t1 - t0)) clk_tck="$CLK_TCK" \
                wall_s="$(elapsed "$w0" "$w1")" conns="$conns" resp_size="$size" latency="$lat"
            stop_server "$kind" "$port"
            log "$name $kind round $round: $(tail -1 "$RESULTS" | cut -c1-160)"
        done
    done
}

# Scenario 4: WebSocket echo, 64 connections, 13-byte text messages, with load_client.
ws_echo_scenario() {
    local round kind port t0 t1 w0 w1 f
    for round in $(seq "$ROUNDS"); do
        for kind in rm-io_uring rm-epoll; do
            port=$(free_port)
            start_server "$kind" "$port" ws_echo
            timeout 30 "${LOAD[@]}" ws-echo --port "$port" --conns 64 --duration "$WARMUP" > /dev/null || true
            f=$WORK/ws-echo-$kind-$round.json
            t0=$(tree_cpu_ticks "$SRV_PID"); w0=$(now)
            timeout 60 "${LOAD[@]}" ws-echo --port "$port" --conns 64 --duration "$DURATION" > "$f" || true
            w1=$(now); t1=$(tree_cpu_ticks "$SRV_PID")
            php -n "$BENCH/lib/record.php" "$RESULTS" scenario=ws-echo-64 server="$kind" round="$round" \
                client="$f" client_kind=load ticks=$((t1 - t0)) clk_tck="$CLK_TCK" wall_s="$(elapsed "$w0" "$w1")"
            stop_server "$kind" "$port" ws_echo
            log "ws-echo-64 $kind round $round: $(tail -1 "$RESULTS" | cut -c1-160)"
        done
    done
}

# Scenario 5: IDLE_CONNS idle WebSocket connections; RSS of the whole server tree before/after.
ws_idle_scenario() {
    local kind port rss0 rss1 client ready open worker_conns
    for kind in rm-io_uring rm-epoll; do
        port=$(free_port)
        start_server "$kind" "$port" ws_echo
        sleep 0.3
        rss0=$(tree_rss_kib "$SRV_PID")
        ready=$WORK/ws-idle-$kind.ready
        "${LOAD[@]}" ws-idle --port "$port" --conns "$IDLE_CONNS" --ready-file "$ready" --hold 120 \
            > "$WORK/ws-idle-$kind.json" &
        client=$!
        remember_pid "$client"
        for _ in $(seq 600); do [ -f "$ready" ] && break; sleep 0.1; done
        sleep 0.5  # let the worker finish the last handshakes' bookkeeping
        rss1=$(tree_rss_kib "$SRV_PID")
        worker_conns=$(RUN_DIR=$SRV_DIR PORT=$port ringmaster_ctl 20 "${kind#rm-}" ws_echo status --json |
            php -n -r '$s = json_decode(stream_get_contents(STDIN), true); $n = 0;
                       foreach ($s["processes"] ?? [] as $p) $n += $p["connections"] ?? 0; echo $n;')
        kill -TERM "$client" 2> /dev/null || true
        timeout 60 tail --pid="$client" -f /dev/null || kill -KILL "$client"
        wait "$client" 2> /dev/null || true
        open=$(php -n -r 'echo json_decode(file_get_contents($argv[1]), true)["open"] ?? 0;' "$ready" 2> /dev/null || echo 0)
        echo "{\"scenario\":\"ws-idle\",\"server\":\"$kind\",\"conns\":$IDLE_CONNS,\"open\":$open,\"server_saw\":$worker_conns,\"rss_before_kib\":$rss0,\"rss_after_kib\":$rss1,\"client\":$(cat "$WORK/ws-idle-$kind.json" || echo null)}" >> "$RESULTS"
        stop_server "$kind" "$port" ws_echo
        log "ws-idle $kind: RSS $rss0 -> $rss1 KiB with $open connections"
    done
}

# Scenario 6: reload under load: 4 workers, 64 keep-alive connections; a steady run first,
# then a run with a reload at each RELOAD_AT second, every response checked by load_client.
reload_scenario() {
    local kind=rm-io_uring port dir=$WORK/reload t0 t1 w0 w1 client at start end rc i=0
    mkdir -p "$dir"
    port=$(free_port)
    start_server "$kind" "$port" hello 4
    timeout 30 "${LOAD[@]}" http --port "$port" --conns 64 --duration "$WARMUP" > /dev/null || true
    timeout 60 "${LOAD[@]}" http --port "$port" --conns 64 --duration "$STEADY_S" > "$dir/steady.json" || true
    : > "$dir/reloads.txt"
    t0=$(tree_cpu_ticks "$SRV_PID"); w0=$(now)
    timeout 120 "${LOAD[@]}" http --port "$port" --conns 64 --duration "$RELOAD_RUN_S" --timeline "$dir/timeline.txt" \
        > "$dir/run.json" &
    client=$!
    remember_pid "$client"
    for at in $RELOAD_AT; do
        sleep "$(awk -v w0="$w0" -v at="$at" -v t="$(now)" 'BEGIN { d = w0 + at - t; printf "%.3f", (d > 0 ? d : 0) }')"
        i=$((i + 1))
        start=$(now)
        rc=0
        RUN_DIR=$SRV_DIR PORT=$port ringmaster_ctl 60 io_uring hello reload > "$dir/reload-$i.txt" 2>&1 || rc=$?
        end=$(now)
        echo "$i $start $end $rc" >> "$dir/reloads.txt"
    done
    wait "$client" || true
    w1=$(now); t1=$(tree_cpu_ticks "$SRV_PID")
    cp "$SRV_DIR/hello.log" "$dir/server.log"
    php -n "$BENCH/lib/record.php" "$RESULTS" scenario=reload server="$kind" client="$dir/run.json" client_kind=load \
        ticks=$((t1 - t0)) clk_tck="$CLK_TCK" wall_s="$(elapsed "$w0" "$w1")" workers=4
    stop_server "$kind" "$port"
    log "reload: $(tail -1 "$RESULTS" | cut -c1-200)"
}

# Scenario 7: instructions per request under callgrind, worker process only, for a fixed
# sequence of CG_REQUESTS keep-alive requests on one connection.
callgrind_scenario() {
    local backend port dir pid worker
    for backend in epoll io_uring; do
        dir=$WORK/callgrind-$backend
        mkdir -p "$dir"
        port=$(free_port)
        SRV_DIR=$dir
        RUN_DIR=$dir PORT=$port WORKERS=1 taskset -c $SERVER_CPU valgrind -q --tool=callgrind --trace-children=yes \
            --callgrind-out-file="$dir/callgrind.out.%p" \
            php -n -d extension="$RINGMASTER_SO" -d ringmaster.event_loop=$backend "$BENCH/servers/hello.php" start \
            > "$dir/out.txt" 2>&1 &
        SRV_PID=$!
        remember_pid "$SRV_PID"
        wait_port "$port" 120 || { cat "$dir/out.txt" >&2; kill_tree "$SRV_PID"; continue; }
        timeout 120 "${LOAD[@]}" http --port "$port" --conns 1 --requests "$CG_REQUESTS" --duration 100 > "$dir/client.json" || true
        worker=$(RUN_DIR=$dir PORT=$port ringmaster_ctl 30 $backend hello status --json |
            php -n -r '$s = json_decode(stream_get_contents(STDIN), true);
                       foreach ($s["processes"] ?? [] as $p) if ($p["role"] === "worker") echo $p["pid"];')
        RUN_DIR=$dir PORT=$port ringmaster_ctl 60 $backend hello stop > /dev/null 2>&1 || true
        timeout 60 tail --pid="$SRV_PID" -f /dev/null || true
        kill_tree "$SRV_PID"
        if [ -f "$dir/callgrind.out.$worker" ]; then
            callgrind_annotate --inclusive=yes "$dir/callgrind.out.$worker" > "$dir/inclusive.txt" 2> /dev/null || true
            callgrind_annotate "$dir/callgrind.out.$worker" > "$dir/self.txt" 2> /dev/null || true
        fi
        php -n "$BENCH/lib/callgrind_summary.php" "$dir" "$worker" "$backend" "$CG_REQUESTS" >> "$RESULTS"
        mkdir -p "$OUT/callgrind"
        head -60 "$dir/self.txt" > "$OUT/callgrind/worker-$backend-self.txt" 2> /dev/null || true
        log "callgrind $backend: $(tail -1 "$RESULTS" | cut -c1-200)"
    done
}

log "results in $OUT (work dir $WORK)"
wanted hello-64 && http_scenario hello-64 64 1
wanted pipeline-16 && http_scenario pipeline-16 64 16
wanted conn-1000 && http_scenario conn-1000 1000 1
wanted ws-echo && ws_echo_scenario
wanted ws-idle && ws_idle_scenario
wanted reload && reload_scenario
wanted callgrind && callgrind_scenario

php -n "$BENCH/lib/report.php" "$WORK" "$OUT" "$([ $SMOKE = 1 ] && echo smoke || echo full)"
if [ -f "$WORK/reload.gp" ]; then
    gnuplot "$WORK/reload.gp" && log "wrote $OUT/reload.png"
fi
cat "$OUT/latest.md"
# A full run (no --only) must have figures from every scenario, the smoke run included.
if [ -z "$ONLY" ]; then
    php -n "$BENCH/lib/check_reported.php" "$OUT/latest.json"
fi
