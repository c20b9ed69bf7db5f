--TEST--
An uncaught exception in onMessage is logged with its trace in the log file; the same worker process keeps serving (unlike Workerman)
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
function explode_here() { throw new DomainException('deliberate failure'); }
$w = new Worker("text://127.0.0.1:$PORT");
$w->onMessage = function ($c, $d) {
    if ($d === 'throw') explode_here();
    if ($d === 'undefined') no_such_function_anywhere();
    $c->send('pid ' . getmypid());
};
Worker::runAll();
PHP);
$srv->start();
$c = $srv->connect();
fwrite($c, "pid\n");
$pid = rm_read_line($c);
fwrite($c, "throw\n");
fwrite($c, "pid\n");
echo rm_read_line($c) === $pid ? "same pid answers on the same connection\n" : "another pid\n";
fwrite($c, "undefined\n");
fwrite($c, "pid\n");
echo rm_read_line($c) === $pid ? "same pid after calling an undefined function\n" : "another pid\n";
$log = rm_wait(fn() => str_contains($srv->log(), 'no_such_function_anywhere') ? $srv->log() : false, 5, 'log');
echo preg_match('/^\S+ \S+ \[\d+\] ERROR .*Uncaught DomainException: deliberate failure in \S+start\.php:\d+$/m', $log) ? "exception logged\n" : $log;
echo preg_match('/^#0 \S+start\.php\(\d+\): explode_here\(\)$/m', $log) ? "with its trace\n" : $log;
echo preg_match('/Call to undefined function no_such_function_anywhere\(\)/', $log) ? "Error logged\n" : $log;
echo str_contains($log, 'died') ? "a worker died\n" : "no worker died\n";
?>
--EXPECT--
same pid answers on the same connection
same pid after calling an undefined function
exception logged
with its trace
Error logged
no worker died
