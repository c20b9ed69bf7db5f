--TEST--
http:// Response: status and reason, custom and repeated headers, one Set-Cookie line per cookie(), header injection refused, withFile() (contents, Content-Type, a range, a missing file -> 404), chunked streaming from a timer ended by an empty Chunk (and read to the close by an HTTP/1.0 client), 204 without body
--EXTENSIONS--
ringmaster
--SKIPIF--
<?php if (!shell_exec('command -v curl')) die('skip curl missing'); ?>
--FILE--
<?php
require __DIR__ . '/_http.inc';
$srv = new RmServer(<<<'PHP'
use Ringmaster\Http\Chunk;
use Ringmaster\Http\Request;
use Ringmaster\Http\Response;
file_put_contents("$DIR/page.html", "<h1>0123456789</h1>\n");
$w = new Worker("http://127.0.0.1:$PORT");
$w->count = 1;
$w->onMessage = function (TcpConnection $c, Request $r) use ($DIR) {
    switch ($r->path()) {
        case '/headers':
            $resp = (new Response(201, ['X-One' => '1'], 'made'))
                ->withStatus(202, 'Taken Over')
                ->withHeader('X-List', ['a', 'b'])
                ->withHeader('x-one', 'replaced')
                ->withHeader('X-Evil', "v\r\nInjected: yes")
                ->header('Content-Type', 'text/plain')
                ->cookie('plain', 'v1')
                ->cookie('odd', 'a b;c', 3600, '/p', '', true, true, 'Lax');
            $c->send($resp);
            break;
        case '/file':
            $c->send((new Response())->withFile("$DIR/page.html"));
            break;
        case '/range':
            $c->send((new Response(206))->withFile("$DIR/page.html", 4, 5));
            break;
        case '/range-past-end':
            $c->send((new Response())->withHeader('Content-Type', 'text/x-mine')->withFile("$DIR/page.html", 15, 100));
            break;
        case '/missing':
            $c->send((new Response())->withFile("$DIR/nope.html"));
            break;
        case '/stream':
            $c->send(new Response(200, ['Transfer-Encoding' => 'chunked', 'Content-Type' => 'text/plain'], "head;"));
            $n = 0;
            $id = Timer::add(0.02, function () use ($c, &$n, &$id) {
                $n++;
                $c->send(new Chunk("part$n;"));
                if ($n === 3) {
                    Timer::del($id);
                    $c->send(new Chunk(''));
                    // After the end, a Chunk has no response to belong to.
                    file_put_contents($GLOBALS['DIR'] . '/late-chunk', var_export($c->send(new Chunk('late')), true));
                }
            });
            break;
        case '/nocontent':
            $c->send(new Response(204, [], 'ignored body'));
            break;
        default:
            $c->send('default');
    }
};
Worker::runAll();
PHP);
$srv->start();
$c = $srv->connect();

echo "-- headers and cookies\n";
$r = rm_http_roundtrip($c, rm_http_get('/headers'));
echo $r['status'], ' ', $r['reason'], ' ', $r['body'], "\n";
foreach (['x-one', 'x-list', 'content-type', 'set-cookie', 'x-evil', 'injected', 'content-length'] as $h) {
    echo "$h: ", json_encode($r['headers'][$h] ?? null), "\n";
}

echo "-- withFile\n";
$page = "<h1>0123456789</h1>\n";
$r = rm_http_roundtrip($c, rm_http_get('/file'));
echo $r['status'], ' ', $r['headers']['content-type'][0], ' ', $r['headers']['content-length'][0], ' ', $r['body'] === $page ? 'same bytes' : 'DIFFERENT', "\n";
$r = rm_http_roundtrip($c, rm_http_get('/range'));
echo $r['status'], ' ', $r['headers']['content-length'][0], ' ', json_encode($r['body']), "\n";
$r = rm_http_roundtrip($c, rm_http_get('/range-past-end'));
echo $r['status'], ' ', $r['headers']['content-type'][0], ' ', $r['headers']['content-length'][0], ' ', json_encode($r['body']), "\n";
$r = rm_http_roundtrip($c, "HEAD /file HTTP/1.1\r\nHost: x\r\n\r\n", true);
echo "HEAD: ", $r['status'], ' ', $r['headers']['content-length'][0], "\n";
$r = rm_http_roundtrip($c, rm_http_get('/file'));
echo "after HEAD: ", $r['body'] === $page ? 'same bytes' : 'DIFFERENT', "\n";
$out = rm_curl("-s -o /dev/null -w '%{http_code}' http://127.0.0.1:{$srv->port}/missing");
echo "missing file: $out\n";

echo "-- chunked streaming from a timer\n";
$r = rm_http_roundtrip($c, rm_http_get('/stream'));
echo $r['status'], ' ', $r['headers']['transfer-encoding'][0], ' ', json_encode($r['headers']['content-length'] ?? null),
    ' chunks=', count($r['chunks']), ' ', $r['body'], "\n";
rm_wait(fn() => is_file("$srv->dir/late-chunk"), 5, 'late chunk');
echo "send(Chunk) after the end: ", file_get_contents("$srv->dir/late-chunk"), "\n";
$r = rm_http_roundtrip($c, rm_http_get('/'));
echo "keep-alive after the stream: ", $r['status'], ' ', $r['body'], "\n";
$r = rm_http_roundtrip($c, "HEAD /stream HTTP/1.1\r\nHost: x\r\n\r\n", true);
echo "HEAD of a stream: ", $r['status'], ' ', $r['headers']['transfer-encoding'][0], "\n";
$r = rm_http_roundtrip($c, rm_http_get('/'));   // garbled if any chunk of the HEAD answer was sent
echo "after it: ", $r['status'], ' ', $r['body'], "\n";
$out = rm_curl("-s http://127.0.0.1:{$srv->port}/stream");
echo "curl: $out\n";

echo "-- the same stream to an HTTP/1.0 client: body delimited by the close\n";
$old = $srv->connect();
$r = rm_http_roundtrip($old, "GET /stream HTTP/1.0\r\n\r\n");
echo $r['version'], ' ', $r['status'], ' ', json_encode($r['headers']['transfer-encoding'] ?? null), ' ',
    json_encode($r['headers']['content-length'] ?? null), ' ', $r['headers']['connection'][0], ' ', $r['body'], "\n";

echo "-- 204: no body, no Content-Length\n";
$r = rm_http_roundtrip($c, rm_http_get('/nocontent'));
echo $r['status'], ' ', json_encode($r['headers']['content-length'] ?? null), "\n";
$r = rm_http_roundtrip($c, rm_http_get('/'));
echo "next: ", $r['status'], ' ', $r['body'], "\n";
?>
--EXPECTF--
-- headers and cookies
202 Taken Over made
x-one: ["replaced"]
x-list: ["a","b"]
content-type: ["text\/plain"]
set-cookie: ["plain=v1","odd=a%20b%3Bc; Max-Age=3600; Expires=%s GMT; Path=\/p; Secure; HttpOnly; SameSite=Lax"]
x-evil: null
injected: null
content-length: ["4"]
-- withFile
200 text/html; charset=utf-8 20 same bytes
206 5 "01234"
200 text/x-mine 5 "\/h1>\n"
HEAD: 200 20
after HEAD: same bytes
missing file: 404
-- chunked streaming from a timer
200 chunked null chunks=4 head;part1;part2;part3;
send(Chunk) after the end: false
keep-alive after the stream: 200 default
HEAD of a stream: 200 chunked
after it: 200 default
curl: head;part1;part2;part3;
-- the same stream to an HTTP/1.0 client: body delimited by the close
1.0 200 null null close head;part1;part2;part3;
-- 204: no body, no Content-Length
204 null
next: 200 default
