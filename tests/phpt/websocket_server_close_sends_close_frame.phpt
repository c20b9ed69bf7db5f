--TEST--
websocket://: $conn->close() sends a close frame with 1000 (the client sees a clean close, not 1006); a message sent before it arrives first
--EXTENSIONS--
ringmaster
--SKIPIF--
<?php require __DIR__ . '/_http.inc'; rm_node_skipif(); ?>
--FILE--
<?php
require __DIR__ . '/_server.inc';
require __DIR__ . '/_http.inc';
$srv = new RmServer(<<<'PHP'
$ws = new Worker("websocket://127.0.0.1:$PORT");
$ws->onMessage = function ($conn, $msg) {
    if ($msg === 'bye') $conn->close('last words');
};
Worker::runAll();
PHP);
$srv->start();
[$code, $out] = rm_node($srv->dir, <<<'JS'
const WebSocket = require('ws');
const ws = new WebSocket(`ws://127.0.0.1:${process.argv[2]}/`);
ws.on('open', () => ws.send('bye'));
ws.on('message', (m) => console.log('message ' + m.toString()));
ws.on('close', (code, reason) => { console.log('close ' + code); process.exit(0); });
ws.on('error', (e) => { console.log('error ' + e.message); process.exit(1); });
JS, [$srv->port]);
echo $out, "\n";
echo "node exit $code\n";
// A raw client sees the frame itself: opcode 8 with status 1000.
$c = rm_ws_open($srv->port);
fwrite($c, rm_ws_frame(1, 'bye'));
echo "raw close code ", rm_ws_read_close($c), "\n";
?>
--EXPECT--
message last words
close 1000
node exit 0
raw close code 1000
