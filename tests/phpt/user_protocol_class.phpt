--TEST--
A user protocol class (static input/decode/encode, Workerman style) frames messages; input() returning 0 waits for more data across split writes; send() uses encode()
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
// "<len>:<payload>" where len is decimal, e.g. "5:hello".
class LenColon {
    public static function input(string $buffer, TcpConnection $c): int {
        $pos = strpos($buffer, ':');
        if ($pos === false) return strlen($buffer) > 10 ? -1 : 0;   // need more (or garbage)
        return $pos + 1 + (int)substr($buffer, 0, $pos);            // 0 < result: one package
    }
    public static function decode(string $buffer, TcpConnection $c): array {
        return ['payload' => substr($buffer, strpos($buffer, ':') + 1)];
    }
    public static function encode(mixed $data, TcpConnection $c): string {
        $s = is_array($data) ? json_encode($data) : (string)$data;
        return strlen($s) . ':' . $s;
    }
}
$w = new Worker("LenColon://127.0.0.1:$PORT");
$w->onMessage = function ($c, $msg) use ($DIR) {
    file_put_contents("$DIR/calls", "message\n", FILE_APPEND);
    $c->send(['got' => $msg['payload'], 'protocol' => $c->protocol]);
};
$w->onError = function ($c, $code, $why) use ($DIR) { file_put_contents("$DIR/errors", "onError $code\n", FILE_APPEND); };
Worker::runAll();
PHP);
$srv->start();
$c = $srv->connect();
$read = function () use ($c) {
    $len = '';
    while (($ch = fread($c, 1)) !== ':') { if ($ch === '' || $ch === false) return '(closed)'; $len .= $ch; }
    return fread($c, (int)$len);
};
fwrite($c, "5:hello");
echo $read(), "\n";
fwrite($c, "1"); fflush($c); usleep(5000);          // the length itself split
fwrite($c, "1:hello"); fflush($c); usleep(5000);    // the payload split
fwrite($c, " world3:abc");                          // end of one package and a whole second one
echo $read(), "\n", $read(), "\n";
echo count(file("$srv->dir/calls")), " messages delivered\n";
fwrite($c, "garbage-without-colon");               // input() returns -1: protocol error, closed
echo $read(), "\n";
rm_wait(fn() => is_file("$srv->dir/errors"), 5, 'onError');
echo file_get_contents("$srv->dir/errors");
?>
--EXPECT--
{"got":"hello","protocol":"LenColon"}
{"got":"hello world","protocol":"LenColon"}
{"got":"abc","protocol":"LenColon"}
3 messages delivered
(closed)
onError 3
