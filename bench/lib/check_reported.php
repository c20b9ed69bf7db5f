<?php
// Fails (exit 1) unless every scenario of a run reported figures: the smoke run in CI
// asserts no timing, but a scenario that silently produced nothing must not pass.
// Usage: php bench/lib/check_reported.php results/latest.json
$j = json_decode((string)@file_get_contents($argv[1] ?? ''), true);
if (!is_array($j)) { fwrite(STDERR, "no results file\n"); exit(1); }
$missing = [];
$servers = ['floor', 'nginx', 'rm-io_uring', 'rm-epoll'];
foreach (['hello-64', 'pipeline-16', 'conn-1000'] as $s) {
    foreach ($servers as $srv) {
        $rounds = $j['throughput'][$s][$srv]['rounds'] ?? [];
        $done = array_filter($rounds, fn($r) => ($r['requests'] ?? 0) > 0);
        if (!$done) $missing[] = "$s/$srv";
    }
}
foreach (['rm-io_uring', 'rm-epoll'] as $srv) {
    $ws = $j['throughput']['ws-echo-64'][$srv]['rounds'] ?? ($j['throughput']['ws-echo'][$srv]['rounds'] ?? []);
    if (!array_filter($ws, fn($r) => ($r['requests'] ?? $r['messages'] ?? 0) > 0)) $missing[] = "ws-echo/$srv";
    if (($j['ws_idle'][$srv]['open'] ?? 0) <= 0) $missing[] = "ws-idle/$srv";
    if (($j['callgrind'][$srv]['answered'] ?? 0) <= 0) $missing[] = "callgrind/$srv";
}
if (($j['reload']['during']['rps'] ?? 0) <= 0) $missing[] = 'reload';
if ($missing) {
    echo "benchmark scenarios that reported nothing: " . implode(', ', $missing) . "\n";
    exit(1);
}
echo "every benchmark scenario reported\n";
