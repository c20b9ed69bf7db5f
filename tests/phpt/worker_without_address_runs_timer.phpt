--TEST--
A Worker with no address (new Worker()) runs its processes: onWorkerStart sets a timer that writes a file, $worker->id is the slot
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$w = new Worker();
$w->name = 'cron';
$w->count = 2;
$w->onWorkerStart = function (Worker $w) use ($DIR) {
    $n = 0;
    Timer::add(0.01, function () use ($w, $DIR, &$n) {
        if (++$n === 3) file_put_contents("$DIR/tick-{$w->id}", "worker {$w->name} #{$w->id} ticked $n times");
    });
};
Worker::runAll();
PHP);
[$code, $out, $err] = $srv->cli('start -d');
echo "start exit $code\n";
rm_wait(fn() => is_file("$srv->dir/tick-0") && is_file("$srv->dir/tick-1"), 10, 'both workers to tick');
echo file_get_contents("$srv->dir/tick-0"), "\n", file_get_contents("$srv->dir/tick-1"), "\n";
[$code] = $srv->stop();
echo "stop exit $code\n";
?>
--EXPECT--
start exit 0
worker cron #0 ticked 3 times
worker cron #1 ticked 3 times
stop exit 0
