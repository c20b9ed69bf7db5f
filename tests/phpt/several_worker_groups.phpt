--TEST--
Several Worker groups in one server: each serves its own address and protocol with its own count and name; status lists every worker
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$p2 = rm_free_port();
$srv = new RmServer(str_replace('P2', (string)$p2, <<<'PHP'
$text = new Worker("text://127.0.0.1:$PORT");
$text->name = 'texts';
$text->count = 3;
$text->onMessage = fn($c, $d) => $c->send("{$c->worker->name}/{$c->protocol}: $d");
$frame = new Worker("frame://127.0.0.1:P2");
$frame->name = 'frames';
$frame->count = 2;
$frame->onMessage = fn($c, $d) => $c->send("{$c->worker->name}/{$c->protocol}: $d");
$bg = new Worker();
$bg->name = 'background';
Worker::runAll();
PHP));
$srv->start();
$c = $srv->connect();
fwrite($c, "hello\n");
echo rm_read_line($c), "\n";
$f = rm_wait(fn() => @stream_socket_client("tcp://127.0.0.1:$p2", $e, $s, 1), 10, 'frame port');
fwrite($f, pack('N', 9) . 'hello');
$len = unpack('N', fread($f, 4))[1];
echo fread($f, $len - 4), "\n";
[$code, $out] = $srv->cli('status --json');
$groups = [];
foreach (json_decode($out, true)['processes'] as $p) {
    if ($p['role'] === 'worker') $groups[$p['group']][] = $p['slot'];
}
ksort($groups);
foreach ($groups as $g => $slots) { sort($slots); echo "$g: ", implode(',', $slots), "\n"; }
?>
--EXPECT--
texts/text: hello
frames/frame: hello
background: 0
frames: 0,1
texts: 0,1,2
