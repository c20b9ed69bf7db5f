--TEST--
io_uring: connections to one listening socket are spread over all its workers (each takes turns accepting), not all taken by the first
--EXTENSIONS--
ringmaster
--SKIPIF--
<?php if (ini_get('ringmaster.event_loop') === 'epoll') die('skip io_uring accept order; with epoll the spread is up to the scheduler'); ?>
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$w = new Worker("text://127.0.0.1:$PORT");
$w->count = 4;
$w->onMessage = fn($c, $d) => $c->send((string)getmypid());
Worker::runAll();
PHP);
$srv->start();
$conns = [];
$byPid = [];
for ($i = 0; $i < 40; $i++) {
    $c = $srv->connect();
    fwrite($c, "who\n");
    $pid = rm_read_line($c);
    $byPid[$pid] = ($byPid[$pid] ?? 0) + 1;
    $conns[] = $c;   // kept open: each worker holds what it accepted
}
ksort($byPid);
echo count($byPid) === 4 ? "all 4 workers accepted\n" : "workers that accepted: " . count($byPid) . " " . json_encode($byPid) . "\n";
echo max($byPid) < 20 ? "none took half\n" : "one took " . max($byPid) . " of 40\n";
?>
--EXPECT--
all 4 workers accepted
none took half
