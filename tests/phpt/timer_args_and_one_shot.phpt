--TEST--
Timer::add passes $args to the callback, repeats while persistent, fires once when $persistent = false; ids are distinct ints
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$w = new Worker();
$w->onWorkerStart = function () use ($DIR) {
    $log = fn($l) => file_put_contents("$DIR/timers", "$l\n", FILE_APPEND);
    $n = 0;
    $a = Timer::add(0.01, function ($x, $y) use ($log, &$n, &$a) {
        $n++;
        if ($n <= 3) $log("repeat $n $x $y");
        if ($n === 3) Timer::del($a);
    }, ['alpha', 42]);
    $b = Timer::add(0.01, fn(...$args) => $log('once ' . implode(',', $args)), ['a', 'b', 'c'], false);
    $c = Timer::add(0.05, function () use ($log, $b) {
        $log('delete fired one-shot: ' . var_export(Timer::del($b), true));
        $log('done');
    }, [], false);
    $log('ids ' . (is_int($a) && is_int($b) && is_int($c) && count(array_unique([$a, $b, $c])) === 3 ? 'distinct' : 'bad'));
};
Worker::runAll();
PHP);
[$code] = $srv->cli('start -d');
echo "start exit $code\n";
rm_wait(fn() => str_contains((string)@file_get_contents("$srv->dir/timers"), 'done'), 10, 'timers');
$lines = file("$srv->dir/timers", FILE_IGNORE_NEW_LINES);
sort($lines);   // the one-shot and the repeats interleave
echo implode("\n", $lines), "\n";
?>
--EXPECT--
start exit 0
delete fired one-shot: false
done
ids distinct
once a,b,c
repeat 1 alpha 42
repeat 2 alpha 42
repeat 3 alpha 42
