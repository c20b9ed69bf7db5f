<?php
// Keep-alive HTTP load for the integration scenarios: N connections, one request in flight on
// each, driven by one stream_select loop. Every response is parsed strictly (status line,
// headers, Content-Length, body "v=<version> pid=<pid> q=<query>") and checked against the
// request it answers; anything else is counted as an error of a named kind. Runs until the
// stop file appears or --max seconds pass, lets the requests in flight finish (bounded), and
// prints a JSON summary to --out (and stdout).
//
//   php http_load_client.php --port=P --conns=N --stop=FILE --max=SECONDS --out=FILE
//       [--progress=FILE] [--timeout=SECONDS] [--host=127.0.0.1]
//
// Per connection it keeps the answers as runs of one code version: [version, count,
// first_t, last_t, second_to_last_t] (microtime), so a check can tell afterwards how many
// old-version answers a connection got after a given moment without storing every answer.

$opt = getopt('', ['port:', 'conns:', 'stop:', 'max:', 'out:', 'progress:', 'timeout:', 'host:']);
foreach (['port', 'conns', 'stop', 'max', 'out'] as $k) {
    if (!isset($opt[$k])) {
        fwrite(STDERR, "http_load_client: --$k is required\n");
        exit(2);
    }
}
$host = $opt['host'] ?? '127.0.0.1';
$port = (int)$opt['port'];
$nconns = (int)$opt['conns'];
$stopFile = $opt['stop'];
$maxSeconds = (float)$opt['max'];
$outFile = $opt['out'];
$progressFile = $opt['progress'] ?? null;
$requestTimeout = (float)($opt['timeout'] ?? 10);

final class Conn
{
    /** @var resource|null */
    public $sock = null;
    public string $buf = '';
    public ?string $expect = null;   // query string of the request in flight
    public float $sentAt = 0;
    public int $seq = 0;
    public int $lastPid = 0;         // pid that sent the last complete answer on this socket
    public int $tcp = 0;             // how many TCP connections this slot has opened
    /** @var list<array{0:int,1:int,2:float,3:float,4:float}> */
    public array $runs = [];
    public array $pids = [];

    public function __construct(public int $id) {}
}

$stats = [
    'sent' => 0,
    'ok' => 0,
    'connects' => 0,
    'closed_by_server' => 0,
    'errors' => [],        // kind => count
    'error_samples' => [],
    'errors_by_pid' => [], // last pid seen on the connection => count
    'versions' => [],
    'pids' => [],
];
$started = microtime(true);

function record_error(Conn $c, string $kind, string $detail): void
{
    global $stats;
    $stats['errors'][$kind] = ($stats['errors'][$kind] ?? 0) + 1;
    $pid = (string)$c->lastPid;
    $stats['errors_by_pid'][$pid] = ($stats['errors_by_pid'][$pid] ?? 0) + 1;
    if (count($stats['error_samples']) < 40) {
        $stats['error_samples'][] = [
            't' => round(microtime(true), 6), 'conn' => $c->id, 'kind' => $kind,
            'last_pid' => $c->lastPid, 'detail' => substr($detail, 0, 200),
        ];
    }
    drop($c);
}

function drop(Conn $c): void
{
    if ($c->sock) @fclose($c->sock);
    $c->sock = null;
    $c->buf = '';
    $c->expect = null;
    $c->lastPid = 0;
}

function open_conn(Conn $c): bool
{
    global $host, $port, $stats;
    $s = @stream_socket_client("tcp://$host:$port", $errno, $errstr, 3);
    if (!$s) {
        record_error($c, 'connect', "$errno $errstr");
        return false;
    }
    stream_set_blocking($s, false);
    $c->sock = $s;
    $c->tcp++;
    $stats['connects']++;
    return true;
}

function send_request(Conn $c): void
{
    global $stats;
    $c->seq++;
    $q = "c={$c->id}&n={$c->seq}&t={$c->tcp}";
    $req = "GET /?$q HTTP/1.1\r\nHost: load\r\n\r\n";
    $c->expect = $q;
    $c->sentAt = microtime(true);
    $stats['sent']++;
    $n = @fwrite($c->sock, $req);
    if ($n !== strlen($req)) {
        $e = error_get_last();
        record_error($c, 'write', $e['message'] ?? 'short write');
    }
}

/** Returns true when a complete answer was consumed. */
function parse_answer(Conn $c): bool
{
    global $stats;
    $end = strpos($c->buf, "\r\n\r\n");
    if ($end === false) {
        if (strlen($c->buf) > 16384) record_error($c, 'parse', 'no end of headers in 16 KiB');
        return false;
    }
    $lines = explode("\r\n", substr($c->buf, 0, $end));
    if (!preg_match('~^HTTP/1\.1 (\d{3}) [^\r\n]*$~', $lines[0], $m)) {
        record_error($c, 'parse', 'bad status line: ' . $lines[0]);
        return false;
    }
    $status = (int)$m[1];
    $headers = [];
    foreach (array_slice($lines, 1) as $line) {
        if (!preg_match('~^([!#$%&\'*+.^_`|\~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$~', $line, $h)) {
            record_error($c, 'parse', 'bad header line: ' . $line);
            return false;
        }
        $headers[strtolower($h[1])][] = $h[2];
    }
    if (!isset($headers['content-length']) || count($headers['content-length']) !== 1
        || !preg_match('~^[0-9]{1,9}$~', $headers['content-length'][0])) {
        record_error($c, 'parse', 'missing or bad Content-Length');
        return false;
    }
    $len = (int)$headers['content-length'][0];
    if (strlen($c->buf) < $end + 4 + $len) return false;
    $body = substr($c->buf, $end + 4, $len);
    $rest = substr($c->buf, $end + 4 + $len);
    $c->buf = '';
    if ($rest !== '') {
        record_error($c, 'parse', 'bytes after the answer: ' . json_encode(substr($rest, 0, 60)));
        return false;
    }
    if ($status !== 200) {
        record_error($c, 'status', "status $status: " . substr($body, 0, 120));
        return false;
    }
    if (!preg_match('~^v=(\d+) pid=(\d+) q=(.*)$~s', $body, $b)) {
        record_error($c, 'body', 'unparseable body: ' . json_encode(substr($body, 0, 120)));
        return false;
    }
    if ($b[3] !== $c->expect) {
        record_error($c, 'mismatch', "answer for '{$b[3]}' to request '{$c->expect}'");
        return false;
    }
    $now = microtime(true);
    $v = (int)$b[1];
    $pid = (int)$b[2];
    $stats['ok']++;
    $stats['versions'][$v] = ($stats['versions'][$v] ?? 0) + 1;
    $stats['pids'][$pid] = ($stats['pids'][$pid] ?? 0) + 1;
    $c->pids[$pid] = true;
    $c->lastPid = $pid;
    $c->expect = null;
    $last = count($c->runs) - 1;
    if ($last >= 0 && $c->runs[$last][0] === $v) {
        $c->runs[$last][1]++;
        $c->runs[$last][4] = $c->runs[$last][3];
        $c->runs[$last][3] = $now;
    } else {
        $c->runs[] = [$v, 1, $now, $now, 0.0];
    }
    $close = false;
    foreach ($headers['connection'] ?? [] as $value) {
        if (strcasecmp($value, 'close') === 0) $close = true;
    }
    if ($close) {
        // A clean end announced by the server: not an error, but counted.
        $stats['closed_by_server']++;
        $keepPid = $c->lastPid;
        drop($c);
        $c->lastPid = $keepPid;
    }
    return true;
}

function write_progress(): void
{
    global $progressFile, $stats;
    if ($progressFile === null) return;
    $errors = array_sum($stats['errors']);
    file_put_contents("$progressFile.tmp", "{$stats['ok']} $errors\n");
    rename("$progressFile.tmp", $progressFile);
}

$conns = [];
for ($i = 0; $i < $nconns; $i++) $conns[$i] = new Conn($i);

$stopping = false;
$stopDeadline = 0;
$lastProgress = 0;
for (;;) {
    $now = microtime(true);
    if (!$stopping && (file_exists($stopFile) || $now - $started >= $maxSeconds)) {
        $stopping = true;
        $stopDeadline = $now + $requestTimeout;
    }
    if ($now - $lastProgress >= 0.05) {
        write_progress();
        $lastProgress = $now;
    }
    $read = [];
    $inFlight = 0;
    foreach ($conns as $c) {
        if ($c->expect === null && !$stopping) {
            if (!$c->sock && !open_conn($c)) continue;
            send_request($c);
        }
        if ($c->expect !== null) {
            if ($now - $c->sentAt > $requestTimeout) {
                record_error($c, 'timeout', sprintf('no answer in %.1f s', $now - $c->sentAt));
                continue;
            }
            $inFlight++;
            $read[$c->id] = $c->sock;
        }
    }
    if ($stopping && ($inFlight === 0 || $now > $stopDeadline)) break;
    if (!$read) {
        usleep(10000);  // every connection failed to connect: try again shortly
        continue;
    }
    $w = $e = null;
    $n = @stream_select($read, $w, $e, 0, 50000);
    if ($n === false) {
        fwrite(STDERR, "stream_select failed\n");
        exit(1);
    }
    foreach ($read as $id => $sock) {
        $c = $conns[$id];
        $data = @fread($sock, 65536);
        if ($data === false || ($data === '' && feof($sock))) {
            $err = error_get_last()['message'] ?? '';
            $kind = stripos($err, 'reset') !== false ? 'reset' : 'eof';
            record_error($c, $kind, ($c->buf === '' ? 'closed before any byte of the answer' :
                'closed after ' . strlen($c->buf) . ' bytes of the answer') . ($err ? " ($err)" : ''));
            error_clear_last();
            continue;
        }
        $c->buf .= $data;
        parse_answer($c);
    }
}
foreach ($conns as $c) {
    if ($c->expect !== null) record_error($c, 'unanswered', 'still in flight when the client stopped');
    if ($c->sock) fclose($c->sock);
}
write_progress();

$summary = [
    'requests_ok' => $stats['ok'],
    'requests_sent' => $stats['sent'],
    'errors_total' => array_sum($stats['errors']),
    'errors' => (object)$stats['errors'],
    'errors_by_pid' => (object)$stats['errors_by_pid'],
    'error_samples' => $stats['error_samples'],
    'connects' => $stats['connects'],
    'closed_by_server' => $stats['closed_by_server'],
    'duration_s' => round(microtime(true) - $started, 3),
    'versions' => (object)$stats['versions'],
    'pids' => (object)$stats['pids'],
    'conns' => array_map(fn(Conn $c) => ['id' => $c->id, 'tcp' => $c->tcp, 'runs' => $c->runs,
        'pids' => array_keys($c->pids)], $conns),
];
$json = json_encode($summary, JSON_UNESCAPED_SLASHES);
file_put_contents($outFile, $json . "\n");
exit(0);
