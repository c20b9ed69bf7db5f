--TEST--
A Worker created inside onWorkerStart calls listen() and serves its own address (reusePort, one per process); listen() outside a worker throws
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$inner = rm_free_port();
$srv = new RmServer(str_replace('INNER', (string)$inner, <<<'PHP'
$w = new Worker("text://127.0.0.1:$PORT");
$w->count = 2;
$w->onWorkerStart = function (Worker $w) {
    $extra = new Worker('text://127.0.0.1:INNER');
    $extra->reusePort = true;
    $extra->onMessage = fn($c, $d) => $c->send("inner {$w->id} got $d");
    $extra->listen();
    $w->extra = $extra;  // keep it alive
};
$w->onMessage = fn($c, $d) => $c->send("outer got $d");
Worker::runAll();
PHP));
// listen() in the start script is refused with a clear message.
try {
    (new Ringmaster\Worker("text://127.0.0.1:$inner"))->listen();
} catch (Error $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}
$srv->start();
$c = $srv->connect();
fwrite($c, "a\n");
echo rm_read_line($c), "\n";
$d = rm_wait(fn() => @stream_socket_client("tcp://127.0.0.1:$inner", $e, $s, 1), 10, 'inner port');
stream_set_timeout($d, 5);
fwrite($d, "b\n");
echo preg_replace('/inner \d/', 'inner N', rm_read_line($d)), "\n";
?>
--EXPECT--
Error: Ringmaster\Worker::listen() works inside a worker process (in onWorkerStart); the start script's Workers listen in runAll()
outer got a
inner N got b
