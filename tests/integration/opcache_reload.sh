#!/usr/bin/env bash
# With OPcache on in the CLI (zend_extension=opcache.so, opcache.enable_cli=1), a reload
# serves the edited handler at once, even when the edit cannot be seen from the file's
# metadata: every version has the same size and the same (old) mtime, as an edit within the
# same second would. Run with opcache.validate_timestamps=1 (the default) and =0. The
# handler reports whether OPcache cached it, so the scenario fails rather than prove nothing
# if OPcache is not really in play.
source "$(dirname "$0")/lib.sh"
it_setup

ext_dir=$("$PHP" -n -r 'echo ini_get("extension_dir");')
[ -f "$ext_dir/opcache.so" ] || fail "no opcache.so in $ext_dir"

# Same length for every version (one digit), the same fixed mtime for every write.
write_cached_handler() {
    cat >"$WORK/handler.php.tmp" <<PHP
<?php
const HANDLER_VERSION = $1;
function handler_body(): string
{
    \$cached = function_exists('opcache_is_script_cached') && opcache_is_script_cached(__FILE__) ? 1 : 0;
    return 'v=' . HANDLER_VERSION . " cached=\$cached";
}
PHP
    touch -d '2020-01-01 00:00:00' "$WORK/handler.php.tmp"
    mv "$WORK/handler.php.tmp" "$WORK/handler.php"
}

{
    it_start_script_head
    cat <<PHP
\$w = new Worker('http://127.0.0.1:$PORT');
\$w->name = 'web';
\$w->count = 2;
\$w->onWorkerStart = function () { require __DIR__ . '/handler.php'; };
\$w->onMessage = fn(TcpConnection \$c, Request \$r) => \$c->send(handler_body());
Worker::runAll();
PHP
} >"$WORK/start.php"

get() { curl -s --max-time 5 "http://127.0.0.1:$PORT/"; }

for validate in 1 0; do
    PHP_INI_EXTRA=(-d "zend_extension=$ext_dir/opcache.so" -d opcache.enable_cli=1
        -d "opcache.validate_timestamps=$validate" -d opcache.file_cache= -d opcache.file_update_protection=2)
    write_cached_handler 1
    srv_start
    # Each worker answers at least once, so OPcache has compiled and cached version 1.
    for _ in 1 2 3 4 5 6; do b=$(get); done
    [ "$b" = "v=1 cached=1" ] || fail "validate_timestamps=$validate: expected 'v=1 cached=1' before any reload, got '$b' (is OPcache caching?)"
    for v in 2 3; do
        write_cached_handler "$v"
        cli reload
        [ "$CLI_RC" -eq 0 ] || fail "validate_timestamps=$validate: reload to v$v exited $CLI_RC: $CLI_ERR"
        # At once: the very first request after the reload returned, and every one after.
        for i in 1 2 3 4 5 6; do
            b=$(get)
            [ "${b%% *}" = "v=$v" ] || fail "validate_timestamps=$validate: request $i after the reload to v$v answered '$b'"
        done
        it_log "validate_timestamps=$validate: reload to v$v served at once ('$b')"
    done
    cli stop
    [ "$CLI_RC" -eq 0 ] || fail "stop exited $CLI_RC"
    _stopped() { ! master_alive && ! port_open; }
    wait_for 10 "the server to stop" _stopped
done
it_pass
