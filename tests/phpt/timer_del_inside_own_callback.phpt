--TEST--
Timer::del() from inside its own callback stops it (no further run) and returns true; the worker keeps running other timers
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$w = new Worker();
$w->onWorkerStart = function () use ($DIR) {
    $runs = 0;
    $id = Timer::add(0.005, function () use (&$runs, &$id, $DIR) {
        $runs++;
        $r = Timer::del($id);
        file_put_contents("$DIR/self", "run $runs del=" . var_export($r, true) . "\n", FILE_APPEND);
    });
    // A later timer reports how often the first one ran after it was long gone.
    $ticks = 0;
    Timer::add(0.01, function () use (&$ticks, &$runs, $DIR) {
        if (++$ticks === 10) file_put_contents("$DIR/report", "runs=$runs\n");
    });
};
Worker::runAll();
PHP);
[$code] = $srv->cli('start -d');
rm_wait(fn() => is_file("$srv->dir/report"), 10, 'report');
echo file_get_contents("$srv->dir/self"), file_get_contents("$srv->dir/report");
?>
--EXPECT--
run 1 del=true
runs=1
