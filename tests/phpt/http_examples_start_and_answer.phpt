--TEST--
examples/: http_json_api.php, websocket_chat.php and reload_demo/ start as shipped (ports from PORT), answer a request each, and reload_demo serves an edited handler after `reload`
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_http.inc';

/** Runs a copy of an example in a scratch directory (its pid and log files land there). */
final class ExampleRun
{
    public string $dir;
    public string $script;

    public function __construct(string $example, array $env)
    {
        $src = dirname(__DIR__, 2) . '/examples/' . $example;
        $this->dir = sys_get_temp_dir() . '/rm-example-' . getmypid() . '-' . bin2hex(random_bytes(4));
        mkdir($this->dir);
        $files = is_dir($src) ? glob("$src/*.php") : [$src];
        foreach ($files as $f) copy($f, $this->dir . '/' . basename($f));
        $this->script = $this->dir . '/' . (is_dir($src) ? 'start.php' : basename($src));
        foreach ($env as $k => $v) putenv("$k=$v");
    }

    public function cli(string $args): array
    {
        $p = proc_open(rm_php_command() . ' ' . escapeshellarg($this->script) . " $args",
            [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, $this->dir);
        $out = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
        return [proc_close($p), $out];
    }

    public function start(int $port): void
    {
        [$code, $out] = $this->cli('start -d');
        if ($code !== 0) throw new RuntimeException("start failed ($code): $out");
        rm_wait(function () use ($port) {
            $c = @stream_socket_client("tcp://127.0.0.1:$port", $e, $s, 0.2);
            return $c ? (fclose($c) || true) : false;
        }, 10, "port $port");
    }

    public function __destruct()
    {
        $this->cli('stop');
        foreach (glob($this->dir . '/*') ?: [] as $f) @unlink($f);
        @rmdir($this->dir);
    }
}

function http(int $port, string $request): array
{
    $c = stream_socket_client("tcp://127.0.0.1:$port", $errno, $errstr, 2);
    stream_set_timeout($c, 5);
    return rm_http_roundtrip($c, $request);
}

echo "-- http_json_api.php\n";
$port = rm_free_port();
$api = new ExampleRun('http_json_api.php', ['PORT' => $port]);
$api->start($port);
$body = '{"text":"buy milk ✓"}';
$r = http($port, "POST /notes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " . strlen($body) . "\r\n\r\n$body");
echo $r['status'], ' ', $r['headers']['location'][0], ' ', json_decode($r['body'], true)['text'], "\n";
$r = http($port, rm_http_get('/notes/1'));
echo $r['status'], ' ', $r['headers']['content-type'][0], ' ', json_decode($r['body'], true)['text'], "\n";
$r = http($port, rm_http_get('/notes/9'));
echo $r['status'], ' ', trim($r['body']), "\n";

echo "-- websocket_chat.php\n";
$port = rm_free_port();
$wsPort = rm_free_port();
$chat = new ExampleRun('websocket_chat.php', ['PORT' => $port, 'WS_PORT' => $wsPort]);
$chat->start($port);
rm_wait(fn() => @stream_socket_client("tcp://127.0.0.1:$wsPort", $e, $s, 0.2), 10, 'the chat port');
$r = http($port, rm_http_get('/'));
echo $r['status'], ' ', $r['headers']['content-type'][0], ' page uses the WebSocket port: ',
    str_contains($r['body'], "{$wsPort}/?nick=") && str_contains($r['body'], 'new WebSocket') ? 'yes' : 'no', "\n";
$ada = rm_ws_open($wsPort, '/?nick=ada');
echo rm_ws_read($ada)['payload'], "\n";
$bob = rm_ws_open($wsPort, '/?nick=bob');
echo rm_ws_read($ada)['payload'], "\n";
rm_ws_read($bob);
fwrite($bob, rm_ws_frame(1, 'hi ada'));
echo rm_ws_read($ada)['payload'], "\n";
try {
    rm_ws_open($wsPort, '/?nick=');
    echo "no nick: accepted?!\n";
} catch (RuntimeException $e) {
    echo "no nick: refused\n";
}

echo "-- reload_demo\n";
$port = rm_free_port();
$demo = new ExampleRun('reload_demo', ['PORT' => $port]);
$demo->start($port);
$r = http($port, rm_http_get('/'));
echo $r['status'], ' version ', $r['headers']['x-handler-version'][0], ' ', preg_replace('/\d+(\.\d+)?/', 'N', strtok($r['body'], '(')), "\n";
$handler = "$demo->dir/handler.php";
file_put_contents($handler, str_replace('const HANDLER_VERSION = 1;', 'const HANDLER_VERSION = 2;', file_get_contents($handler)));
[$code, $out] = $demo->cli('reload');
echo "reload exit $code\n";
$r = http($port, rm_http_get('/'));
echo $r['status'], ' version ', $r['headers']['x-handler-version'][0], "\n";
?>
--EXPECT--
-- http_json_api.php
201 /notes/1 buy milk ✓
200 application/json buy milk ✓
404 {"error":"no note 9"}
-- websocket_chat.php
200 text/html; charset=utf-8 page uses the WebSocket port: yes
{"type":"join","nick":"ada","online":1}
{"type":"join","nick":"bob","online":2}
{"type":"say","nick":"bob","text":"hi ada"}
no nick: refused
-- reload_demo
200 version 1 Hello from version N 
reload exit 0
200 version 2
