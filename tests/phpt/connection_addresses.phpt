--TEST--
getRemoteIp/Port/Address and getLocalIp/Port/Address report both ends of the socket as the client sees them
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$w = new Worker("text://127.0.0.1:$PORT");
$w->onConnect = function ($c) {
    $c->send(implode(' ', [$c->getRemoteIp(), $c->getRemotePort(), $c->getRemoteAddress(),
                           $c->getLocalIp(), $c->getLocalPort(), $c->getLocalAddress()]));
};
Worker::runAll();
PHP);
$srv->start();
$c = $srv->connect();
[$rip, $rport, $raddr, $lip, $lport, $laddr] = explode(' ', rm_read_line($c));
$mine = stream_socket_get_name($c, false);
echo $raddr === $mine ? "remote address is the client's\n" : "remote $raddr, client $mine\n";
echo "$rip:$rport" === $mine ? "remote ip and port agree\n" : "remote $rip:$rport\n";
echo $laddr === "127.0.0.1:{$srv->port}" ? "local address is the server's\n" : "local $laddr\n";
echo $lip, ' ', $lport == $srv->port ? 'port ok' : "port $lport", "\n";
?>
--EXPECT--
remote address is the client's
remote ip and port agree
local address is the server's
127.0.0.1 port ok
