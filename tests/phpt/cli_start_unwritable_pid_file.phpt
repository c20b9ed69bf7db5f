--TEST--
CLI: start with a pid file that cannot be written exits 1 with a message naming the path, and does not keep the port
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
// A path under a regular file: unwritable even for root.
Worker::$pidFile = __FILE__ . '/server.pid';
$w = new Worker("text://127.0.0.1:$PORT");
Worker::runAll();
PHP);
[$code, $out, $err] = $srv->cli('start -d');
echo "exit $code\n";
echo str_contains($out . $err, $srv->script . '/server.pid') ? "names the path\n" : "message: $out$err\n";
echo $srv->connectable() ? "port open\n" : "port closed\n";
$probe = @stream_socket_server("tcp://127.0.0.1:{$srv->port}");
echo $probe ? "port free again\n" : "port still taken\n";
?>
--EXPECT--
exit 1
names the path
port closed
port free again
