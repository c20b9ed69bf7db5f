--TEST--
CLI: `start -d` returns 0 only once the port accepts and the pid file names a live master; a second start fails with "already running" and exit 1
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$w = new Worker("text://127.0.0.1:$PORT");
$w->count = 2;
$w->onWorkerStart = function () { usleep(200000); };   // slow start: start -d must wait for it
$w->onMessage = fn($c, $d) => $c->send("ok $d");
Worker::runAll();
PHP);
[$code, $out, $err] = $srv->cli('start -d');
echo "start exit $code\n";
// No waiting here: when start -d has returned, the server must already answer.
$c = $srv->connect();
fwrite($c, "1\n");
echo rm_read_line($c), "\n";
$pid = $srv->masterPid();
echo $pid > 0 && posix_kill_safe($pid, 0) ? "pid file names a live master\n" : "no live master\n";
[$code, $out, $err] = $srv->cli('start -d');
echo "second start exit $code\n";
echo str_contains($out . $err, "already running (pid $pid)") ? "says already running\n" : "said: $out$err\n";
echo $srv->masterPid() === $pid ? "first server untouched\n" : "pid file changed\n";
fwrite($c, "2\n");
echo rm_read_line($c), "\n";
?>
--EXPECT--
start exit 0
ok 1
pid file names a live master
second start exit 1
says already running
first server untouched
ok 2
