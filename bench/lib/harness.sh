# Helpers for bench/run.sh: ports, the servers under test, and what /proc says about them.
# Sourced, not run. Every process started here is recorded in $WORK/pids and ended by
# cleanup (run.sh traps EXIT), by pid, never by name.

SERVER_CPU=0   # the server under test (and every process it forks) runs here
CLIENT_CPU=1   # the load generator runs here
CLK_TCK=$(getconf CLK_TCK)

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", b - a }'; }

free_port() {
    php -n -r '$s = stream_socket_server("tcp://127.0.0.1:0"); echo substr(strrchr(stream_socket_get_name($s, false), ":"), 1);'
}

# Waits until something accepts on the port (bash's /dev/tcp, no client tool needed).
wait_port() {
    local port=$1 deadline=$(( $(date +%s) + ${2:-10} ))
    until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        (( $(date +%s) < deadline )) || { log "nothing listens on port $port"; return 1; }
        sleep 0.05
    done
}

# The pid and all its descendants, from one `ps` snapshot.
tree_pids() {
    ps -e -o pid=,ppid= | awk -v root="$1" '
        { parent[$1] = $2; pids[NR] = $1 }
        END {
            keep[root] = 1; print root
            do { grew = 0
                 for (i in pids) { p = pids[i]
                     if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; print p; grew = 1 } }
            } while (grew)
        }'
}

# CPU of a process tree in clock ticks: utime+stime of every live process, plus
# cutime+cstime (children already reaped: workers replaced by a reload still count).
# The comm field may contain spaces, so fields are counted after its closing ')'.
tree_cpu_ticks() {
    local total=0 p v
    for p in $(tree_pids "$1"); do
        v=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{ print $12 + $13 + $14 + $15 }') || continue
        total=$(( total + ${v:-0} ))
    done
    echo "$total"
}

tree_rss_kib() {
    local total=0 p v
    for p in $(tree_pids "$1"); do
        v=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null) || continue
        total=$(( total + ${v:-0} ))
    done
    echo "$total"
}

# Ends a process tree we started: TERM, a bounded wait, then KILL for whatever is left.
kill_tree() {
    local root=$1 pids p i
    pids=$(tree_pids "$root")
    kill -TERM $pids 2>/dev/null || true
    for i in $(seq 50); do
        alive=0
        for p in $pids; do
            [ -e "/proc/$p" ] && [ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" != Z ] && alive=1
        done
        (( alive )) || break
        sleep 0.1
    done
    kill -KILL $pids 2>/dev/null || true
    wait "$root" 2>/dev/null || true
}

remember_pid() { echo "$1" >> "$WORK/pids"; }

cleanup() {
    local p
    [ -f "$WORK/pids" ] || return 0
    for p in $(tac "$WORK/pids"); do
        [ -e "/proc/$p" ] && kill_tree "$p"
    done
    rm -f "$WORK/pids"
}

# ringmaster_ctl SECONDS BACKEND SCRIPT VERB...: a bounded `php server.php stop|reload|status`
# (env: RUN_DIR PORT, as the server was started with).
ringmaster_ctl() {
    local seconds=$1 backend=$2 script=$3
    shift 3
    timeout "$seconds" php -n -d extension="$RINGMASTER_SO" -d ringmaster.event_loop="$backend" \
        "$BENCH/servers/$script.php" "$@"
}

write_nginx_conf() {  # write_nginx_conf DIR PORT
    local dir=$1 port=$2
    mkdir -p "$dir/tmp"
    {
        echo "worker_processes 1;"
        echo "daemon off;"
        [ "$(id -u)" -eq 0 ] && echo "user root;"   # run as whoever runs the bench
        echo "pid $dir/nginx.pid;"
        echo "error_log $dir/error.log warn;"
        echo "events { worker_connections 4096; }"
        echo "http {"
        echo "    access_log off;"
        echo "    keepalive_requests 1000000000;   # like the others: never close a busy keep-alive connection"
        echo "    client_body_temp_path $dir/tmp/body;"
        echo "    proxy_temp_path $dir/tmp/proxy;"
        echo "    fastcgi_temp_path $dir/tmp/fastcgi;"
        echo "    uwsgi_temp_path $dir/tmp/uwsgi;"
        echo "    scgi_temp_path $dir/tmp/scgi;"
        echo "    default_type text/plain;"
        echo "    server {"
        echo "        listen 127.0.0.1:$port;"
        echo "        location / { return 200 \"Hello, World!\"; }"
        echo "    }"
        echo "}"
    } > "$dir/nginx.conf"
}

# start_server KIND PORT [SCRIPT] [WORKERS]: KIND is floor, nginx, rm-io_uring or rm-epoll.
# Sets SRV_PID (the root of the server's process tree) and SRV_DIR.
start_server() {
    local kind=$1 port=$2 script=${3:-hello} workers=${4:-1}
    SRV_DIR="$WORK/srv-$kind-$port"
    mkdir -p "$SRV_DIR"
    case $kind in
        floor)
            taskset -c $SERVER_CPU "$WORK/floor_server" "$port" > "$SRV_DIR/out.txt" 2>&1 &
            ;;
        nginx)
            write_nginx_conf "$SRV_DIR" "$port"
            taskset -c $SERVER_CPU nginx -p "$SRV_DIR" -c "$SRV_DIR/nginx.conf" -e "$SRV_DIR/error.log" \
                > "$SRV_DIR/out.txt" 2>&1 &
            ;;
        rm-*)
            RUN_DIR=$SRV_DIR PORT=$port WORKERS=$workers taskset -c $SERVER_CPU \
                php -n -d extension="$RINGMASTER_SO" -d ringmaster.event_loop="${kind#rm-}" \
                "$BENCH/servers/$script.php" start > "$SRV_DIR/out.txt" 2>&1 &
            ;;
    esac
    SRV_PID=$!
    remember_pid "$SRV_PID"
    if ! wait_port "$port" 20; then
        cat "$SRV_DIR/out.txt" >&2
        return 1
    fi
}

# stop_server KIND PORT [SCRIPT]: Ringmaster is stopped the way users stop it, the others
# (and Ringmaster if that fails) with signals.
stop_server() {
    local kind=$1 port=$2 script=${3:-hello}
    if [[ $kind == rm-* ]]; then
        RUN_DIR=$SRV_DIR PORT=$port ringmaster_ctl 20 "${kind#rm-}" "$script" stop > /dev/null 2>&1 || true
    fi
    kill_tree "$SRV_PID"
}

# check_response PORT: prints the size in bytes of one whole response (what wrk counts per
# request) after checking status and body; fails loudly otherwise.
check_response() {
    local port=$1 out
    out=$(curl -s -m 5 -o "$WORK/probe.body" -w '%{http_code} %{size_header} %{size_download}' "http://127.0.0.1:$port/")
    read -r code hsize bsize <<< "$out"
    if [ "$code" != 200 ] || [ "$(cat "$WORK/probe.body")" != "Hello, World!" ]; then
        log "port $port answered $code with body '$(head -c 100 "$WORK/probe.body")'"
        echo 0
        return
    fi
    echo $(( hsize + bsize ))
}
