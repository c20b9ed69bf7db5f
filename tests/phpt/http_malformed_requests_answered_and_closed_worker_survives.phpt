--TEST--
http:// hostile and malformed requests, each on its own connection, get 400/413/431/505 and that connection closed, while a keep-alive client of the same single worker keeps being answered; a slow sender and a client that leaves mid-request do no harm; the worker pid never changes
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_http.inc';
$srv = new RmServer(<<<'PHP'
use Ringmaster\Http\Request;
TcpConnection::$defaultMaxPackageSize = 64 * 1024;
$w = new Worker("http://127.0.0.1:$PORT");
$w->count = 1;
$w->onMessage = function (TcpConnection $c, Request $r) {
    $c->send('pid=' . getmypid() . ' ' . $r->method() . ' ' . $r->path() . ' body=' . strlen($r->rawBody()));
};
$w->onError = function ($c, $code, $msg) use ($DIR) {
    file_put_contents("$DIR/errors", "$code $msg\n", FILE_APPEND);
};
Worker::runAll();
PHP);
$srv->start();

$good = $srv->connect();
$first = rm_http_roundtrip($good, rm_http_get('/good'))['body'];
preg_match('~pid=(\d+)~', $first, $m);
$pid = $m[1];
$goodAnswers = 1;

// Sends $bytes on a fresh connection; prints the status the server answered with and whether
// it then closed the connection with nothing after that one response.
function hostile(RmServer $srv, string $name, string $bytes): void
{
    global $good, $goodAnswers;
    $c = $srv->connect();
    fwrite($c, $bytes);
    $r = rm_http_read($c);
    $closed = rm_expect_eof($c);
    printf("%-34s %d %s, %s\n", $name, $r['status'], $r['reason'], $closed ? 'closed' : 'NOT CLOSED');
    // The good client, on the same worker, is still served on its keep-alive connection.
    $g = rm_http_roundtrip($good, rm_http_get('/good'));
    if ($g['status'] === 200) $goodAnswers++;
}

$host = "Host: x\r\n";
hostile($srv, 'bad request line', "GARBAGE\r\n\r\n");
hostile($srv, 'space in target', "GET /a b HTTP/1.1\r\n$host\r\n");
hostile($srv, 'bad protocol name', "GET / HTXP/1.1\r\n$host\r\n");
hostile($srv, 'unsupported version', "GET / HTTP/3.0\r\n$host\r\n");
hostile($srv, 'missing Host on 1.1', "GET / HTTP/1.1\r\n\r\n");
hostile($srv, 'CR injected in a header value', "GET / HTTP/1.1\r\n{$host}X-A: a\rInjected: yes\r\n\r\n");
hostile($srv, 'bare LF between headers', "GET / HTTP/1.1\r\n{$host}X-A: a\nInjected: yes\r\n\r\n");
hostile($srv, 'obsolete line folding', "GET / HTTP/1.1\r\n{$host}X-A: a\r\n b\r\n\r\n");
hostile($srv, 'NUL in a header value', "GET / HTTP/1.1\r\n{$host}X-A: a\0b\r\n\r\n");
hostile($srv, 'space in a header name', "GET / HTTP/1.1\r\n{$host}Bad Name: 1\r\n\r\n");
hostile($srv, 'Content-Length + chunked', "POST / HTTP/1.1\r\n{$host}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
hostile($srv, 'chunked + Content-Length', "POST / HTTP/1.1\r\n{$host}Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n");
hostile($srv, 'two different Content-Lengths', "POST / HTTP/1.1\r\n{$host}Content-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef");
hostile($srv, 'negative Content-Length', "POST / HTTP/1.1\r\n{$host}Content-Length: -1\r\n\r\n");
hostile($srv, 'bad chunk size', "POST / HTTP/1.1\r\n{$host}Transfer-Encoding: chunked\r\n\r\nzz\r\n");
hostile($srv, 'chunk without its CRLF', "POST / HTTP/1.1\r\n{$host}Transfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n");
hostile($srv, 'oversized header block', "GET / HTTP/1.1\r\n{$host}X-Big: " . str_repeat('a', 20000) . "\r\n\r\n");
hostile($srv, 'too many headers', "GET / HTTP/1.1\r\n$host" . str_repeat("X-H: 1\r\n", 150) . "\r\n");
hostile($srv, 'oversized chunked body', "POST / HTTP/1.1\r\n{$host}Transfer-Encoding: chunked\r\n\r\n"
    . str_repeat("4000\r\n" . str_repeat('z', 0x4000) . "\r\n", 5) . "0\r\n\r\n");

// 413 from the head alone: the client waits for the answer before sending any body byte.
$c = $srv->connect();
fwrite($c, "POST /upload HTTP/1.1\r\n{$host}Content-Length: 100000000\r\n\r\n");
$r = rm_http_read($c);
printf("%-34s %d %s, %s\n", 'Content-Length over maxPackageSize', $r['status'], $r['reason'], rm_expect_eof($c) ? 'closed' : 'NOT CLOSED');

// An error after good pipelined requests: those are answered first, then the error.
$c = $srv->connect();
fwrite($c, rm_http_get('/first') . rm_http_get('/second') . "BROKEN\r\n\r\n");
echo "pipelined before an error: ", rm_http_read($c)['body'] === "pid=$pid GET /first body=0" ? 'ok' : 'wrong', ', ',
    rm_http_read($c)['body'] === "pid=$pid GET /second body=0" ? 'ok' : 'wrong', ', ', rm_http_read($c)['status'], ', ',
    rm_expect_eof($c) ? 'closed' : 'NOT CLOSED', "\n";

// A slow sender: the head dribbled byte by byte (separate writes), then a body in two writes.
$c = $srv->connect();
$req = "POST /slow HTTP/1.1\r\n{$host}Content-Length: 10\r\n\r\n";
foreach (str_split($req) as $byte) {
    fwrite($c, $byte);
    fflush($c);
    usleep(1000);   // not synchronisation: makes the bytes arrive in separate segments
}
fwrite($c, 'hello');
fflush($c);
usleep(5000);
fwrite($c, 'world');
$r = rm_http_read($c);
echo "slow sender: ", $r['status'], ' ', $r['body'] === "pid=$pid POST /slow body=10" ? 'answered' : $r['body'], "\n";

// Clients that leave in the middle of a head, of a body, of a chunked body.
foreach (["GET / HTTP/1.1\r\nHo", "POST / HTTP/1.1\r\n{$host}Content-Length: 100\r\n\r\nabc",
          "POST / HTTP/1.1\r\n{$host}Transfer-Encoding: chunked\r\n\r\n10\r\nabc"] as $half) {
    $c = $srv->connect();
    fwrite($c, $half);
    fclose($c);
}
$r = rm_http_roundtrip($good, rm_http_get('/good'));
echo "after half requests: ", $r['body'] === "pid=$pid GET /good body=0" ? 'same worker answers' : $r['body'], "\n";

// Each hostile connection was reported through onError (code 3), none of the good ones.
rm_wait(fn() => substr_count((string)@file_get_contents("$srv->dir/errors"), "\n") >= 21, 5, 'onError calls');
$codes = array_count_values(array_map(fn($l) => (int)$l, file("$srv->dir/errors")));
echo "onError calls by code: ", json_encode($codes), "\n";
echo "good client answered ", $goodAnswers, " times on one connection\n";
$fresh = rm_http_roundtrip($srv->connect(), rm_http_get('/end'))['body'];
echo str_starts_with($fresh, "pid=$pid ") ? "worker pid unchanged\n" : "worker changed: $fresh\n";
echo str_contains($srv->log(), 'exit') || str_contains($srv->log(), 'signal') ? "worker exit logged:\n" . $srv->log() : "no worker exit logged\n";
?>
--EXPECT--
bad request line                   400 Bad Request, closed
space in target                    400 Bad Request, closed
bad protocol name                  400 Bad Request, closed
unsupported version                505 HTTP Version Not Supported, closed
missing Host on 1.1                400 Bad Request, closed
CR injected in a header value      400 Bad Request, closed
bare LF between headers            400 Bad Request, closed
obsolete line folding              400 Bad Request, closed
NUL in a header value              400 Bad Request, closed
space in a header name             400 Bad Request, closed
Content-Length + chunked           400 Bad Request, closed
chunked + Content-Length           400 Bad Request, closed
two different Content-Lengths      400 Bad Request, closed
negative Content-Length            400 Bad Request, closed
bad chunk size                     400 Bad Request, closed
chunk without its CRLF             400 Bad Request, closed
oversized header block             431 Request Header Fields Too Large, closed
too many headers                   431 Request Header Fields Too Large, closed
oversized chunked body             413 Payload Too Large, closed
Content-Length over maxPackageSize 413 Payload Too Large, closed
pipelined before an error: ok, ok, 400, closed
slow sender: 200 answered
after half requests: same worker answers
onError calls by code: {"3":21}
good client answered 20 times on one connection
worker pid unchanged
no worker exit logged
