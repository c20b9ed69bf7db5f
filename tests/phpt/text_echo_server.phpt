--TEST--
text:// server with several workers: onConnect greeting, onMessage per line (split and coalesced input), onClose, stop
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$w = new Worker("text://127.0.0.1:$PORT");
$w->count = 2;
$w->name = 'echo';
$w->onWorkerStart = function (Worker $w) { Timer::add(1.0, fn() => null); };
$w->onConnect = fn($c) => $c->send('hello ' . $c->getRemoteIp());
$w->onMessage = function ($c, $data) { $c->talked = true; $c->send(strtoupper($data)); };
$w->onClose = function ($c) use ($DIR) {
    // Only connections that talked: start()'s readiness probe connects and closes too.
    if (!empty($c->talked)) file_put_contents("$DIR/closed", "closed {$c->id}\n", FILE_APPEND);
};
Worker::runAll();
PHP);
$srv->start();
$c = $srv->connect();
echo rm_read_line($c), "\n";
fwrite($c, "abc\n");
echo rm_read_line($c), "\n";
fwrite($c, "de");                       // a line split across writes
fflush($c);
usleep(1000);
fwrite($c, "f\r\nghi\njkl\n");          // and several lines in one write, CRLF trimmed
echo rm_read_line($c), "\n", rm_read_line($c), "\n", rm_read_line($c), "\n";
fclose($c);
rm_wait(fn() => is_file("$srv->dir/closed"), 5, 'onClose');
echo trim(preg_replace('/\d+/', 'N', file_get_contents("$srv->dir/closed"))), "\n";
[$code, $out] = $srv->stop();
echo "stop exit $code\n";
rm_wait(fn() => !is_file($srv->pidFile), 5, 'pid file removal');
echo $srv->connectable() ? "still accepting\n" : "port closed\n";
?>
--EXPECT--
hello 127.0.0.1
ABC
DEF
GHI
JKL
closed N
stop exit 0
port closed
