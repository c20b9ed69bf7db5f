--TEST--
AsyncTcpConnection from a worker to servers of the same script: text:// (sends made before connect arrive in order, onConnect, onMessage, onClose when the server closes, reconnect(0.1) connects again), ws:// (handshake, early send delivered after it, path and query reach the server, websocketType selects binary frames), a refused connect -> onError code 1, and reconnect(0) from onError retries
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_http.inc';
$wsPort = rm_free_port();
$downPort = rm_free_port();   // nothing listens there
$srv = new RmServer("\$WSPORT = $wsPort;\n\$DOWNPORT = $downPort;\n" . <<<'PHP'
use Ringmaster\AsyncTcpConnection;
use Ringmaster\Http\Request;

$text = new Worker("text://127.0.0.1:$PORT");
$text->name = 'text-server';
$text->onMessage = function (TcpConnection $c, string $d) {
    if ($d === 'bye') {
        $c->close('closing');
        return;
    }
    $c->send("echo:$d");
};

$ws = new Worker("websocket://127.0.0.1:$WSPORT");
$ws->name = 'ws-server';
$ws->onWebSocketConnect = function (TcpConnection $c, Request $r) { $c->uri = $r->uri(); };
$ws->onMessage = function (TcpConnection $c, string $d) {
    // Echo in the frame type that fits: a text frame must carry UTF-8.
    $c->websocketType = preg_match('//u', $d) ? TcpConnection::BINARY_TYPE_BLOB : TcpConnection::BINARY_TYPE_ARRAYBUFFER;
    $c->send("ws{$c->uri}:$d");
};

$client = new Worker();
$client->name = 'client';
$client->onWorkerStart = function () use ($PORT, $WSPORT, $DOWNPORT, $DIR) {
    $log = fn(string $file, string $line) => file_put_contents("$DIR/$file", "$line\n", FILE_APPEND);

    $a = new AsyncTcpConnection("text://127.0.0.1:$PORT");
    $a->connects = 0;
    $a->onConnect = function (AsyncTcpConnection $a) use ($log) {
        $a->connects++;
        $log('text', "connect #{$a->connects} " . $a->getStatus());
        if ($a->connects === 2) $a->send('again');
    };
    $a->onMessage = function (AsyncTcpConnection $a, string $d) use ($log) {
        $log('text', "got $d");
        if ($d === 'echo:three') $a->send('bye');
        if ($d === 'echo:again') $a->close();
    };
    $a->onClose = function (AsyncTcpConnection $a) use ($log) {
        $log('text', "close after connect #{$a->connects}");
        if ($a->connects === 1) $a->reconnect(0.1);
    };
    $r1 = $a->send('one');
    $a->send('two');
    $a->connect();
    $r3 = $a->send('three');
    $log('text', 'send before the connection is up returned ' . var_export($r1, true) . ', ' . var_export($r3, true));

    $b = new AsyncTcpConnection("ws://127.0.0.1:$WSPORT/feed?x=1");
    $b->onConnect = function (AsyncTcpConnection $b) use ($log) {
        $log('ws', 'connect');
        $b->send('late');
    };
    $b->onMessage = function (AsyncTcpConnection $b, string $d) use ($log) {
        $log('ws', 'got ' . (str_ends_with($d, "\xFF\xFE") ? substr($d, 0, -2) . '<binary>' : $d));
        if (str_ends_with($d, ':late')) {
            // Bytes that are not UTF-8: the server accepts them only in a binary frame.
            $b->websocketType = TcpConnection::BINARY_TYPE_ARRAYBUFFER;
            $b->send("bin\xFF\xFE");
        }
        if (str_ends_with($d, "\xFF\xFE")) $b->close();
    };
    $b->onClose = fn() => $log('ws', 'close');
    $b->send('early');
    $b->connect();

    // Nothing holds $c but its connection and then its pending reconnect: it must survive.
    $c = new AsyncTcpConnection("tcp://127.0.0.1:$DOWNPORT");
    $c->attempts = 0;
    $c->onConnect = fn() => $log('refused', 'connected?!');
    $c->onError = function ($c, int $code, string $msg) use ($log) {
        $c->attempts++;
        $log('refused', "attempt {$c->attempts}: error code $code: " . (str_contains($msg, 'refused') ? 'refused' : $msg));
        if ($c->attempts < 3) $c->reconnect(0);
        else $log('refused', 'gave up');
    };
    $c->connect();
};
Worker::runAll();
PHP);
$srv->start();
$read = fn(string $f) => (string)@file_get_contents("$srv->dir/$f");
rm_wait(fn() => str_contains($read('text'), 'close after connect #2'), 10, 'the text client to finish');
echo "== text\n", $read('text');
rm_wait(fn() => str_contains($read('ws'), 'close'), 10, 'the ws client to finish');
echo "== ws\n", $read('ws');
rm_wait(fn() => str_contains($read('refused'), 'gave up'), 10, 'the refused connects to be reported');
echo "== refused\n", $read('refused');
?>
--EXPECT--
== text
send before the connection is up returned NULL, NULL
connect #1 ESTABLISHED
got echo:one
got echo:two
got echo:three
got closing
close after connect #1
connect #2 ESTABLISHED
got echo:again
close after connect #2
== ws
connect
got ws/feed?x=1:early
got ws/feed?x=1:late
got ws/feed?x=1:bin<binary>
close
== refused
attempt 1: error code 1: refused
attempt 2: error code 1: refused
attempt 3: error code 1: refused
gave up
