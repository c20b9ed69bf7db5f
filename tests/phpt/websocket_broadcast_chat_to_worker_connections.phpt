--TEST--
websocket:// chat: a message is broadcast to every connection of the worker ($worker->connections), a welcome sent in onWebSocketConnect arrives after the 101, leaving members are announced, closed connections leave $worker->connections
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_http.inc';
$srv = new RmServer(<<<'PHP'
use Ringmaster\Http\Request;
$w = new Worker("websocket://127.0.0.1:$PORT");
$w->count = 1;
$broadcast = function (Worker $w, string $text) {
    foreach ($w->connections as $c) {
        if (isset($c->nick)) $c->send($text);
    }
};
$w->onWebSocketConnect = function (TcpConnection $c, Request $r) use ($broadcast) {
    $c->nick = $r->get('nick', 'anon');
    $c->send("welcome {$c->nick}");                 // queued before the 101 is even sent
    $broadcast($c->worker, "+{$c->nick}");
};
$w->onMessage = function (TcpConnection $c, string $text) use ($broadcast) {
    if ($text === '/who') {
        $names = [];
        foreach ($c->worker->connections as $o) if (isset($o->nick)) $names[] = $o->nick;
        sort($names);
        $c->send('members ' . implode(',', $names));
        return;
    }
    $broadcast($c->worker, "{$c->nick}: $text");
};
$w->onClose = function (TcpConnection $c) use ($broadcast) {
    if (!isset($c->nick)) return;
    $nick = $c->nick;
    unset($c->nick);                                 // not a member any more
    $broadcast($c->worker, "-$nick");
};
Worker::runAll();
PHP);
$srv->start();
$next = fn($c) => rm_ws_read($c)['payload'];

$alice = rm_ws_open($srv->port, '/chat?nick=alice');
echo "alice: ", $next($alice), " | ", $next($alice), "\n";
$bob = rm_ws_open($srv->port, '/chat?nick=bob');
echo "bob: ", $next($bob), " | ", $next($bob), "\n";
echo "alice sees: ", $next($alice), "\n";
$carol = rm_ws_open($srv->port, '/chat?nick=carol');
echo "carol: ", $next($carol), " | ", $next($carol), "\n";
echo "alice sees: ", $next($alice), "; bob sees: ", $next($bob), "\n";

fwrite($bob, rm_ws_frame(1, 'hello all'));
foreach (['alice' => $alice, 'bob' => $bob, 'carol' => $carol] as $name => $c) echo "$name got: ", $next($c), "\n";

fwrite($carol, rm_ws_frame(8, pack('n', 1000)));
echo "carol's close echoed: ", unpack('n', rm_ws_read($carol)['payload'])[1], ', then ', rm_expect_eof($carol) ? 'EOF' : 'more', "\n";
echo "alice sees a leave: ", $next($alice), "; bob too: ", $next($bob), "\n";
fwrite($alice, rm_ws_frame(1, '/who'));
echo "alice: ", $next($alice), "\n";

// Many members: one message reaches all of them.
$many = [];
for ($i = 0; $i < 20; $i++) {
    $many[$i] = rm_ws_open($srv->port, "/chat?nick=m$i");
    $next($many[$i]);   // welcome
}
fwrite($alice, rm_ws_frame(1, 'to everyone'));
$ok = 0;
foreach ($many as $i => $c) {
    while (($m = $next($c)) !== 'alice: to everyone') {
        if ($m[0] !== '+') { echo "m$i got $m\n"; break; }   // joins of later members come first
    }
    $ok += $m === 'alice: to everyone';
}
echo "20 more members got alice's message: $ok\n";
?>
--EXPECT--
alice: welcome alice | +alice
bob: welcome bob | +bob
alice sees: +bob
carol: welcome carol | +carol
alice sees: +carol; bob sees: +carol
alice got: bob: hello all
bob got: bob: hello all
carol got: bob: hello all
carol's close echoed: 1000, then EOF
alice sees a leave: -carol; bob too: -carol
alice: members alice,bob
20 more members got alice's message: 20
