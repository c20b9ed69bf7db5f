--TEST--
CLI: stop exits 0 once every process is gone and the pid file and control socket are removed; stop when not running exits 1
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$w = new Worker("text://127.0.0.1:$PORT");
$w->count = 2;
$w->onWorkerStart = fn() => file_put_contents("$DIR/pid-" . getmypid(), '');
Worker::runAll();
PHP);
$srv->start();
$master = $srv->masterPid();
rm_wait(fn() => count(glob("$srv->dir/pid-*")) === 2, 5, 'workers');
$workers = array_map(fn($f) => (int)substr(basename($f), 4), glob("$srv->dir/pid-*"));
[$code, $out, $err] = $srv->stop();
echo "stop exit $code\n";
echo trim(preg_replace('/pid \d+/', 'pid N', $out)), "\n";
echo is_file($srv->pidFile) ? "pid file left\n" : "pid file removed\n";
echo file_exists($srv->pidFile . '.sock') ? "control socket left\n" : "control socket removed\n";
// A zombie is gone too (in a container the reaper of a daemon's master may be lazy).
$running = fn(int $p) => is_file("/proc/$p/stat") && !preg_match('/^\d+ \(.*\) Z/', (string)@file_get_contents("/proc/$p/stat"));
$alive = array_filter(array_merge([$master], $workers), $running);
echo $alive ? "still alive: " . implode(',', $alive) . "\n" : "master and workers gone\n";
echo $srv->connectable() ? "port still accepting\n" : "port closed\n";
[$code, $out, $err] = $srv->stop();
echo "second stop exit $code: ", trim($out . $err), "\n";
?>
--EXPECT--
stop exit 0
Stopping Ringmaster (pid N) ...
Ringmaster stopped
pid file removed
control socket removed
master and workers gone
port closed
second stop exit 1: Ringmaster is not running
