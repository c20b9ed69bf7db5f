--TEST--
Ringmaster\Server from inside a worker: an admin message calling (new Server())->reload() gets its result (no deadlock with its own replacement), then the new worker serves
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$w = new Worker("text://127.0.0.1:$PORT");
$w->name = 'app';
$w->onMessage = function ($c, $d) {
    if ($d === 'status') {
        $st = (new Ringmaster\Server())->status();
        $c->send('status ok=' . var_export($st['ok'], true) . ' processes=' . count($st['processes']));
        return;
    }
    if ($d === 'reload') {
        $r = (new Ringmaster\Server())->reload();
        $c->send('reload returned ' . (is_array($r) ? 'an array, ok=' . var_export($r['ok'] ?? null, true) : gettype($r)));
        return;
    }
    $c->send('pid ' . getmypid());
};
Worker::runAll();
PHP);
$srv->start();
$c = $srv->connect();
fwrite($c, "pid\n");
$pid = rm_read_line($c);
fwrite($c, "status\n");
echo rm_read_line($c), "\n";
fwrite($c, "reload\n");
echo rm_read_line($c, 30), "\n";
// The asking worker is replaced too: its idle connection is closed after the answer.
echo stream_get_contents($c) === '' ? "then the idle connection is closed\n" : "more data\n";
$d = $srv->connect();
fwrite($d, "pid\n");
echo rm_read_line($d) !== $pid ? "new connections reach the new worker\n" : "the old worker took a new connection\n";
fwrite($d, "status\n");
echo rm_read_line($d), "\n";
?>
--EXPECT--
status ok=true processes=3
reload returned an array, ok=true
then the idle connection is closed
new connections reach the new worker
status ok=true processes=3
