<?php
// A chat room: a websocket:// Worker broadcasts every message to all its connections, and an
// http:// Worker in the same script serves the page that talks to it.
//
//   php -d extension=$PWD/modules/ringmaster.so examples/websocket_chat.php start
//   open http://localhost:8090/ in two browser tabs      (PORT=8090 by default; the
//   WebSocket listens on PORT+1, or WS_PORT)
//
// Broadcasting walks $worker->connections, which holds the connections of this process only,
// so the chat has one worker: with several, each would be a separate room. (Scaling out needs
// a shared channel between workers, e.g. Redis pub/sub.)
use Ringmaster\Http\Request;
use Ringmaster\Http\Response;
use Ringmaster\TcpConnection;
use Ringmaster\Worker;

$httpPort = (int)(getenv('PORT') ?: 8090);
$wsPort = (int)(getenv('WS_PORT') ?: $httpPort + 1);

$chat = new Worker("websocket://0.0.0.0:$wsPort");
$chat->name = 'chat';
$chat->count = 1;

function broadcast(Worker $worker, array $event): void
{
    $frame = json_encode($event, JSON_UNESCAPED_UNICODE);
    foreach ($worker->connections as $conn) {
        if (isset($conn->nick)) $conn->send($frame);
    }
}

$chat->onWebSocketConnect = function (TcpConnection $conn, Request $req) {
    // ws://host:port/?nick=ada ; refuse (by closing) a connection without a usable nick.
    $nick = trim((string)$req->get('nick', ''));
    if (!preg_match('/^[^\x00-\x1f]{1,32}$/u', $nick)) {   // 1-32 characters of valid UTF-8
        $conn->close();
        return;
    }
    $conn->nick = $nick;
    broadcast($conn->worker, ['type' => 'join', 'nick' => $nick, 'online' => online($conn->worker)]);
};

$chat->onMessage = function (TcpConnection $conn, string $text) {
    // Text frames are valid UTF-8 (the server closed the connection otherwise), so the
    // message can be relayed as it is; overlong ones are dropped rather than cut mid-character.
    $text = trim($text);
    if ($text !== '' && strlen($text) <= 4000) {
        broadcast($conn->worker, ['type' => 'say', 'nick' => $conn->nick, 'text' => $text]);
    }
};

$chat->onClose = function (TcpConnection $conn) {
    if (!isset($conn->nick)) return;
    $nick = $conn->nick;
    unset($conn->nick);
    broadcast($conn->worker, ['type' => 'leave', 'nick' => $nick, 'online' => online($conn->worker)]);
};

function online(Worker $worker): int
{
    $n = 0;
    foreach ($worker->connections as $conn) $n += isset($conn->nick);
    return $n;
}

$page = new Worker("http://0.0.0.0:$httpPort");
$page->name = 'chat-page';
$page->count = 1;
$page->onMessage = function (TcpConnection $conn, Request $req) use ($wsPort) {
    if ($req->path() !== '/') {
        $conn->send(new Response(404, [], 'not found'));
        return;
    }
    $html = str_replace('{{WS_PORT}}', (string)$wsPort, CHAT_PAGE);
    $conn->send(new Response(200, ['Content-Type' => 'text/html; charset=utf-8'], $html));
};

const CHAT_PAGE = <<<'HTML'
<!doctype html>
<meta charset="utf-8">
<title>Ringmaster chat</title>
<style>
  body { font: 15px system-ui, sans-serif; max-width: 40em; margin: 2em auto; }
  #log { border: 1px solid #ccc; height: 20em; overflow-y: auto; padding: .5em; }
  .sys { color: #888; }
</style>
<h1>Ringmaster chat</h1>
<div id="log"></div>
<form id="f"><input id="msg" autocomplete="off" size="50" placeholder="say something"> <button>Send</button></form>
<script>
  const nick = prompt('Your name?') || 'guest' + Math.floor(Math.random() * 1000);
  const ws = new WebSocket(`ws://${location.hostname}:{{WS_PORT}}/?nick=${encodeURIComponent(nick)}`);
  const log = document.getElementById('log');
  const line = (text, cls) => {
    const p = document.createElement('div');
    p.textContent = text;
    if (cls) p.className = cls;
    log.append(p);
    log.scrollTop = log.scrollHeight;
  };
  ws.onmessage = (e) => {
    const ev = JSON.parse(e.data);
    if (ev.type === 'say') line(`${ev.nick}: ${ev.text}`);
    else line(`${ev.nick} ${ev.type === 'join' ? 'joined' : 'left'} (${ev.online} online)`, 'sys');
  };
  ws.onclose = (e) => line(`disconnected (${e.code})`, 'sys');
  document.getElementById('f').onsubmit = (e) => {
    e.preventDefault();
    const input = document.getElementById('msg');
    if (input.value) ws.send(input.value);
    input.value = '';
  };
</script>
HTML;

Worker::runAll();
