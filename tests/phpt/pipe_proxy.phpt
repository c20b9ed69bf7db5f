--TEST--
pipe(): a tiny proxy joins two accepted connections both ways (bytes intact, 500 KB with back-pressure); closing one end closes the other
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
// The proxy: the first connection is the client; the second (from the test) is paired with it.
$proxy = new Worker("tcp://127.0.0.1:$PORT");
$waiting = null;
$proxy->onMessage = function ($c, $d) use (&$waiting) {
    $c->talked = true;   // start()'s readiness probe connects too: its close is not counted
    if ($d === 'client') {
        $waiting = $c;
        $c->send('wait');
        return;
    }
    if ($d === 'peer' && $waiting) {
        $waiting->pipe($c);
        $c->pipe($waiting);
        $waiting->send('paired');
        $waiting = null;
    }
};
$proxy->onClose = function ($c) use ($DIR) {
    if (!empty($c->talked)) file_put_contents("$DIR/closed", "{$c->id}\n", FILE_APPEND);
};
Worker::runAll();
PHP);
$srv->start();
$client = $srv->connect();
fwrite($client, 'client');
echo fread($client, 100), "\n";
$peer = $srv->connect();
fwrite($peer, 'peer');
echo fread($client, 100), "\n";
fwrite($client, 'hello through the pipe');
echo fread($peer, 100), "\n";
fwrite($peer, 'and back');
echo fread($client, 100), "\n";
$big = random_bytes(500000);
fwrite($client, $big);
$got = '';
rm_wait(function () use ($peer, &$got, $big) { $got .= fread($peer, 1 << 16); return strlen($got) >= strlen($big); }, 10, 'big transfer');
echo $got === $big ? "500000 bytes piped intact\n" : "piped data differs\n";
fclose($client);
echo stream_get_contents($peer) === '' ? "peer closed too\n" : "peer got more data\n";
rm_wait(fn() => count(file("$srv->dir/closed")) === 2, 5, 'both onClose');
echo "both closed\n";
?>
--EXPECT--
wait
paired
hello through the pipe
and back
500000 bytes piped intact
peer closed too
both closed
