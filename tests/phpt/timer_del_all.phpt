--TEST--
Timer::delAll() cancels every timer of the worker; timers added after it run normally
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$w = new Worker("text://127.0.0.1:$PORT");
$fired = 0;
$w->onWorkerStart = function () use (&$fired) {
    for ($i = 0; $i < 20; $i++) Timer::add(0.01 + $i / 1000, function () use (&$fired) { $fired++; });
};
$w->onMessage = function ($c, $d) use (&$fired) {
    if ($d === 'delall') {
        Timer::delAll();
        $before = $fired;
        // Report after a fresh timer fired several times: the cancelled ones must not have.
        $n = 0;
        Timer::add(0.02, function () use ($c, $before, &$fired, &$n) {
            if (++$n === 5) $c->send('fired after delAll: ' . ($fired - $before) . ', status timers=' . (Timer::del(999999) ? '?' : 'ok'));
        });
        return;
    }
    $c->send("fired $fired");
};
Worker::runAll();
PHP);
$srv->start();
$c = $srv->connect();
rm_wait(function () use ($c) { fwrite($c, "count\n"); return rm_read_line($c) !== 'fired 0'; }, 5, 'timers to fire');
echo "timers were firing\n";
fwrite($c, "delall\n");
echo rm_read_line($c), "\n";
?>
--EXPECT--
timers were firing
fired after delAll: 0, status timers=ok
