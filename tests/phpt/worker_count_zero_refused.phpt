--TEST--
runAll() refuses a Worker with count = 0, naming the worker, and exits 1 without starting
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$ok = new Worker("text://127.0.0.1:$PORT");
$ok->name = 'fine';
$w = new Worker("text://127.0.0.1:$PORT");
$w->name = 'nobody-home';
$w->count = 0;
Worker::runAll();
PHP);
[$code, $out, $err] = $srv->cli('start -d');
echo "exit $code\n";
echo trim($out . $err), "\n";
echo is_file($srv->pidFile) ? "pid file written\n" : "no pid file\n";
echo $srv->connectable() ? "port open\n" : "port closed\n";
?>
--EXPECT--
exit 1
Worker 'nobody-home': count must be at least 1, 0 given
no pid file
port closed
