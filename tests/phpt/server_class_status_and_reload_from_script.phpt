--TEST--
Ringmaster\Server from another PHP script: status() returns every process; reload() returns ok=true and the workers' pids change while the port keeps answering
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$w = new Worker("text://127.0.0.1:$PORT");
$w->name = 'app';
$w->count = 2;
$w->onMessage = fn($c, $d) => $c->send(getmypid());
Worker::runAll();
PHP);
$srv->start();
$server = new Ringmaster\Server($srv->pidFile);
echo $server->getPidFile() === $srv->pidFile ? "pid file kept\n" : "pid file differs\n";
$st = $server->status();
echo $st['ok'] === true ? "status ok\n" : "status not ok\n";
$pids = fn(array $st) => array_column(array_filter($st['processes'], fn($p) => $p['role'] === 'worker'), 'pid');
$before = $pids($st);
sort($before);
echo implode(',', array_column($st['processes'], 'role')), "\n";
$r = $server->reload();
echo $r['ok'] === true ? "reload ok=true\n" : "reload: " . json_encode($r) . "\n";
$after = $pids($server->status());
sort($after);
echo count($after) === 2 && !array_intersect($before, $after) ? "both workers replaced\n" : "pids " . implode(',', $before) . ' -> ' . implode(',', $after) . "\n";
$c = $srv->connect();
fwrite($c, "x\n");
echo in_array((int)rm_read_line($c), $after, true) ? "a new worker answers\n" : "an old worker answers\n";
try {
    (new Ringmaster\Server($srv->dir . '/nope.pid'))->status();
} catch (RuntimeException $e) {
    echo "no server: ", get_class($e), "\n";
}
try {
    new Ringmaster\Server();
} catch (ValueError $e) {
    echo "outside a server without a pid file: ", get_class($e), "\n";
}
?>
--EXPECT--
pid file kept
status ok
master,manager,worker,worker
reload ok=true
both workers replaced
a new worker answers
no server: RuntimeException
outside a server without a pid file: ValueError
