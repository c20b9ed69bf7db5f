--TEST--
start -d: what workers print (echo, var_dump) goes to Worker::$stdoutFile, not to the terminal that started the daemon
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$w = new Worker("text://127.0.0.1:$PORT");
$w->onWorkerStart = function () { echo "started and printing\n"; };
$w->onMessage = function ($c, $d) { echo "got $d\n"; var_dump(strlen($d)); $c->send('ok'); };
Worker::runAll();
PHP);
[$code, $out, $err] = $srv->cli('start -d');
echo "start exit $code\n";
echo str_contains($out . $err, 'printing') ? "leaked to the terminal\n" : "terminal clean\n";
rm_wait(fn() => $srv->connectable(), 10, 'port');
$c = $srv->connect();
fwrite($c, "hello\n");
echo rm_read_line($c), "\n";
$file = "$srv->dir/stdout.log";
rm_wait(fn() => str_contains((string)@file_get_contents($file), 'int(5)'), 5, 'worker output in stdoutFile');
$text = file_get_contents($file);
echo str_contains($text, "started and printing\n") ? "onWorkerStart output kept\n" : "missing start output\n";
echo str_contains($text, "got hello\n") ? "onMessage output kept\n" : "missing message output\n";
?>
--EXPECT--
start exit 0
terminal clean
ok
onWorkerStart output kept
onMessage output kept
