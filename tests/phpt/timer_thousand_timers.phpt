--TEST--
1000 one-shot timers with distinct delays all fire exactly once, in delay order; status shows the persistent ones
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$w = new Worker("text://127.0.0.1:$PORT");
$order = [];
$w->onWorkerStart = function () use (&$order, $DIR) {
    // Added in a shuffled order; delays 10ms + i * 0.2ms.
    $idx = range(0, 999);
    shuffle($idx);
    foreach ($idx as $i) {
        Timer::add(0.01 + $i * 0.0002, function ($i) use (&$order, $DIR) {
            $order[] = $i;
            if (count($order) === 1000) file_put_contents("$DIR/order", implode(',', $order));
        }, [$i], false);
    }
    for ($i = 0; $i < 1000; $i++) Timer::add(3600, fn() => null);
};
Worker::runAll();
PHP);
$srv->start();
rm_wait(fn() => is_file("$srv->dir/order"), 10, '1000 timers');
$order = explode(',', file_get_contents("$srv->dir/order"));
echo count($order), " fired, ", count(array_unique($order)), " distinct\n";
$sorted = $order;
sort($sorted);
echo $order === $sorted ? "in delay order\n" : "out of order\n";
[$code, $out] = $srv->cli('status --json');
$st = json_decode($out, true);
foreach ($st['processes'] as $p) if ($p['role'] === 'worker') echo "worker timers: {$p['timers']}\n";
?>
--EXPECT--
1000 fired, 1000 distinct
in delay order
worker timers: 1000
