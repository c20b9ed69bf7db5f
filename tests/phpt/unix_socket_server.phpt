--TEST--
unix:// serves raw bytes on a Unix stream socket with several workers; stop closes it
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$w = new Worker("unix://$DIR/app.sock");
$w->count = 2;
$w->onConnect = fn($c) => $c->send("hello from {$c->protocol}\n");
$w->onMessage = fn($c, $d) => $c->send(strtoupper($d));
Worker::runAll();
PHP);
[$code, $out, $err] = $srv->cli('start -d');
echo "start exit $code\n";
$sock = "$srv->dir/app.sock";
$c = rm_wait(fn() => @stream_socket_client("unix://$sock", $e, $s, 1), 10, 'unix socket');
stream_set_timeout($c, 5);
echo rm_read_line($c), "\n";
fwrite($c, "abc\n");
echo rm_read_line($c), "\n";
printf("mode %o\n", fileperms($sock) & 0170000);
[$code] = $srv->stop();
echo "stop exit $code\n";
echo @stream_socket_client("unix://$sock", $e, $s, 1) ? "still accepting\n" : "closed\n";
?>
--EXPECT--
start exit 0
hello from unix
ABC
mode 140000
stop exit 0
closed
