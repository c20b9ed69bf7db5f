--TEST--
Logging: every line of the log file starts with a timestamp, the pid and a level; a worker's exit is logged with its reason (exit code, signal)
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$w = new Worker("text://127.0.0.1:$PORT");
$w->name = 'logged';
$w->onMessage = function ($c, $d) {
    if ($d === 'exit') exit(5);
    if ($d === 'kill') exec('kill -9 ' . getmypid());
    $c->send('pid ' . getmypid());
};
Worker::runAll();
PHP);
$srv->start();
$pidOf = function () use ($srv) { $c = $srv->connect(); fwrite($c, "pid\n"); return substr(rm_read_line($c), 4); };
foreach (['exit' => 'exit code 5', 'kill' => 'killed by signal SIGKILL'] as $cmd => $reason) {
    $pid = $pidOf();
    $c = $srv->connect();
    fwrite($c, "$cmd\n");
    rm_wait(fn() => str_contains($srv->log(), "(pid $pid, gen"), 10, 'exit to be logged');
    $line = rm_wait(function () use ($srv, $pid) {
        foreach (explode("\n", $srv->log()) as $l) if (str_contains($l, "(pid $pid, gen") && preg_match('/died|exited/', $l)) return $l;
        return false;
    }, 10, "death of $pid logged");
    echo "$cmd: ", str_contains($line, $reason) ? "logged with '$reason'" : "logged as: $line", "\n";
    rm_wait(function () use ($pidOf, $pid) { try { return $pidOf() !== $pid; } catch (RuntimeException $e) { return false; } }, 10, 'replacement');
}
$srv->stop();
$bad = [];
foreach (explode("\n", trim($srv->log())) as $l) {
    // Continuation lines of a multi-line message (a trace) start with '#' or 'Stack trace'.
    if (preg_match('/^(#\d|Stack trace:|  thrown)/', $l)) continue;
    if (!preg_match('/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \[\d+\] (DEBUG|INFO|WARNING|ERROR) \S/', $l)) $bad[] = $l;
}
echo $bad ? "unstamped lines:\n" . implode("\n", $bad) . "\n" : "every line timestamped\n";
echo preg_match('/INFO Ringmaster stopped$/m', $srv->log()) ? "stop logged\n" : "stop not logged\n";
?>
--EXPECT--
exit: logged with 'exit code 5'
kill: logged with 'killed by signal SIGKILL'
every line timestamped
stop logged
