--TEST--
http:// under ab -k (HTTP/1.0 keep-alive, 4000 GETs and 2000 urlencoded POSTs, 32 concurrent): complete, zero failed requests, zero non-2xx, every request kept alive
--EXTENSIONS--
ringmaster
--SKIPIF--
<?php if (!shell_exec('command -v ab')) die('skip ab (apache2-utils) missing'); ?>
--FILE--
<?php
require __DIR__ . '/_http.inc';
$srv = new RmServer(<<<'PHP'
use Ringmaster\Http\Request;
$w = new Worker("http://127.0.0.1:$PORT");
$w->count = 2;
$w->onMessage = function (TcpConnection $c, Request $r) {
    // A fixed-length answer: ab counts answers of another length as failed requests.
    $c->send($r->method() === 'POST' ? sprintf('%08d', strlen($r->post('data', ''))) : 'hello-ab');
};
Worker::runAll();
PHP);
$srv->start();

function ab_summary(string $out): string
{
    $get = fn($re, $missing = '?') => preg_match($re, $out, $m) ? $m[1] : $missing;
    $s = 'complete=' . $get('~Complete requests:\s+(\d+)~') . ' failed=' . $get('~Failed requests:\s+(\d+)~')
        . ' keep-alive=' . $get('~Keep-Alive requests:\s+(\d+)~')
        . ' non-2xx=' . $get('~Non-2xx responses:\s+(\d+)~', '0');   // ab prints it only when > 0
    return $s;
}
$url = "http://127.0.0.1:{$srv->port}/";
$out = shell_exec("ab -k -q -n 4000 -c 32 -s 10 $url 2>&1");
echo "GET:  ", ab_summary($out), "\n";
file_put_contents("$srv->dir/post.txt", 'data=' . str_repeat('x', 3000));
$out = shell_exec("ab -k -q -n 2000 -c 32 -s 10 -p " . escapeshellarg("$srv->dir/post.txt")
    . " -T application/x-www-form-urlencoded $url 2>&1");
echo "POST: ", ab_summary($out), "\n";
?>
--EXPECT--
GET:  complete=4000 failed=0 keep-alive=4000 non-2xx=0
POST: complete=2000 failed=0 keep-alive=2000 non-2xx=0
