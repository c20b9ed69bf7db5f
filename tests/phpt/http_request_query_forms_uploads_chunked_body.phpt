--TEST--
http:// Request as curl sends it: query arrays (a[]=1&a[]=2, a[b]=1), urlencoded and JSON POST, multipart upload with files (file() info and contents, temp files removed after the request), chunked request body, headers and cookies
--EXTENSIONS--
ringmaster
--SKIPIF--
<?php if (!shell_exec('command -v curl')) die('skip curl missing'); ?>
--FILE--
<?php
require __DIR__ . '/_http.inc';
$srv = new RmServer(<<<'PHP'
use Ringmaster\Http\Request;
use Ringmaster\Http\Response;
$w = new Worker("http://127.0.0.1:$PORT");
$w->count = 1;
$w->onMessage = function (TcpConnection $c, Request $r) {
    $out = ['method' => $r->method(), 'path' => $r->path(), 'query' => $r->queryString(), 'get' => $r->get()];
    if ($r->path() === '/one') {
        $out = [$r->get('a'), $r->get('missing', 'dflt'), $r->post('name'), $r->header('X-Mixed-Case'), $r->cookie('sid'), $r->cookie()];
    }
    if ($r->method() === 'POST' && $r->path() !== '/one') {
        $out['post'] = $r->post();
        $out['raw_length'] = strlen($r->rawBody());
        $files = $r->file();
        array_walk_recursive($files, function (&$v, $k) {
            // Replace each tmp_name by what the handler sees in it, and keep the path.
            if ($k === 'tmp_name') $v = ['path' => $v, 'exists' => is_file($v), 'contents' => file_get_contents($v)];
        });
        $out['files'] = $files;
    }
    $c->send(new Response(200, ['Content-Type' => 'application/json'], json_encode($out)));
};
Worker::runAll();
PHP);
$srv->start();
$base = "http://127.0.0.1:{$srv->port}";
$show = fn(string $json) => print(json_encode(json_decode($json, true), JSON_UNESCAPED_SLASHES) . "\n");

echo "-- query arrays\n";
$show(rm_curl("-g '$base/q?a[]=1&a[]=2&b[x]=1&b[y][]=z&plain=%41+b&empty='"));
$show(rm_curl("-g '$base/one?a[]=1&a[]=2' -d 'name=N' -H 'X-Mixed-Case: yes' -b 'sid=abc%20d; other=1'"));

echo "-- urlencoded POST\n";
$show(rm_curl("--data-urlencode 'msg=hello world&more' -d 'list[]=1&list[]=2&map[k]=v' $base/form"));

echo "-- JSON POST\n";
$show(rm_curl("-H 'Content-Type: application/json' -d '{\"a\":[1,2],\"b\":{\"c\":true}}' $base/json"));
echo "-- JSON POST that is not JSON: empty post(), raw body kept\n";
$show(rm_curl("-H 'Content-Type: application/json' -d '{oops' $base/json"));

echo "-- multipart with files\n";
$dir = $srv->dir;
file_put_contents("$dir/a.txt", "contents of a\n");
file_put_contents("$dir/b.bin", "\x00\x01\x02binary\r\n--not a boundary\r\n");
$json = rm_curl("-F 'title=My upload' -F 'doc=@$dir/a.txt;type=text/plain' -F 'many[]=@$dir/b.bin' -F 'many[]=@$dir/a.txt;filename=renamed.txt' $base/upload");
$r = json_decode($json, true);
$paths = [];
array_walk_recursive($r['files'], function ($v, $k) use (&$paths) { if ($k === 'path') $paths[] = $v; });
$masked = json_encode($r, JSON_UNESCAPED_SLASHES);
echo preg_replace('~"tmp_name":\{"path":"[^"]*"~', '"tmp_name":{"path":"TMP"', $masked), "\n";
echo count($paths), " temp files, all distinct: ", count(array_unique($paths)) === count($paths) ? 'yes' : 'no', "\n";
rm_wait(fn() => !array_filter($paths, 'file_exists'), 5, 'temp files to be removed');
echo "temp files removed after the request\n";

echo "-- chunked request body\n";
$show(rm_curl("-H 'Transfer-Encoding: chunked' -d 'x=1&y=2' $base/chunked"));
$big = str_repeat('0123456789', 20000);
file_put_contents("$dir/big.txt", "big=$big");
$r = json_decode(rm_curl("-H 'Transfer-Encoding: chunked' --data-binary @$dir/big.txt $base/chunked"), true);
echo "200 KB chunked body: raw_length=", $r['raw_length'], ", field intact: ", ($r['post']['big'] ?? '') === $big ? 'yes' : 'no', "\n";

echo "-- Expect: 100-continue: the interim answer comes before the client sends the body\n";
$c = $srv->connect();
fwrite($c, "POST /expect HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    . "Content-Length: 7\r\nExpect: 100-continue\r\n\r\n");
$interim = rm_http_read($c);
echo $interim['version'], ' ', $interim['status'], ' ', $interim['reason'], "\n";
fwrite($c, 'k=v&w=x');
$show(rm_http_read($c)['body']);
$json = rm_curl("-H 'Expect: 100-continue' --expect100-timeout 30 -d 'curl=waited' $base/expect");
$show($json);

echo "-- the same chunked body hand-written in odd chunk sizes, with extensions and a trailer\n";
$c = $srv->connect();
$resp = rm_http_roundtrip($c, "POST /raw HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    . "Transfer-Encoding: chunked\r\n\r\n3;ext=1\r\nx=1\r\n1\r\n&\r\nA\r\ny=22222222\r\n0\r\nX-Trailer: t\r\n\r\n");
$show($resp['body']);
?>
--EXPECTF--
-- query arrays
{"method":"GET","path":"/q","query":"a[]=1&a[]=2&b[x]=1&b[y][]=z&plain=%41+b&empty=","get":{"a":["1","2"],"b":{"x":"1","y":["z"]},"plain":"A b","empty":""}}
[["1","2"],"dflt","N","yes","abc d",{"sid":"abc d","other":"1"}]
-- urlencoded POST
{"method":"POST","path":"/form","query":"","get":[],"post":{"msg":"hello world&more","list":["1","2"],"map":{"k":"v"}},"raw_length":49,"files":[]}
-- JSON POST
{"method":"POST","path":"/json","query":"","get":[],"post":{"a":[1,2],"b":{"c":true}},"raw_length":26,"files":[]}
-- JSON POST that is not JSON: empty post(), raw body kept
{"method":"POST","path":"/json","query":"","get":[],"post":[],"raw_length":5,"files":[]}
-- multipart with files
{"method":"POST","path":"/upload","query":"","get":[],"post":{"title":"My upload"},"raw_length":%d,"files":{"doc":{"name":"a.txt","tmp_name":{"path":"TMP","exists":true,"contents":"contents of a\n"},"size":14,"error":0,"type":"text/plain"},"many":[{"name":"b.bin","tmp_name":{"path":"TMP","exists":true,"contents":"\u0000\u0001\u0002binary\r\n--not a boundary\r\n"},"size":29,"error":0,"type":"application/octet-stream"},{"name":"renamed.txt","tmp_name":{"path":"TMP","exists":true,"contents":"contents of a\n"},"size":14,"error":0,"type":"text/plain"}]}}
3 temp files, all distinct: yes
temp files removed after the request
-- chunked request body
{"method":"POST","path":"/chunked","query":"","get":[],"post":{"x":"1","y":"2"},"raw_length":7,"files":[]}
200 KB chunked body: raw_length=200004, field intact: yes
-- Expect: 100-continue: the interim answer comes before the client sends the body
1.1 100 Continue
{"method":"POST","path":"/expect","query":"","get":[],"post":{"k":"v","w":"x"},"raw_length":7,"files":[]}
{"method":"POST","path":"/expect","query":"","get":[],"post":{"curl":"waited"},"raw_length":11,"files":[]}
-- the same chunked body hand-written in odd chunk sizes, with extensions and a trailer
{"method":"POST","path":"/raw","query":"","get":[],"post":{"x":"1","y":"22222222"},"raw_length":14,"files":[]}
