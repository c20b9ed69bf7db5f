--TEST--
exit() in onMessage ends only that worker; the manager replaces it (a new pid answers), other workers keep their pids, the exit is logged with its code
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$w = new Worker("text://127.0.0.1:$PORT");
$w->count = 1;
$w->name = 'quitter';
$w->onMessage = function ($c, $d) {
    if ($d === 'exit') exit(7);
    $c->send('pid ' . getmypid());
};
$other = new Worker();
$other->name = 'bystander';
$other->onWorkerStart = fn() => file_put_contents("$DIR/bystander", getmypid());
Worker::runAll();
PHP);
$srv->start();
$pidOf = function () use ($srv) {
    $c = $srv->connect();
    fwrite($c, "pid\n");
    return rm_read_line($c);
};
$before = $pidOf();
$bystander = file_get_contents("$srv->dir/bystander");
$c = $srv->connect();
fwrite($c, "exit\n");
echo stream_get_contents($c) === '' ? "connection closed by the exit\n" : "data after exit\n";
$after = rm_wait(function () use ($pidOf, $before) {
    try { $p = $pidOf(); } catch (RuntimeException $e) { return false; }
    return $p !== $before ? $p : false;
}, 10, 'a new worker');
echo "new pid answers\n";
echo file_get_contents("$srv->dir/bystander") === $bystander ? "bystander untouched\n" : "bystander restarted\n";
echo preg_match('/\[' . substr($before, 4) . '\] INFO .*exit\(7\) called/', $srv->log()) ? "the worker logged why it ends\n" : $srv->log();
echo preg_match('/worker quitter #0 \(pid ' . substr($before, 4) . ', gen \d+\) died unexpectedly: exit code 7/', $srv->log()) ? "exit logged with its code\n" : $srv->log();
?>
--EXPECT--
connection closed by the exit
new pid answers
bystander untouched
the worker logged why it ends
exit logged with its code
