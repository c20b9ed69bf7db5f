--TEST--
$connection->maxPackageSize set on a live connection applies to that connection only: an oversized line there gets onError(3) and a close, the same line elsewhere is served
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$w = new Worker("text://127.0.0.1:$PORT");
$w->onMessage = function ($c, $d) {
    if ($d === 'limit') { $c->maxPackageSize = 100; $c->send('limited'); return; }
    $c->send('got ' . strlen($d));
};
$w->onError = function ($c, $code, $msg) use ($DIR) { file_put_contents("$DIR/errors", "onError $code\n", FILE_APPEND); };
Worker::runAll();
PHP);
$srv->start();
$limited = $srv->connect();
$free = $srv->connect();
fwrite($limited, "limit\n");
echo rm_read_line($limited), "\n";
$line = str_repeat('z', 500) . "\n";
fwrite($free, $line);
echo rm_read_line($free), "\n";
fwrite($limited, $line);
$rest = stream_get_contents($limited);
echo $rest === '' ? "limited connection closed\n" : "limited connection answered: " . trim($rest) . "\n";
rm_wait(fn() => is_file("$srv->dir/errors"), 5, 'onError');
echo file_get_contents("$srv->dir/errors");
?>
--EXPECT--
limited
got 500
limited connection closed
onError 3
