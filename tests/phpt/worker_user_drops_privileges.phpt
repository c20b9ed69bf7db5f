--TEST--
$worker->user / $worker->group: workers run as that user after the master bound the port (root only); the master stays root; an unknown user is refused by name
--EXTENSIONS--
ringmaster
--SKIPIF--
<?php
if (trim((string)shell_exec('id -u')) !== '0') die('skip needs root to change user');
if (trim((string)shell_exec('id -u nobody 2>/dev/null')) === '') die('skip no user "nobody"');
?>
--FILE--
<?php
require __DIR__ . '/_server.inc';
$uidOf = function (int $pid): ?int {
    $status = @file_get_contents("/proc/$pid/status");
    return preg_match('/^Uid:\s+(\d+)/m', (string)$status, $m) ? (int)$m[1] : null;
};
$nobody = (int)trim(shell_exec('id -u nobody'));
$nogroup = (int)trim(shell_exec('id -g nobody'));
$srv = new RmServer(<<<'PHP'
$w = new Worker("text://127.0.0.1:$PORT");
$w->user = 'nobody';
$w->count = 2;
$w->onMessage = fn($c, $d) => $c->send(getmypid() . ' ' . posix_or_proc_uid() . ' ' . posix_or_proc_gid());
function posix_or_proc_uid(): int { preg_match('/^Uid:\s+(\d+)/m', file_get_contents('/proc/self/status'), $m); return (int)$m[1]; }
function posix_or_proc_gid(): int { preg_match('/^Gid:\s+(\d+)/m', file_get_contents('/proc/self/status'), $m); return (int)$m[1]; }
Worker::runAll();
PHP);
chmod($srv->dir, 0755);  // the log file stays writable by the master; workers log through it
$srv->start();
$c = $srv->connect();
fwrite($c, "who\n");
[$pid, $uid, $gid] = explode(' ', rm_read_line($c));
echo $uid == $nobody ? "worker runs as nobody\n" : "worker uid $uid\n";
echo $gid == $nogroup ? "with nobody's group\n" : "worker gid $gid\n";
echo $uidOf($srv->masterPid()) === 0 ? "master stays root\n" : "master not root\n";
$srv->stop();

$bad = new RmServer(<<<'PHP'
$w = new Worker("text://127.0.0.1:$PORT");
$w->user = 'no-such-user-here';
Worker::runAll();
PHP);
[$code, $out, $err] = $bad->cli('start');
echo "unknown user: exit $code\n";
echo str_contains($out . $err . $bad->log(), 'no-such-user-here') ? "message names the user\n" : "message: $out $err\n";
?>
--EXPECT--
worker runs as nobody
with nobody's group
master stays root
unknown user: exit 1
message names the user
