--TEST--
Back-pressure: a client that does not read fills maxSendBufferSize, onBufferFull fires, further send() returns false with onError(2), onBufferDrain fires once it reads
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$log = fn($line) => file_put_contents("$DIR/events", "$line\n", FILE_APPEND);
$w = new Worker("text://127.0.0.1:$PORT");
$w->onConnect = function ($c) { $c->maxSendBufferSize = 1 << 20; };
$w->onMessage = function ($c, $d) use ($log) {
    if ($d !== 'flood') return;
    // The kernel's socket buffers take a few MB first; keep sending a chunk per tick until
    // our own queue passes the limit, i.e. the client really stopped reading.
    $chunk = str_repeat('x', 262143) . "\n";
    $id = Timer::add(0.002, function () use ($c, $chunk, $log, &$id) {
        $ok = $c->send($chunk, true);
        if ($c->getSendBufferQueueSize() < $c->maxSendBufferSize) return;
        Timer::del($id);
        $log('queued past the limit, last send returned ' . var_export($ok, true));
        $log('next send returns ' . var_export($c->send('more'), true));
        $log('and the next ' . var_export($c->send('more'), true));
    });
};
$w->onBufferFull = fn($c) => $log('onBufferFull');
$w->onBufferDrain = fn($c) => $log('onBufferDrain queued=' . $c->getSendBufferQueueSize());
$w->onError = fn($c, $code, $msg) => $log("onError $code $msg");
Worker::runAll();
PHP);
$srv->start();
$c = $srv->connect();
fwrite($c, "flood\n");
$events = fn() => (string)@file_get_contents("$srv->dir/events");
rm_wait(fn() => str_contains($events(), 'and the next'), 20, 'the sends to be refused');
echo $events();
echo str_contains($events(), 'onBufferDrain') ? "drained before the client read\n" : "nothing drained yet\n";
// Now read: the queue empties and onBufferDrain fires.
$got = 0;
rm_wait(function () use ($c, &$got, $events) {
    $r = [$c]; $w = $e = null;
    if (stream_select($r, $w, $e, 0, 50000)) $got += strlen((string)fread($c, 1 << 20));
    return str_contains($events(), 'onBufferDrain');
}, 20, 'onBufferDrain');
echo substr($events(), strpos($events(), 'onBufferDrain'));
echo $got > (1 << 20) ? "client received the queued data\n" : "client received only $got bytes\n";
?>
--EXPECT--
onBufferFull
queued past the limit, last send returned true
onError 2 send buffer full and drop package
next send returns false
onError 2 send buffer full and drop package
and the next false
nothing drained yet
onBufferDrain queued=0
client received the queued data
