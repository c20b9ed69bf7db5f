--TEST--
frame:// header announcing more than maxPackageSize: onError(3) and that connection is closed at once; others keep being served
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
TcpConnection::$defaultMaxPackageSize = 4096;
$w = new Worker("frame://127.0.0.1:$PORT");
$w->onMessage = fn($c, $d) => $c->send(getmypid() . ' got ' . strlen($d));
$w->onError = function ($c, $code, $msg) use ($DIR) {
    file_put_contents("$DIR/errors", "onError code=$code\n", FILE_APPEND);
};
Worker::runAll();
PHP);
$srv->start();
$frame = fn(string $p) => pack('N', strlen($p) + 4) . $p;
function read_frame($c): string {
    $head = fread($c, 4);
    if (strlen($head) !== 4) return '(closed)';
    $len = unpack('N', $head)[1];
    return fread($c, $len - 4);
}
$good = $srv->connect();
$bad = $srv->connect();
fwrite($good, $frame('x'));
[$pid] = explode(' ', read_frame($good));
fwrite($bad, $frame(str_repeat('y', 4000)));
echo preg_replace('/^\d+/', 'PID', read_frame($bad)), "\n";
fwrite($bad, pack('N', 1 << 30) . 'zz');      // announces 1 GiB: refused before any payload
echo read_frame($bad), "\n";
rm_wait(fn() => is_file("$srv->dir/errors"), 5, 'onError');
echo file_get_contents("$srv->dir/errors");
fwrite($good, $frame('again'));
echo read_frame($good) === "$pid got 5" ? "other connection served by the same worker\n" : "other connection broken\n";
?>
--EXPECT--
PID got 4000
(closed)
onError code=3
other connection served by the same worker
