--TEST--
websocket:// with Node's ws client: text echo, binary frames via websocketType (on every connection), a fragmented message reassembled, ping answered with pong and onWebSocketPing called, onWebSocketConnect sees path/query/headers and refuses by closing, close codes seen by the client both ways
--EXTENSIONS--
ringmaster
--SKIPIF--
<?php require __DIR__ . '/_http.inc'; rm_node_skipif(); ?>
--FILE--
<?php
require __DIR__ . '/_http.inc';
$srv = new RmServer(<<<'PHP'
use Ringmaster\Http\Request;
$w = new Worker("websocket://127.0.0.1:$PORT");
$w->count = 1;
$w->onWebSocketConnect = function (TcpConnection $c, Request $r) {
    $c->info = ['path' => $r->path(), 'query' => $r->get(), 'x-client' => $r->header('x-client'),
                'origin' => $r->header('origin')];
    if ($r->path() === '/refuse') {
        $c->close();
        return;
    }
    if ($r->path() === '/bin') $c->websocketType = TcpConnection::BINARY_TYPE_ARRAYBUFFER;
};
$w->onWebSocketPing = function (TcpConnection $c, string $payload) {
    $c->pings[] = $payload;
};
$w->onMessage = function (TcpConnection $c, string $data) use ($DIR) {
    if ($data === 'info') {
        $c->send(json_encode($c->info + ['pings' => $c->pings ?? []]));
    } elseif ($data === 'close please') {
        // A close frame with code 4000 and a reason, sent raw, then the connection closes.
        $c->close("\x88\x05" . pack('n', 4000) . 'bye', true);
    } else {
        $c->send($data);
    }
};
$w->onClose = function (TcpConnection $c) use ($DIR) {
    // Only WebSocket connections: start()'s readiness probe connects and closes too.
    if (isset($c->info)) file_put_contents("$DIR/closed", $c->info['path'] . "\n", FILE_APPEND);
};
Worker::runAll();
PHP);
$srv->start();

$js = <<<'JS'
const WebSocket = require('ws');
const base = `ws://127.0.0.1:${process.argv[2]}`;
const log = (...a) => console.log(...a);

// Opens a socket and collects events; step() resolves with the next message.
function open(path, opts = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(base + path, opts);
    const queue = [], waiters = [];
    ws.on('message', (data, isBinary) => {
      const m = {data, isBinary};
      waiters.length ? waiters.shift()(m) : queue.push(m);
    });
    ws.next = () => new Promise(r => queue.length ? r(queue.shift()) : waiters.push(r));
    ws.closed = new Promise(r => ws.on('close', (code, reason) => r({code, reason: reason.toString()})));
    let opened = false;
    ws.on('open', () => { opened = true; resolve(ws); });
    // After the open, an error (a frame the client finds invalid, say) fails the whole run.
    ws.on('error', e => { if (!opened) return reject(e); log('ERROR on', path + ':', e.message); process.exit(1); });
    ws.on('unexpected-response', (req, res) => reject(new Error('HTTP ' + res.statusCode)));
  });
}

(async () => {
  const t = await open('/text?room=7&tags[]=a&tags[]=b', {headers: {'X-Client': 'node'}, origin: 'http://example.test'});
  t.send('hello');
  let m = await t.next();
  log('text echo:', m.isBinary ? 'binary' : 'text', m.data.toString());
  t.send('né ✓ 日本');
  m = await t.next();
  log('utf-8 echo:', m.data.toString());
  t.send('frag-1|', {fin: false});
  t.send('frag-2|', {fin: false});
  t.send('frag-3', {fin: true});
  m = await t.next();
  log('fragmented, reassembled:', m.data.toString());
  const big = 'x'.repeat(200000);
  t.send(big);
  m = await t.next();
  log('200 KB echo intact:', m.data.toString() === big);
  const pong = new Promise(r => t.once('pong', d => r(d.toString())));
  t.ping('are you there');
  log('pong payload:', await pong);
  t.send('info');
  m = await t.next();
  log('info:', m.data.toString());
  t.close(4001, 'client done');
  const c = await t.closed;
  log('client close echoed:', c.code);

  for (const i of [1, 2]) {
    const b = await open('/bin');
    b.send(Buffer.from([0, 1, 2, 255]), {binary: true});
    m = await b.next();
    log(`binary connection ${i}:`, m.isBinary ? 'binary' : 'text', [...m.data].join(','));
    b.send('as text');
    m = await b.next();
    log(`binary connection ${i}, text in:`, m.isBinary ? 'binary' : 'text', m.data.toString());
    b.close();
    await b.closed;
  }

  const s = await open('/server-closes');
  s.send('close please');
  const sc = await s.closed;
  log('server close seen by client:', sc.code, sc.reason);

  try {
    const r = await open('/refuse');
    log('refused connection opened!');
    r.close();
  } catch (e) {
    log('refused: no open event');
  }
  done = true;
})().catch(e => { log('FAILED', e.message); process.exit(1); });
// Every step awaits an event: if one never comes, say so instead of exiting quietly.
let done = false;
process.on('beforeExit', () => { if (done) return; log('STALLED: an awaited event never came'); process.exit(1); });
JS;
[$code, $out] = rm_node($srv->dir, $js, [$srv->port]);
echo $out, "\nnode exit $code\n";
rm_wait(fn() => substr_count((string)@file_get_contents("$srv->dir/closed"), "\n") >= 5, 5, 'onClose of every connection');
$closed = file("$srv->dir/closed", FILE_IGNORE_NEW_LINES);
sort($closed);
echo "onClose: ", implode(' ', $closed), "\n";
?>
--EXPECT--
text echo: text hello
utf-8 echo: né ✓ 日本
fragmented, reassembled: frag-1|frag-2|frag-3
200 KB echo intact: true
pong payload: are you there
info: {"path":"\/text","query":{"room":"7","tags":["a","b"]},"x-client":"node","origin":"http:\/\/example.test","pings":["are you there"]}
client close echoed: 4001
binary connection 1: binary 0,1,2,255
binary connection 1, text in: binary as text
binary connection 2: binary 0,1,2,255
binary connection 2, text in: binary as text
server close seen by client: 4000 bye
refused: no open event
node exit 0
onClose: /bin /bin /refuse /server-closes /text
