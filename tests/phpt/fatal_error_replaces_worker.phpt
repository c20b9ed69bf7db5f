--TEST--
A fatal error in onMessage (E_USER_ERROR, memory exhaustion) ends only that worker: the error is logged, the manager replaces it and a new pid answers
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$w = new Worker("text://127.0.0.1:$PORT");
$w->name = 'fragile';
$w->onMessage = function ($c, $d) {
    if ($d === 'user-error') trigger_error('deliberate fatal', E_USER_ERROR);
    if ($d === 'oom') { ini_set('memory_limit', '16M'); $a = str_repeat('x', 64 << 20); }
    $c->send('pid ' . getmypid());
};
Worker::runAll();
PHP);
$srv->start();
$pidOf = function () use ($srv) {
    $c = $srv->connect();
    fwrite($c, "pid\n");
    return rm_read_line($c);
};
foreach (['user-error' => 'deliberate fatal', 'oom' => 'Allowed memory size of'] as $cmd => $needle) {
    $before = $pidOf();
    $c = $srv->connect();
    fwrite($c, "$cmd\n");
    echo "$cmd: ", stream_get_contents($c) === '' ? "connection closed" : "data after the error", "\n";
    rm_wait(function () use ($pidOf, $before) {
        try { return $pidOf() !== $before; } catch (RuntimeException $e) { return false; }
    }, 10, 'a new worker');
    echo "$cmd: new pid answers\n";
    $log = $srv->log();
    echo "$cmd: ", preg_match('/\[' . substr($before, 4) . '\] ERROR PHP Fatal error: +' . $needle . '/', $log) ? "error logged by the worker" : "error not logged", "\n";
    echo "$cmd: ", preg_match('/worker fragile #0 \(pid ' . substr($before, 4) . ', gen \d+\) died unexpectedly: exit code 255/', $log)
        ? "death logged" : "death not logged", "\n";
}
?>
--EXPECT--
user-error: connection closed
user-error: new pid answers
user-error: error logged by the worker
user-error: death logged
oom: connection closed
oom: new pid answers
oom: error logged by the worker
oom: death logged
