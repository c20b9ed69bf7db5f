--TEST--
frame:// messages carry a 4-byte big-endian length that includes itself; split and coalesced frames, empty frame, binary payload
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$w = new Worker("frame://127.0.0.1:$PORT");
$w->onMessage = fn($c, $d) => $c->send(strlen($d) . ':' . bin2hex($d));
Worker::runAll();
PHP);
$srv->start();
$c = $srv->connect();
$frame = fn(string $p) => pack('N', strlen($p) + 4) . $p;
function read_frame($c): string {
    $head = fread($c, 4);
    if (strlen($head) !== 4) throw new RuntimeException('no frame header');
    $len = unpack('N', $head)[1];
    $body = '';
    while (strlen($body) < $len - 4) {
        $chunk = fread($c, $len - 4 - strlen($body));
        if ($chunk === '' || $chunk === false) throw new RuntimeException('short frame');
        $body .= $chunk;
    }
    return "[len $len] $body";
}
fwrite($c, $frame('abc'));
echo read_frame($c), "\n";
$f = $frame("\x00\xff\n\r");
fwrite($c, substr($f, 0, 2)); fflush($c); usleep(5000);     // split inside the header
fwrite($c, substr($f, 2, 3)); fflush($c); usleep(5000);     // and inside the payload
fwrite($c, substr($f, 5));
echo read_frame($c), "\n";
fwrite($c, $frame('one') . $frame('') . $frame(str_repeat('z', 70000)));
echo read_frame($c), "\n", read_frame($c), "\n";
$big = read_frame($c);
echo substr($big, 0, 20), '... ', strlen($big), "\n";
?>
--EXPECT--
[len 12] 3:616263
[len 14] 4:00ff0a0d
[len 12] 3:6f6e65
[len 6] 0:
[len 140010] 70000:7... 140019
