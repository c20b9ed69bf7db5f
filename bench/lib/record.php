<?php
// Turns one measured run into one JSON line of bench results:
//   php record.php RESULTS.jsonl key=value ...
// Keys: scenario server round client (a JSON file written by wrk's report.lua or by
// load_client) client_kind (wrk|load) ticks clk_tck wall_s conns resp_size (wrk: bytes of
// one whole response, for the wrong-body check) latency (optional load_client JSON whose
// p50/p99 replace wrk's). Anything else is copied as it is (numbers as numbers).
[$self, $out] = [$argv[0], $argv[1] ?? null];
if ($out === null) {
    fwrite(STDERR, "usage: php record.php RESULTS.jsonl key=value ...\n");
    exit(2);
}
$in = [];
foreach (array_slice($argv, 2) as $arg) {
    [$k, $v] = explode('=', $arg, 2) + [1 => ''];
    $in[$k] = is_numeric($v) ? $v + 0 : $v;
}

$client = json_decode((string)@file_get_contents($in['client']), true);
$row = ['scenario' => $in['scenario'], 'server' => $in['server'], 'round' => $in['round'] ?? 1];
if (!is_array($client)) {
    $row['failed'] = 'no report from the load generator (' . basename($in['client']) . ')';
    file_put_contents($out, json_encode($row) . "\n", FILE_APPEND);
    exit(0);
}

$requests = $client['requests'];
$wall = $in['wall_s'];
$cpuSeconds = $in['ticks'] / $in['clk_tck'];
$row += [
    'requests' => $requests,
    'rps' => round($requests / $wall, 1),
    'cpu_us_per_req' => $requests > 0 ? round($cpuSeconds * 1e6 / $requests, 3) : null,
    'server_cpu_util' => round($cpuSeconds / $wall, 3),
    'p50_us' => $client['p50_us'],
    'p99_us' => $client['p99_us'],
];

if (($in['client_kind'] ?? '') === 'wrk') {
    $e = $client['errors'];
    // wrk does not look at bodies. Every response here has the same size, so the bytes it
    // read must be requests x size, plus at most one unfinished batch per connection.
    $size = $in['resp_size'];
    $excess = $client['bytes'] - $requests * $size;
    $slack = $in['conns'] * $client['pipeline'] * $size;
    $wrongBodies = $size <= 0 ? $requests : (($excess < 0 || $excess >= $slack) ? (int)ceil(abs($excess) / $size) : 0);
    $row['errors'] = [
        'socket' => $e['connect'] + $e['read'] + $e['write'] + $e['timeout'],
        'non_2xx' => $e['status'],
        'wrong_body' => $wrongBodies,
    ];
} else {
    $e = $client['errors'];
    $row['errors'] = [
        'socket' => $e['connect'] + $e['closed'] + $e['timeout'],
        'non_2xx' => $e['status'],
        'wrong_body' => $e['body'],
    ];
    $row['reconnects'] = $client['reconnects'] ?? 0;
}
$row['errors']['total'] = array_sum($row['errors']);

if (!empty($in['latency'])) {
    $lat = json_decode((string)@file_get_contents($in['latency']), true);
    if (is_array($lat)) {
        $row['p50_us'] = $lat['p50_us'];
        $row['p99_us'] = $lat['p99_us'];
        $row['latency_from'] = 'load_client';
        $row['latency_errors'] = $lat['errors']['total'];
        $row['errors']['total'] += $lat['errors']['total'];
    }
}

foreach ($in as $k => $v) {
    if (!in_array($k, ['scenario', 'server', 'round', 'client', 'client_kind', 'ticks', 'clk_tck', 'latency'], true)) {
        $row[$k] ??= $v;
    }
}
file_put_contents($out, json_encode($row, JSON_UNESCAPED_SLASHES) . "\n", FILE_APPEND);
