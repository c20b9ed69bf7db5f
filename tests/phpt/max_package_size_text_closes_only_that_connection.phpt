--TEST--
text:// line longer than maxPackageSize: onError(3) and that connection is closed; another connection on the same worker keeps being served
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
TcpConnection::$defaultMaxPackageSize = 1024;
$w = new Worker("text://127.0.0.1:$PORT");
$w->count = 1;
$w->onConnect = function ($c) { $c->send('pid ' . getmypid()); };
$w->onMessage = fn($c, $d) => $c->send('got ' . strlen($d));
$w->onError = function ($c, $code, $msg) use ($DIR) {
    file_put_contents("$DIR/errors", "onError code=$code: $msg\n", FILE_APPEND);
};
Worker::runAll();
PHP);
$srv->start();
$good = $srv->connect();
$bad = $srv->connect();
$pid1 = rm_read_line($good);
$pid2 = rm_read_line($bad);
echo $pid1 === $pid2 ? "same worker\n" : "different workers\n";
fwrite($bad, str_repeat('a', 1000) . "\n");
echo rm_read_line($bad), "\n";                      // under the limit: served
fwrite($bad, str_repeat('b', 5000));                  // no newline yet, already too long
$rest = stream_get_contents($bad);                    // the server closes: EOF
echo "bad connection closed, extra bytes: ", strlen($rest), "\n";
rm_wait(fn() => is_file("$srv->dir/errors"), 5, 'onError');
echo preg_replace('/\d{4,}/', 'N', file_get_contents("$srv->dir/errors"));
fwrite($good, "still here\n");
echo rm_read_line($good), "\n";
echo rm_read_line($srv->connect()), " (same worker: ", $pid1, ")\n";
?>
--EXPECTF--
same worker
got 1000
bad connection closed, extra bytes: 0
onError code=3: %s
got 10
pid %d (same worker: pid %d)
