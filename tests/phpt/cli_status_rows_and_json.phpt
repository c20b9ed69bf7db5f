--TEST--
CLI: status prints a header and one row per process (master, manager, each worker); status --json parses with json_decode and agrees
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$w = new Worker("text://127.0.0.1:$PORT");
$w->name = 'web';
$w->count = 3;
$w->onWorkerStart = fn() => Timer::add(10, fn() => null);
$w->onMessage = fn($c, $d) => $c->send(getmypid());
Worker::runAll();
PHP);
$srv->start();
[$code, $out, $err] = $srv->cli('status');
echo "status exit $code\n";
$lines = array_values(array_filter(explode("\n", $out), 'strlen'));
echo preg_match('/^PID\s+ROLE\s+WORKER\s+GEN\s+STARTED\s+MEM\s+CONNS\s+REQS\s+TIMERS\s+LOOP\s+STATE$/', $lines[0]) ? "header\n" : "header: {$lines[0]}\n";
$roles = [];
foreach (array_slice($lines, 1) as $l) {
    $cols = preg_split('/\s+/', trim($l));
    $roles[] = $cols[1] . ($cols[1] === 'worker' ? " {$cols[2]} {$cols[3]} gen {$cols[4]}" : '');
}
echo implode("\n", $roles), "\n";
echo str_contains($out, (string)$srv->masterPid()) ? "master pid shown\n" : "no master pid\n";
[$code, $out] = $srv->cli('status --json');
echo "status --json exit $code\n";
$st = json_decode($out, true);
echo is_array($st) && $st['ok'] === true ? "parses, ok=true\n" : "does not parse: $out\n";
$workers = array_values(array_filter($st['processes'], fn($p) => $p['role'] === 'worker'));
echo count($st['processes']), " processes, ", count($workers), " workers\n";
$master = array_values(array_filter($st['processes'], fn($p) => $p['role'] === 'master'))[0];
echo $master['pid'] === $srv->masterPid() ? "master pid matches the pid file\n" : "master pid differs\n";
$c = $srv->connect();
fwrite($c, "x\n");
$servingPid = (int)rm_read_line($c);
echo in_array($servingPid, array_column($workers, 'pid'), true) ? "a listed worker answered\n" : "unknown worker answered\n";
foreach ($workers as $w) echo "{$w['group']} #{$w['slot']}: timers={$w['timers']} state={$w['state']} loop=", $w['event_loop'] === ini_get('ringmaster.event_loop') ? 'as configured' : $w['event_loop'], "\n";
?>
--EXPECT--
status exit 0
header
master
manager
worker web #0 gen 0
worker web #1 gen 0
worker web #2 gen 0
master pid shown
status --json exit 0
parses, ok=true
5 processes, 3 workers
master pid matches the pid file
a listed worker answered
web #0: timers=1 state=serving loop=as configured
web #1: timers=1 state=serving loop=as configured
web #2: timers=1 state=serving loop=as configured
