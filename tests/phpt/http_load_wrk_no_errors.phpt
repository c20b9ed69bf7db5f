--TEST--
http:// under wrk (2 s, 64 keep-alive connections, 2 workers): every response 2xx, no socket errors, and the server still answers a plain client afterwards
--EXTENSIONS--
ringmaster
--SKIPIF--
<?php if (!shell_exec('command -v wrk')) die('skip wrk missing'); ?>
--FILE--
<?php
require __DIR__ . '/_http.inc';
$srv = new RmServer(<<<'PHP'
use Ringmaster\Http\Request;
use Ringmaster\Http\Response;
$w = new Worker("http://127.0.0.1:$PORT");
$w->count = 2;
$w->onMessage = function (TcpConnection $c, Request $r) {
    // Alternate the kinds of answer: JSON Response, plain string, an answer from a timer.
    switch ($r->get('kind', 'json')) {
        case 'plain': $c->send('ok'); break;
        case 'later': Timer::add(0.001, fn() => $c->send('later'), [], false); break;
        default: $c->send(new Response(200, ['Content-Type' => 'application/json'], json_encode(['path' => $r->path(), 'q' => $r->get()])));
    }
};
Worker::runAll();
PHP);
$srv->start();

// A Lua script makes wrk rotate the three kinds of request over its connections.
file_put_contents("$srv->dir/rotate.lua", <<<'LUA'
local kinds = {"json", "plain", "later"}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/item?kind=" .. kinds[n % 3 + 1] .. "&n=" .. n)
end
LUA);
$cmd = "wrk -t2 -c64 -d2s --timeout 5s -s " . escapeshellarg("$srv->dir/rotate.lua") . " http://127.0.0.1:{$srv->port}/ 2>&1";
$out = shell_exec($cmd);
preg_match('~(\d+) requests in~', $out, $m);
$requests = (int)($m[1] ?? 0);
echo $requests > 1000 ? "wrk completed many requests\n" : "too few requests:\n$out\n";
echo preg_match('~Non-2xx or 3xx responses: (\d+)~', $out, $m) ? "non-2xx: {$m[1]}\n$out" : "no non-2xx responses\n";
echo preg_match('~Socket errors: (.*)~', $out, $m) ? "socket errors: {$m[1]}\n$out" : "no socket errors\n";
$c = $srv->connect();
$r = rm_http_roundtrip($c, rm_http_get('/after?kind=plain'));
echo "afterwards: ", $r['status'], ' ', $r['body'], "\n";
?>
--EXPECT--
wrk completed many requests
no non-2xx responses
no socket errors
afterwards: 200 ok
