--TEST--
tcp:// delivers bytes as they arrive (no framing) and send() writes them unframed, binary-safe
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$w = new Worker("tcp://127.0.0.1:$PORT");
$w->onConnect = fn($c) => $c->send("proto={$c->protocol}\n");
$w->onMessage = function ($c, $d) use ($DIR) {
    file_put_contents("$DIR/received", $d, FILE_APPEND);
    $c->send($d);     // echo as is
};
Worker::runAll();
PHP);
$srv->start();
$c = $srv->connect();
echo rm_read_line($c), "\n";
$payload = "no\nframing\x00\xff" . str_repeat('b', 200000);
fwrite($c, $payload);
$back = '';
rm_wait(function () use ($c, &$back, $payload) {
    $back .= fread($c, 65536);
    return strlen($back) >= strlen($payload);
}, 10, 'echo of the payload');
echo $back === $payload ? "echoed intact\n" : "echo differs\n";
rm_wait(function () use ($srv, $payload) {
    clearstatcache();
    return @filesize("$srv->dir/received") === strlen($payload);
}, 10, 'all bytes received');
echo file_get_contents("$srv->dir/received") === $payload ? "received intact\n" : "received differs\n";
?>
--EXPECT--
proto=tcp
echoed intact
received intact
