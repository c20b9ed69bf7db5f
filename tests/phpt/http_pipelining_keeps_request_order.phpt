--TEST--
http:// pipelining: several requests in one write are answered in request order, also when the first is answered later from a timer and the next ones at once; a pipelined Connection: close ends the stream after its answer
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_http.inc';
$srv = new RmServer(<<<'PHP'
use Ringmaster\Http\Request;
use Ringmaster\Http\Response;
$w = new Worker("http://127.0.0.1:$PORT");
$w->count = 1;
$w->onMessage = function (TcpConnection $c, Request $r) use ($DIR) {
    $i = $r->get('i');
    file_put_contents("$DIR/order", "$i ", FILE_APPEND);   // when onMessage saw each request
    $delay = (float)$r->get('delay', 0);
    $answer = fn() => $c->send(new Response(200, ['X-I' => $i], "answer $i " . $r->method() . ' ' . $r->rawBody()));
    if ($delay > 0) Timer::add($delay, $answer, [], false);
    else $answer();
};
Worker::runAll();
PHP);
$srv->start();

echo "-- five in one write, the first and third answered late\n";
$c = $srv->connect();
$batch = rm_http_get('/?i=1&delay=0.2') . rm_http_get('/?i=2')
    . "POST /?i=3&delay=0.05 HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody"
    . "HEAD /?i=4 HTTP/1.1\r\nHost: x\r\n\r\n" . rm_http_get('/?i=5');
fwrite($c, $batch);
foreach ([1, 2, 3, 4, 5] as $i) {
    $r = rm_http_read($c, $i === 4);
    echo $r['status'], ' X-I=', $r['headers']['x-i'][0], ' ', $r['body'], "\n";
}
echo "onMessage order: ", trim(file_get_contents("$srv->dir/order")), "\n";

echo "-- a request split across writes after a pipelined pair\n";
unlink("$srv->dir/order");
$req = rm_http_get('/?i=6&delay=0.05') . rm_http_get('/?i=7') . "GET /?i=8 HT";
fwrite($c, $req);
fflush($c);
$r = rm_http_read($c);
echo $r['body'], "\n";
fwrite($c, "TP/1.1\r\nHost: x\r\n\r\n");
echo rm_http_read($c)['body'], "\n", rm_http_read($c)['body'], "\n";

echo "-- Connection: close in the middle: later requests are not answered\n";
$c = $srv->connect();
fwrite($c, rm_http_get('/?i=9&delay=0.05') . rm_http_get('/?i=10', "Connection: close\r\n") . rm_http_get('/?i=11'));
$r = rm_http_read($c);
echo $r['body'], ' ', $r['headers']['connection'][0], "\n";
$r = rm_http_read($c);
echo $r['body'], ' ', $r['headers']['connection'][0], "\n";
echo "then EOF: ", var_export(rm_expect_eof($c), true), "\n";

echo "-- 40 pipelined requests (more than the parser queues at once)\n";
$c = $srv->connect();
$all = '';
for ($i = 100; $i < 140; $i++) $all .= rm_http_get("/?i=$i" . ($i % 7 === 0 ? '&delay=0.01' : ''));
fwrite($c, $all);
$got = [];
for ($i = 100; $i < 140; $i++) $got[] = (int)rm_http_read($c)['headers']['x-i'][0];
echo $got === range(100, 139) ? "all 40 in order\n" : "out of order: " . implode(',', $got) . "\n";
?>
--EXPECT--
-- five in one write, the first and third answered late
200 X-I=1 answer 1 GET 
200 X-I=2 answer 2 GET 
200 X-I=3 answer 3 POST body
200 X-I=4 
200 X-I=5 answer 5 GET 
onMessage order: 1 2 3 4 5
-- a request split across writes after a pipelined pair
answer 6 GET 
answer 7 GET 
answer 8 GET 
-- Connection: close in the middle: later requests are not answered
answer 9 GET  keep-alive
answer 10 GET  close
then EOF: true
-- 40 pipelined requests (more than the parser queues at once)
all 40 in order
