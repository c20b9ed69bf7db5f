--TEST--
1000 one-shot timers with distinct delays all fire exactly once, in due-time order; status shows the persistent ones
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$w = new Worker("text://127.0.0.1:$PORT");
$order = [];
$due = [];
$w->onWorkerStart = function () use (&$order, &$due, $DIR) {
    // Added in a shuffled order with delays 10ms + i * 0.2ms; each one's due time is noted.
    $idx = range(0, 999);
    shuffle($idx);
    foreach ($idx as $i) {
        $t0 = hrtime(true);
        Timer::add(0.01 + $i * 0.0002, function ($i) use (&$order, &$due, $DIR) {
            $order[] = $i;
            if (count($order) < 1000) return;
            // Fired in due-time order: none fired after one that was surely due later (the due
            // time is known to lie between the clock before and after its Timer::add()).
            $late = 0;
            for ($k = 1; $k < 1000; $k++) if ($due[$order[$k]][1] < $due[$order[$k - 1]][0]) $late++;
            file_put_contents("$DIR/order", count(array_unique($order)) . " distinct, $late out of order");
        }, [$i], false);
        $due[$i] = [$t0 + 10000000 + $i * 200000, hrtime(true) + 10000000 + $i * 200000];
    }
    for ($i = 0; $i < 1000; $i++) Timer::add(3600, fn() => null);
};
Worker::runAll();
PHP);
$srv->start();
rm_wait(fn() => is_file("$srv->dir/order"), 10, '1000 timers');
echo file_get_contents("$srv->dir/order"), "\n";
[$code, $out] = $srv->cli('status --json');
$st = json_decode($out, true);
foreach ($st['processes'] as $p) if ($p['role'] === 'worker') echo "worker timers: {$p['timers']}\n";
?>
--EXPECT--
1000 distinct, 0 out of order
worker timers: 1000
