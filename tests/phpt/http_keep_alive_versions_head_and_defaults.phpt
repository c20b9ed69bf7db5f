--TEST--
http:// with curl and raw clients: keep-alive reuses one connection, HTTP/1.0 closes unless it asks for keep-alive, Connection: close is honoured, HEAD sends no body, a plain string is 200 text/html with Date and Server, an answer may come later from a timer
--EXTENSIONS--
ringmaster
--SKIPIF--
<?php if (!is_executable('/usr/bin/curl') && !shell_exec('command -v curl')) die('skip curl missing'); ?>
--FILE--
<?php
require __DIR__ . '/_http.inc';
$srv = new RmServer(<<<'PHP'
use Ringmaster\Http\Request;
use Ringmaster\Http\Response;
$w = new Worker("http://127.0.0.1:$PORT");
$w->count = 1;
$w->onMessage = function (TcpConnection $c, Request $r) {
    switch ($r->path()) {
        case '/conn':
            $c->send(new Response(200, ['Content-Type' => 'text/plain'], "conn={$c->id} v=" . $r->protocolVersion()));
            break;
        case '/later':
            Timer::add(0.05, fn() => $c->send('answered later'), [], false);
            break;
        default:
            $c->send('<b>plain</b>');
    }
};
Worker::runAll();
PHP);
$srv->start();
$base = "http://127.0.0.1:{$srv->port}";

echo "-- keep-alive: three transfers, one connection\n";
$out = rm_curl("-w ' connects=%{num_connects}\\n' $base/conn $base/conn $base/conn");
preg_match_all('~conn=(\d+) v=1\.1 connects=(\d)~', $out, $m);
echo "connects: ", implode(',', $m[2]), "; same server connection: ", count(array_unique($m[1])) === 1 ? 'yes' : 'no', "\n";

echo "-- HTTP/1.0 without keep-alive\n";
$out = rm_curl("--http1.0 -i -w ' connects=%{num_connects}\\n' $base/conn $base/conn");
echo preg_match_all('~^HTTP/1\.0 200 OK~m', $out), " responses HTTP/1.0 200; ";
echo "Connection: close x", preg_match_all('~^Connection: close~mi', $out), "; ";
preg_match_all('~conn=(\d+) v=1\.0 connects=(\d)~', $out, $m);
echo "connects: ", implode(',', $m[2]), "\n";

echo "-- HTTP/1.0 with keep-alive\n";
$out = rm_curl("--http1.0 -i -H 'Connection: keep-alive' -w ' connects=%{num_connects}\\n' $base/conn $base/conn");
echo "Connection: keep-alive x", preg_match_all('~^Connection: keep-alive~mi', $out), "; ";
preg_match_all('~conn=(\d+) v=1\.0 connects=(\d)~', $out, $m);
echo "connects: ", implode(',', $m[2]), "; same server connection: ", count(array_unique($m[1])) === 1 ? 'yes' : 'no', "\n";

echo "-- HTTP/1.0 keep-alive on a raw connection: the server keeps it open\n";
$c = $srv->connect();
$r = rm_http_roundtrip($c, "GET /conn HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
echo $r['version'], ' ', $r['status'], ' ', $r['headers']['connection'][0], ' length ok: ', var_export((int)$r['headers']['content-length'][0] === strlen($r['body']), true), "\n";
$r2 = rm_http_roundtrip($c, "GET /conn HTTP/1.0\r\n\r\n");
echo $r2['body'] === $r['body'] ? "second request on the same connection\n" : "different connection\n";
echo $r2['headers']['connection'][0], '; then EOF: ', var_export(rm_expect_eof($c), true), "\n";

echo "-- Connection: close on HTTP/1.1\n";
$c = $srv->connect();
$r = rm_http_roundtrip($c, rm_http_get('/conn', "Connection: close\r\n"));
echo $r['status'], ' ', $r['headers']['connection'][0], '; then EOF: ', var_export(rm_expect_eof($c), true), "\n";
$out = rm_curl("-H 'Connection: close' -w ' connects=%{num_connects}\\n' $base/conn $base/conn");
preg_match_all('~connects=(\d)~', $out, $m);
echo "curl connects: ", implode(',', $m[1]), "\n";

echo "-- HEAD: the head of the GET answer, no body; the connection stays usable\n";
$c = $srv->connect();
$get = rm_http_roundtrip($c, rm_http_get('/'));
$head = rm_http_roundtrip($c, "HEAD / HTTP/1.1\r\nHost: x\r\n\r\n", true);
echo $head['status'], ' Content-Length ', $head['headers']['content-length'][0], ' (GET body ', strlen($get['body']), ")\n";
$after = rm_http_roundtrip($c, rm_http_get('/conn'));    // would be garbled had HEAD sent a body
echo "after HEAD: ", $after['status'], ' ', preg_replace('/\d+/', 'N', $after['body']), "\n";
$out = rm_curl("-sI $base/");
echo "curl -I: ", trim(strtok($out, "\n")), "\n";

echo "-- a plain string: 200 text/html, with Date and Server\n";
echo $get['status'], ' ', $get['reason'], ' ', $get['headers']['content-type'][0], ' ', $get['body'], "\n";
echo "Server: ", $get['headers']['server'][0], "\n";
$date = $get['headers']['date'][0];
echo "Date is an IMF-fixdate within 5 s: ",
    preg_match('~^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$~', $date)
    && abs(strtotime($date) - time()) <= 5 ? 'yes' : "no ($date)", "\n";

echo "-- an answer sent later from a timer, then the connection is reused\n";
$r = rm_http_roundtrip($c, rm_http_get('/later'));
echo $r['status'], ' ', $r['body'], "\n";
$r = rm_http_roundtrip($c, rm_http_get('/'));
echo $r['status'], ' ', $r['body'], "\n";
?>
--EXPECT--
-- keep-alive: three transfers, one connection
connects: 1,0,0; same server connection: yes
-- HTTP/1.0 without keep-alive
2 responses HTTP/1.0 200; Connection: close x2; connects: 1,1
-- HTTP/1.0 with keep-alive
Connection: keep-alive x2; connects: 1,0; same server connection: yes
-- HTTP/1.0 keep-alive on a raw connection: the server keeps it open
1.0 200 keep-alive length ok: true
second request on the same connection
close; then EOF: true
-- Connection: close on HTTP/1.1
200 close; then EOF: true
curl connects: 1,1
-- HEAD: the head of the GET answer, no body; the connection stays usable
200 Content-Length 12 (GET body 12)
after HEAD: 200 conn=N v=N.N
curl -I: HTTP/1.1 200 OK
-- a plain string: 200 text/html, with Date and Server
200 OK text/html;charset=utf-8 <b>plain</b>
Server: ringmaster
Date is an IMF-fixdate within 5 s: yes
-- an answer sent later from a timer, then the connection is reused
200 answered later
200 <b>plain</b>
