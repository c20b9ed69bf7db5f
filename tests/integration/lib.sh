# shellcheck shell=bash
# Shared helpers of the whole-server scenarios (sourced, not run).
#
# A scenario calls it_setup, writes $WORK/start.php (it_start_script helps), starts the server
# with srv_start, drives it with cli / signals / load clients, checks with it_assert and fail,
# and ends with it_pass. Every process it starts is ended by the EXIT trap; every wait has a
# deadline. Environment: RINGMASTER_SO (default: modules/ringmaster.so of this checkout),
# RINGMASTER_EVENT_LOOP (io_uring|epoll, default io_uring), PHP (default php),
# IT_KEEP=1 keeps the work directory of a failed run.

set -uo pipefail

IT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
IT_ROOT=$(cd "$IT_DIR/../.." && pwd)
RINGMASTER_SO=${RINGMASTER_SO:-$IT_ROOT/modules/ringmaster.so}
BACKEND=${RINGMASTER_EVENT_LOOP:-io_uring}
PHP=${PHP:-php}
SCENARIO=$(basename "$0" .sh)
IT_TIME_LIMIT=${IT_TIME_LIMIT:-55}
# Extra -d options for the server's PHP (opcache scenarios add theirs).
PHP_INI_EXTRA=()
declare -A LOAD_PIDS=()
WORK=""
PORT=0
IT_WATCHDOG=0

it_log() { printf '[%s %s] %s\n' "$SCENARIO" "$BACKEND" "$*"; }

# fail MESSAGE...: says why, shows the end of the server log, exits non-zero (trap cleans up).
fail() {
    printf '[%s %s] FAIL: %s\n' "$SCENARIO" "$BACKEND" "$*" >&2
    if [ "$BASHPID" != "$$" ]; then
        # Inside $(...): make the scenario itself fail too, not just this subshell.
        kill -USR1 $$ 2>/dev/null
        exit 1
    fi
    if [ -n "$WORK" ] && [ -f "$WORK/server.log" ]; then
        echo "--- last lines of the server log ($WORK/server.log):" >&2
        tail -n 30 "$WORK/server.log" >&2
    fi
    exit 1
}

it_assert() {  # it_assert "what should hold" COMMAND...
    local what=$1
    shift
    "$@" || fail "$what"
}

# Seconds since the epoch with microseconds, the clock the load client stamps answers with.
now() { date +%s.%6N; }

it_setup() {
    [ -f "$RINGMASTER_SO" ] || { echo "RINGMASTER_SO=$RINGMASTER_SO: no such file" >&2; exit 2; }
    case "$BACKEND" in io_uring | epoll) ;; *) echo "RINGMASTER_EVENT_LOOP must be io_uring or epoll" >&2; exit 2 ;; esac
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/ringmaster-it-$SCENARIO.XXXXXX") || exit 2
    PORT=$(free_port) || exit 2
    trap it_cleanup EXIT
    trap 'fail "interrupted"' INT
    trap 'fail "a helper failed (see above)"' USR1
    trap 'fail "time limit of ${IT_TIME_LIMIT}s exceeded"' TERM
    # The time bound of the whole scenario (not a synchronisation: it only ends a hung run).
    (
        sleep "$IT_TIME_LIMIT" &
        s=$!
        trap 'kill $s 2>/dev/null; exit 0' TERM
        wait $s && kill -TERM $$ 2>/dev/null
    ) >/dev/null 2>&1 &
    IT_WATCHDOG=$!
    it_log "work dir $WORK, port $PORT, $(basename "$RINGMASTER_SO")"
}

free_port() {
    "$PHP" -n -r '$s = stream_socket_server("tcp://127.0.0.1:0", $e, $m) or exit(1);
        $n = stream_socket_get_name($s, false); echo substr($n, strrpos($n, ":") + 1), "\n";'
}

# Every live process whose command line mentions this scenario's work directory (the server's
# processes carry the start script's path in their title): this run's, and nobody else's.
work_pids() {
    local d pid cmd
    [ -n "$WORK" ] || return 0
    for d in /proc/[0-9]*; do
        pid=${d#/proc/}
        [ "$pid" = "$$" ] && continue
        cmd=$(tr '\0' ' ' 2>/dev/null <"$d/cmdline") || continue
        case "$cmd" in *"$WORK/"*) echo "$pid" ;; esac
    done
}

it_cleanup() {
    local rc=$? name pid
    trap - EXIT TERM INT USR1
    [ "$IT_WATCHDOG" -gt 0 ] && kill "$IT_WATCHDOG" 2>/dev/null
    for name in "${!LOAD_PIDS[@]}"; do
        pid=${LOAD_PIDS[$name]}
        kill "$pid" 2>/dev/null
    done
    if [ -n "$WORK" ] && [ -f "$WORK/start.php" ] && master_alive; then
        timeout 20 "${PHP_SRV[@]}" "$WORK/start.php" stop >/dev/null 2>&1
    fi
    # Whatever is left (a hung stop, a failed test): end it by pid.
    local left
    left=$(work_pids)
    if [ -n "$left" ]; then
        [ "$rc" -eq 0 ] && echo "[$SCENARIO $BACKEND] leftover processes after the scenario: $left" >&2
        # shellcheck disable=SC2086
        kill -9 $left 2>/dev/null
        [ "$rc" -eq 0 ] && rc=1
    fi
    if [ -n "$WORK" ]; then
        if [ "$rc" -ne 0 ] && [ "${IT_KEEP:-0}" = 1 ]; then
            echo "kept $WORK" >&2
        else
            rm -rf "$WORK"
        fi
    fi
    exit "$rc"
}

# The server's PHP command (the same binary, extension and backend for every process).
php_srv_init() {
    PHP_SRV=("$PHP" -n -d "extension=$RINGMASTER_SO" -d "ringmaster.event_loop=$BACKEND" "${PHP_INI_EXTRA[@]}")
}
PHP_SRV=()

# The common head of a start script: pid/log/stdout files in $WORK.
it_start_script_head() {
    cat <<PHP
<?php
use Ringmaster\\Worker;
use Ringmaster\\TcpConnection;
use Ringmaster\\Http\\Request;
use Ringmaster\\Http\\Response;
Worker::\$pidFile = '$WORK/server.pid';
Worker::\$logFile = '$WORK/server.log';
Worker::\$stdoutFile = '$WORK/stdout.log';
PHP
}

# write_handler VERSION [EXTRA_PHP]: the reloadable code, loaded in onWorkerStart. Its answer
# names its version and pid and echoes the query string, so the load client can check it.
write_handler() {
    local version=$1 extra=${2:-}
    cat >"$WORK/handler.php.tmp" <<PHP
<?php
$extra
const HANDLER_VERSION = $version;
final class Handler
{
    public function handle(\Ringmaster\Http\Request \$r): \Ringmaster\Http\Response
    {
        return new \Ringmaster\Http\Response(200, ['Content-Type' => 'text/plain'],
            'v=' . HANDLER_VERSION . ' pid=' . getmypid() . ' q=' . \$r->queryString());
    }
}
PHP
    # Renamed into place: a worker starting right now sees the old file or the new, never half.
    mv "$WORK/handler.php.tmp" "$WORK/handler.php"
}

# cli ARGS...: runs `php start.php ARGS` (bounded); sets CLI_RC, CLI_OUT, CLI_ERR.
CLI_RC=0
CLI_OUT=""
CLI_ERR=""
cli() {
    timeout 40 "${PHP_SRV[@]}" "$WORK/start.php" "$@" >"$WORK/cli.out" 2>"$WORK/cli.err"
    CLI_RC=$?
    CLI_OUT=$(cat "$WORK/cli.out")
    CLI_ERR=$(cat "$WORK/cli.err")
    [ "$CLI_RC" -eq 124 ] && fail "'$*' did not finish within 40 s"
    return 0
}

master_pid() { cat "$WORK/server.pid" 2>/dev/null || echo 0; }
master_alive() {
    local p
    p=$(master_pid)
    [ "$p" -gt 0 ] 2>/dev/null && pid_alive "$p"
}
# A zombie is not alive: whoever reaps orphans here (pid 1) may take its time.
pid_alive() {
    local stat
    kill -0 "$1" 2>/dev/null || return 1
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    case "${stat:0:1}" in Z | X) return 1 ;; esac
}

# wait_for SECONDS "what" COMMAND...: polls COMMAND until it succeeds or the deadline passes.
wait_for() {
    local secs=$1 what=$2
    shift 2
    local end
    end=$(($(date +%s%N) / 1000000 + secs * 1000))
    while ! "$@"; do
        (($(date +%s%N) / 1000000 >= end)) && fail "timed out after ${secs}s waiting for $what"
        sleep 0.02
    done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

srv_start() {
    php_srv_init
    cli start -d
    [ "$CLI_RC" -eq 0 ] || fail "start -d exited $CLI_RC: $CLI_OUT $CLI_ERR"
    wait_for 10 "port $PORT to accept" port_open
}

# status_json: the final JSON of `status --json` into $WORK/status.json.
status_json() {
    cli status --json
    [ "$CLI_RC" -eq 0 ] || fail "status --json exited $CLI_RC: $CLI_ERR"
    printf '%s\n' "$CLI_OUT" | tail -n 1 >"$WORK/status.json"
}

# worker_pids [GROUP]: sorted pids of the serving workers (of GROUP), space-separated.
worker_pids() {
    status_json
    "$PHP" -n -r '$j = json_decode(file_get_contents($argv[1]), true); $p = [];
        foreach ($j["processes"] as $r) if ($r["role"] === "worker" && ($argv[2] === "" || $r["group"] === $argv[2])
            && $r["state"] === "serving") $p[] = $r["pid"];
        sort($p); echo implode(" ", $p), "\n";' "$WORK/status.json" "${1:-}"
}
role_pid() {  # role_pid master|manager
    status_json
    "$PHP" -n -r '$j = json_decode(file_get_contents($argv[1]), true);
        foreach ($j["processes"] as $r) if ($r["role"] === $argv[2]) { echo $r["pid"], "\n"; exit; }' \
        "$WORK/status.json" "$1"
}

# count_log REGEX: how many lines of the server log match.
count_log() { grep -cE -- "$1" "$WORK/server.log" 2>/dev/null || true; }

# ---- load clients -------------------------------------------------------------------------

# load_start NAME CONNS [MAX_SECONDS]
load_start() {
    local name=$1 conns=$2 max=${3:-40}
    rm -f "$WORK/$name.stop" "$WORK/$name.json" "$WORK/$name.progress"
    "$PHP" -n "$IT_DIR/http_load_client.php" --port="$PORT" --conns="$conns" --max="$max" \
        --stop="$WORK/$name.stop" --out="$WORK/$name.json" --progress="$WORK/$name.progress" \
        >"$WORK/$name.stdout" 2>&1 &
    LOAD_PIDS[$name]=$!
}

load_ok() {  # load_ok NAME: correct answers so far
    local ok err
    read -r ok err 2>/dev/null <"$WORK/$1.progress" || { echo 0; return; }
    echo "${ok:-0}"
}
load_errors() {
    local ok err
    read -r ok err 2>/dev/null <"$WORK/$1.progress" || { echo 0; return; }
    echo "${err:-0}"
}

# wait_requests NAME N [SECONDS]: until N more correct answers than now.
wait_requests() {
    local name=$1 n=$2 secs=${3:-20}
    local target=$(($(load_ok "$name") + n))
    _reached() {
        pid_alive "${LOAD_PIDS[$1]}" || fail "load client $1 is not running: $(cat "$WORK/$1.stdout")"
        [ "$(load_ok "$1")" -ge "$2" ]
    }
    wait_for "$secs" "$n more answers on load $name" _reached "$name" "$target"
}

# load_stop NAME: stops the client and waits for its summary in $WORK/NAME.json.
load_stop() {
    local name=$1 pid=${LOAD_PIDS[$1]}
    touch "$WORK/$name.stop"
    _gone() { ! pid_alive "$1"; }
    wait_for 20 "load client $name to finish" _gone "$pid"
    wait "$pid" 2>/dev/null
    unset "LOAD_PIDS[$name]"
    [ -s "$WORK/$name.json" ] || fail "load client $name wrote no summary: $(cat "$WORK/$name.stdout")"
}

load_check() {  # load_check CHECK NAME [ARGS...]
    local check=$1 name=$2
    shift 2
    "$PHP" -n "$IT_DIR/load_checks.php" "$check" "$WORK/$name.json" "$@"
}

# load_versions NAME: the code versions that answered, comma-separated ("1,2").
load_versions() {
    load_check get "$1" versions | "$PHP" -n -r '$v = array_keys(json_decode(stream_get_contents(STDIN), true));
        sort($v); echo implode(",", $v), "\n";'
}

# load_kept_connections NAME CONNS: no connection was ever closed or replaced (idle keep-alive
# connections are handed to the replacement, not closed, when a worker retires).
load_kept_connections() {
    local connects closed
    connects=$(load_check get "$1" connects)
    closed=$(load_check get "$1" closed_by_server)
    [ "$connects" -eq "$2" ] && [ "$closed" -eq 0 ] ||
        fail "load $1: $connects TCP connects for $2 connections, $closed closed by the server: keep-alive connections were not kept"
}

it_pass() {
    it_log "PASS ($((SECONDS))s)"
    exit 0
}
