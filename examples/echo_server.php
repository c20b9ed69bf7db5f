<?php
// The first server from the README: a text:// echo service on 127.0.0.1:9000 with four
// workers. Try it: `nc 127.0.0.1 9000`, type a line, get it back upper-cased.
// `php examples/echo_server.php status` in another terminal shows every process.
use Ringmaster\Timer;
use Ringmaster\Worker;

$port = getenv('PORT') ?: 9000;
$w = new Worker("text://127.0.0.1:$port");
$w->count = 4;
$w->name = 'echo';
$w->onWorkerStart = function (Worker $w) {
    // A heartbeat timer per worker, to show timers in `status`.
    Timer::add(1.0, fn() => null);
};
$w->onConnect = fn($c) => $c->send('hello ' . $c->getRemoteIp());
$w->onMessage = fn($c, $data) => $c->send(strtoupper($data));
$w->onClose = fn($c) => null;
Worker::runAll();
