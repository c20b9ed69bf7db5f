--TEST--
Assigning a non-callable to $connection->onMessage throws a TypeError naming the property; a valid one overrides the Worker's
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$w = new Worker("text://127.0.0.1:$PORT");
$w->onConnect = function (TcpConnection $c) {
    try {
        $c->onMessage = 'no_such_function';
        $c->send('accepted');
    } catch (TypeError $e) {
        $c->send(get_class($e) . ': ' . $e->getMessage());
    }
    try {
        $c->onClose = [1, 2];
    } catch (TypeError $e) {
        $c->send(get_class($e) . ': ' . $e->getMessage());
    }
    $c->onMessage = fn($c, $d) => $c->send("connection handler: $d");
};
$w->onMessage = fn($c, $d) => $c->send("worker handler: $d");
Worker::runAll();
PHP);
$srv->start();
$c = $srv->connect();
echo rm_read_line($c), "\n", rm_read_line($c), "\n";
fwrite($c, "hi\n");
echo rm_read_line($c), "\n";
?>
--EXPECTF--
TypeError: Ringmaster\TcpConnection::$onMessage must be a valid callback or null, function "no_such_function" not found or invalid function name
TypeError: Ringmaster\TcpConnection::$onClose must be a valid callback or null, %s
connection handler: hi
