--TEST--
destroy() closes at once without sending what is queued; onClose runs; the PHP object stays usable (status CLOSED, send false)
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$w = new Worker("text://127.0.0.1:$PORT");
$kept = [];
$w->onMessage = function ($c, $d) use (&$kept, $DIR) {
    if ($d === 'destroy') {
        $c->talked = true;
        $c->send('never sent');
        $c->destroy();
        $kept[] = $c;
        return;
    }
    $old = $kept[0];
    $c->send('old: ' . $old->getStatus() . ' ' . var_export($old->send('x'), true) . ' ' . $old->getStatus(false));
};
$w->onClose = function ($c) use ($DIR) {
    if (!empty($c->talked)) file_put_contents("$DIR/closed", "closed {$c->getStatus()}\n", FILE_APPEND);
};
Worker::runAll();
PHP);
$srv->start();
$c = $srv->connect();
fwrite($c, "destroy\n");
echo "received: ", var_export(stream_get_contents($c), true), "\n";
rm_wait(fn() => is_file("$srv->dir/closed"), 5, 'onClose');
$d = $srv->connect();
fwrite($d, "check\n");
echo rm_read_line($d), "\n";
echo file_get_contents("$srv->dir/closed");
?>
--EXPECT--
received: ''
old: CLOSED false 8
closed CLOSED
