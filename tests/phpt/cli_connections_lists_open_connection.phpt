--TEST--
CLI: connections lists an open connection with its remote address and worker; --json parses; a closed one disappears
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$w = new Worker("text://127.0.0.1:$PORT");
$w->name = 'chat';
$w->onMessage = fn($c, $d) => $c->send("id {$c->id}");
Worker::runAll();
PHP);
$srv->start();
$c = $srv->connect();
fwrite($c, "x\n");
$id = (int)substr(rm_read_line($c), 3);
$mine = stream_socket_get_name($c, false);
[$code, $out] = $srv->cli('connections');
echo "connections exit $code\n";
echo str_contains($out, "remote=$mine") && str_contains($out, "id=$id ") && str_contains($out, 'worker=chat')
    ? "lists this connection\n" : "listing: $out\n";
[$code, $out] = $srv->cli('connections --json');
$list = json_decode($out, true);
echo is_array($list) ? "json parses\n" : "json: $out\n";
echo $list['ok'] === true ? "ok=true\n" : "ok missing\n";
$conns = array_merge(...array_column($list['workers'], 'connections'));
$match = array_values(array_filter($conns, fn($x) => is_array($x) && ($x['remote'] ?? '') === $mine));
echo count($match) === 1 ? "one entry: {$match[0]['worker']} {$match[0]['protocol']} {$match[0]['state']}\n" : "entries: $out\n";
fclose($c);
rm_wait(function () use ($srv, $mine) { [, $out] = $srv->cli('connections'); return !str_contains($out, $mine); }, 5, 'closed connection to disappear');
echo "closed connection gone\n";
?>
--EXPECT--
connections exit 0
lists this connection
json parses
ok=true
one entry: chat text established
closed connection gone
