--TEST--
CLI: start when the port is already in use exits 1 with a message naming the address, and leaves no pid file
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$w = new Worker("text://127.0.0.1:$PORT");
Worker::runAll();
PHP);
$squatter = stream_socket_server("tcp://127.0.0.1:{$srv->port}", $errno, $errstr);
foreach (['start -d', 'start'] as $args) {
    [$code, $out, $err] = $srv->cli($args);
    echo "$args: exit $code\n";
    echo str_contains($out . $err, "127.0.0.1:{$srv->port}") ? "names the address\n" : "message: $out$err\n";
    echo is_file($srv->pidFile) ? "pid file written\n" : "no pid file\n";
}
?>
--EXPECT--
start -d: exit 1
names the address
no pid file
start: exit 1
names the address
no pid file
