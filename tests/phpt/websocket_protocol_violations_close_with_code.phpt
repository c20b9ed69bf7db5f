--TEST--
websocket:// raw clients breaking RFC 6455: an unmasked frame -> close 1002, invalid UTF-8 text -> 1007 (also split across fragments), a message over maxPackageSize -> 1009 (one frame or fragments), a bad handshake -> 400; each connection then closed, onError(3) called, another client of the same worker unaffected
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_http.inc';
$srv = new RmServer(<<<'PHP'
TcpConnection::$defaultMaxPackageSize = 4096;
$w = new Worker("websocket://127.0.0.1:$PORT");
$w->count = 1;
$w->onMessage = fn(TcpConnection $c, string $d) => $c->send(getmypid() . ':' . $d);
$w->onError = function ($c, $code, $msg) use ($DIR) {
    file_put_contents("$DIR/errors", "$code\n", FILE_APPEND);
};
Worker::runAll();
PHP);
$srv->start();

$good = rm_ws_open($srv->port);
fwrite($good, rm_ws_frame(1, 'hi'));
[$pid] = explode(':', rm_ws_read($good)['payload']);

function violation(RmServer $srv, string $name, array $frames): void
{
    global $good, $pid;
    $c = rm_ws_open($srv->port);
    foreach ($frames as $f) fwrite($c, $f);
    $code = rm_ws_read_close($c);
    printf("%-36s close %d, then %s\n", $name, $code, rm_expect_eof($c) ? 'EOF' : 'MORE BYTES');
    fwrite($good, rm_ws_frame(1, 'still?'));
    $f = rm_ws_read($good);
    if ($f['payload'] !== "$pid:still?") echo "good client got ", json_encode($f), "\n";
}

violation($srv, 'unmasked text frame', [rm_ws_frame(1, 'hello', true, false)]);
violation($srv, 'invalid UTF-8 text', [rm_ws_frame(1, "ab\xC3\x28cd")]);
violation($srv, 'UTF-8 broken across fragments', [rm_ws_frame(1, "ok \xE2\x82", false), rm_ws_frame(0, "\x28 end")]);
violation($srv, 'one frame over maxPackageSize', [rm_ws_frame(2, str_repeat('b', 5000))]);
violation($srv, 'fragments over maxPackageSize', [rm_ws_frame(1, str_repeat('a', 3000), false), rm_ws_frame(0, str_repeat('a', 3000))]);
violation($srv, 'continuation without a start', [rm_ws_frame(0, 'orphan')]);
violation($srv, 'reserved opcode', [rm_ws_frame(3, 'x')]);
violation($srv, 'fragmented ping', [rm_ws_frame(9, 'p', false)]);

// Valid edge cases on the same good connection: UTF-8 across fragments, a ping between
// fragments of a message, an empty message.
fwrite($good, rm_ws_frame(1, "caf\xC3", false) . rm_ws_frame(9, 'between') . rm_ws_frame(0, "\xA9!"));
$pong = rm_ws_read($good);
echo "ping between fragments: opcode ", $pong['opcode'], ' ', $pong['payload'], ', server frames masked: ', var_export($pong['masked'], true), "\n";
echo "reassembled: ", rm_ws_read($good)['payload'] === "$pid:café!" ? 'café!' : 'WRONG', "\n";
fwrite($good, rm_ws_frame(1, ''));
echo "empty message echoed: ", rm_ws_read($good)['payload'] === "$pid:" ? 'yes' : 'no', "\n";

// A handshake without Sec-WebSocket-Key is answered in HTTP and closed.
$c = $srv->connect();
fwrite($c, "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n");
$r = rm_http_read($c);
echo "handshake without key: ", $r['status'], ', ', rm_expect_eof($c) ? 'closed' : 'NOT CLOSED', "\n";
// Plain HTTP to a websocket:// port: refused the same way.
$c = $srv->connect();
fwrite($c, rm_http_get('/'));
echo "plain GET: ", rm_http_read($c)['status'], ', ', rm_expect_eof($c) ? 'closed' : 'NOT CLOSED', "\n";

rm_wait(fn() => substr_count((string)@file_get_contents("$srv->dir/errors"), "\n") >= 10, 5, 'onError calls');
echo "onError codes: ", implode(',', array_unique(file("$srv->dir/errors", FILE_IGNORE_NEW_LINES))), " x",
    count(file("$srv->dir/errors")), "\n";
fwrite($good, rm_ws_frame(1, 'end'));
echo "same worker at the end: ", rm_ws_read($good)['payload'] === "$pid:end" ? 'yes' : 'no', "\n";
?>
--EXPECT--
unmasked text frame                  close 1002, then EOF
invalid UTF-8 text                   close 1007, then EOF
UTF-8 broken across fragments        close 1007, then EOF
one frame over maxPackageSize        close 1009, then EOF
fragments over maxPackageSize        close 1009, then EOF
continuation without a start         close 1002, then EOF
reserved opcode                      close 1002, then EOF
fragmented ping                      close 1002, then EOF
ping between fragments: opcode 10 between, server frames masked: false
reassembled: café!
empty message echoed: yes
handshake without key: 400, closed
plain GET: 400, closed
onError codes: 3 x10
same worker at the end: yes
