--TEST--
close($data) sends what was queued, then $data (framed), then closes; onClose runs once and send() afterwards returns false
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$w = new Worker("text://127.0.0.1:$PORT");
$w->onMessage = function ($c, $d) use ($DIR) {
    $c->talked = true;
    $c->send('first');
    $c->send(str_repeat('b', 300000));   // large: still queued when close() is called
    $c->close('bye');
    $after = $c->send('too late');
    file_put_contents("$DIR/after", var_export($after, true) . ' ' . $c->getStatus());
};
$w->onClose = function ($c) use ($DIR) {
    if (empty($c->talked)) return;   // start()'s readiness probe connects too
    file_put_contents("$DIR/closes", "close {$c->getStatus()}\n", FILE_APPEND);
};
Worker::runAll();
PHP);
$srv->start();
$c = $srv->connect();
fwrite($c, "go\n");
echo rm_read_line($c), "\n";
echo strlen(rm_read_line($c)), "\n";
echo rm_read_line($c), "\n";
echo stream_get_contents($c) === '' ? "then EOF\n" : "more data\n";
rm_wait(fn() => is_file("$srv->dir/closes"), 5, 'onClose');
echo file_get_contents("$srv->dir/after"), "\n";
echo file_get_contents("$srv->dir/closes");
?>
--EXPECT--
first
300000
bye
then EOF
false CLOSING
close CLOSED
