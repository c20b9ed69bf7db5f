--TEST--
CLI: restart -d stops the running server (new master pid, new workers) and starts it again; restart when not running just starts
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$w = new Worker("text://127.0.0.1:$PORT");
$w->onMessage = fn($c, $d) => $c->send(getmypid());
Worker::runAll();
PHP);
$ask = function () use ($srv) { $c = $srv->connect(); fwrite($c, "x\n"); return rm_read_line($c); };
[$code] = $srv->cli('restart -d');
echo "restart (not running) exit $code\n";
rm_wait(fn() => $srv->connectable(), 10, 'port');
$master1 = $srv->masterPid();
$worker1 = $ask();
[$code, $out, $err] = $srv->cli('restart -d');
echo "restart exit $code\n";
if ($code) echo $out, $err, $srv->log();
echo str_contains($out, 'Ringmaster stopped') ? "stopped first\n" : "output: $out\n";
rm_wait(fn() => $srv->connectable(), 10, 'port');
$master2 = $srv->masterPid();
echo $master2 > 0 && $master2 !== $master1 ? "new master\n" : "same master ($master1 / $master2)\n";
$running = fn(int $p) => is_file("/proc/$p/stat") && !preg_match('/^\d+ \(.*\) Z/', (string)@file_get_contents("/proc/$p/stat"));
echo $running($master1) ? "old master alive\n" : "old master gone\n";
echo $ask() !== $worker1 ? "new worker answers\n" : "old worker answers\n";
?>
--EXPECT--
restart (not running) exit 0
restart exit 0
stopped first
new master
old master gone
new worker answers
