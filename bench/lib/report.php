<?php
// Builds latest.json and latest.md from what bench/run.sh collected, and writes the
// gnuplot script for reload.png.   php report.php WORK_DIR OUT_DIR full|smoke
[, $work, $out, $mode] = $argv;

$rows = [];
foreach (file("$work/results.jsonl", FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) ?: [] as $line) {
    $r = json_decode($line, true);
    if (is_array($r)) $rows[] = $r;
}

function median(array $xs): ?float
{
    $xs = array_values(array_filter($xs, fn($x) => $x !== null));
    if (!$xs) return null;
    sort($xs);
    $n = count($xs);
    return $n % 2 ? $xs[intdiv($n, 2)] : ($xs[$n / 2 - 1] + $xs[$n / 2]) / 2;
}

function ratio(?float $a, ?float $b): ?float
{
    return ($a === null || !$b) ? null : round($a / $b, 3);
}

// --- throughput scenarios: medians over rounds --------------------------------------------
$throughput = ['hello-64', 'pipeline-16', 'conn-1000', 'ws-echo-64'];
$summary = [];
foreach ($rows as $r) {
    if (!in_array($r['scenario'], $throughput, true)) continue;
    $summary[$r['scenario']][$r['server']]['rounds'][] = $r;
}
foreach ($summary as $scenario => &$servers) {
    foreach ($servers as $server => &$s) {
        $ok = array_filter($s['rounds'], fn($r) => !isset($r['failed']));
        foreach (['rps', 'cpu_us_per_req', 'server_cpu_util', 'p50_us', 'p99_us'] as $k) {
            $s[$k] = median(array_column($ok, $k));
        }
        $s['errors'] = array_sum(array_map(fn($r) => $r['errors']['total'] ?? 0, $ok));
        $s['failed_rounds'] = count($s['rounds']) - count($ok);
    }
    unset($s);
    foreach ($servers as $server => &$s) {
        foreach (['floor', 'nginx'] as $ref) {
            if (!isset($servers[$ref]) || $server === $ref) continue;
            foreach (['rps', 'cpu_us_per_req', 'p50_us', 'p99_us'] as $k) {
                $s["vs_$ref"][$k] = ratio($s[$k], $servers[$ref][$k]);
            }
        }
        if ($scenario === 'ws-echo-64' && isset($summary['hello-64'][$server])) {
            $s['vs_http_hello'] = ['cpu_us_per_req' => ratio($s['cpu_us_per_req'], $summary['hello-64'][$server]['cpu_us_per_req'])];
        }
    }
    unset($s);
}
unset($servers);

// --- idle WebSockets ---------------------------------------------------------------------
$idle = [];
foreach ($rows as $r) {
    if ($r['scenario'] !== 'ws-idle') continue;
    $open = max(1, $r['open']);
    $r['kib_per_conn'] = round(($r['rss_after_kib'] - $r['rss_before_kib']) / $open, 3);
    $idle[$r['server']] = $r;
}

// --- reload ------------------------------------------------------------------------------
$reload = null;
$gnuplot = null;
if (is_dir("$work/reload")) {
    $d = "$work/reload";
    $run = json_decode((string)@file_get_contents("$d/run.json"), true) ?? [];
    $steady = json_decode((string)@file_get_contents("$d/steady.json"), true) ?? [];
    $rec = array_values(array_filter($rows, fn($r) => $r['scenario'] === 'reload'))[0] ?? [];
    $reloads = [];
    foreach (@file("$d/reloads.txt", FILE_IGNORE_NEW_LINES) ?: [] as $line) {
        [$i, $start, $end, $rc] = explode(' ', $line);
        $text = (string)@file_get_contents("$d/reload-$i.txt");
        preg_match_all('/#(\d+): (\d+) -> (\d+) \(ready in (\d+) ms\)/', $text, $slots, PREG_SET_ORDER);
        preg_match('/replaced in (\d+) ms/', $text, $total);
        $ready = array_sum(array_map(fn($m) => (int)$m[4], $slots));
        $reloads[] = [
            'exit_code' => (int)$rc,
            'command_s' => round($end - $start, 3),
            'reported_total_ms' => isset($total[1]) ? (int)$total[1] : null,
            'slots' => array_map(fn($m) => ['slot' => (int)$m[1], 'old_pid' => (int)$m[2], 'new_pid' => (int)$m[3], 'ready_ms' => (int)$m[4]], $slots),
            'app_start_ms' => $ready,
            'bar_ms' => 250 + $ready,
            'started_at' => round($start - ($run['start_epoch'] ?? $start), 3),
            'output' => trim($text),
        ];
    }
    // Each worker swap, from the manager's log (local time, millisecond resolution).
    $tz = new DateTimeZone(trim((string)shell_exec('date +%z')) ?: '+0000');
    $swaps = [];
    foreach (@file("$d/server.log", FILE_IGNORE_NEW_LINES) ?: [] as $line) {
        if (preg_match('/^(\S+ \S+) \[\d+\] \w+ worker .* #(\d+): (\d+) -> (\d+) \(ready in \d+ ms\)/', $line, $m)) {
            $t = DateTime::createFromFormat('Y-m-d H:i:s.v', $m[1], $tz);
            if ($t) $swaps[] = ['t' => round((float)$t->format('U.v') - ($run['start_epoch'] ?? 0), 3), 'slot' => (int)$m[2]];
        }
    }
    $reload = [
        'server' => 'rm-io_uring',
        'workers' => 4,
        'connections' => 64,
        'steady' => ['rps' => $steady['rps'] ?? null, 'p50_us' => $steady['p50_us'] ?? null, 'p99_us' => $steady['p99_us'] ?? null, 'errors' => $steady['errors'] ?? null],
        'during' => ['rps' => $run['rps'] ?? null, 'p50_us' => $run['p50_us'] ?? null, 'p99_us' => $run['p99_us'] ?? null,
                     'p999_us' => $run['p999_us'] ?? null, 'max_us' => $run['max_us'] ?? null, 'errors' => $run['errors'] ?? null,
                     'reconnects' => $run['reconnects'] ?? null, 'cpu_us_per_req' => $rec['cpu_us_per_req'] ?? null],
        'p99_vs_steady' => ratio($run['p99_us'] ?? null, $steady['p99_us'] ?? null),
        'reloads' => $reloads,
        'swaps' => $swaps,
    ];
    if (is_file("$d/timeline.txt")) {
        $gnuplot = reload_chart("$d/timeline.txt", "$out/reload.png", $reload);
        file_put_contents("$work/reload.gp", $gnuplot);
    }
}

function reload_chart(string $data, string $png, array $reload): string
{
    $steadyMs = ($reload['steady']['p99_us'] ?? 0) / 1000;
    $n = count($reload['reloads']);
    $g = "set terminal pngcairo size 1200,600 font ',10'\n";
    $g .= "set output '$png'\n";
    $g .= "set title noenhanced 'Ringmaster (io_uring) reload under load: {$reload['workers']} workers, {$reload['connections']} keep-alive connections, $n reloads; per-10-ms buckets by send time'\n";
    $g .= "set xlabel 'seconds since the load started'\nset ylabel 'latency (ms, log scale)'\n";
    $g .= "set logscale y\nset grid ytics\nset key top right opaque\n";
    foreach ($reload['swaps'] as $s) {
        $g .= sprintf("set arrow from %.3f, graph 0 to %.3f, graph 1 nohead lc rgb '#d62728' dt 2 lw 1\n", $s['t'], $s['t']);
    }
    foreach ($reload['reloads'] as $i => $r) {
        $g .= sprintf("set label 'reload %d: %s ms' at %.3f, graph 0.04 left offset 0.3,0 font ',9' tc rgb '#d62728' noenhanced\n",
            $i + 1, $r['reported_total_ms'] ?? '?', $r['started_at']);
    }
    if ($steadyMs > 0) {
        $g .= sprintf("set arrow from graph 0, first %.4f to graph 1, first %.4f nohead lc rgb '#2ca02c' dt 3\n", $steadyMs, $steadyMs);
        $g .= sprintf("set arrow from graph 0, first %.4f to graph 1, first %.4f nohead lc rgb '#ff7f0e' dt 3\n", 2 * $steadyMs, 2 * $steadyMs);
    }
    $g .= "plot '$data' using 1:(\$3 > 0 ? \$3/1000 : 1/0) with lines lc rgb '#1f77b4' title 'p50', \\\n";
    $g .= "     '' using 1:(\$4 > 0 ? \$4/1000 : 1/0) with lines lc rgb '#9467bd' title 'p99', \\\n";
    $g .= "     '' using 1:(\$5 > 0 ? \$5/1000 : 1/0) with lines lc rgb '#bbbbbb' title 'max', \\\n";
    $g .= "     '' using 1:(\$6 > 0 ? (\$5 > 0 ? \$5/1000 : 1) : 1/0) with points pt 7 ps 1.2 lc rgb 'red' title 'bucket with errors', \\\n";
    $g .= "     NaN with lines lc rgb '#d62728' dt 2 title 'worker swap (manager log)', \\\n";
    $g .= "     NaN with lines lc rgb '#2ca02c' dt 3 title 'steady p99', NaN with lines lc rgb '#ff7f0e' dt 3 title '2 x steady p99'\n";
    return $g;
}

// --- callgrind ---------------------------------------------------------------------------
$callgrind = [];
foreach ($rows as $r) {
    if ($r['scenario'] === 'callgrind') $callgrind[$r['server']] = $r;
}

// --- targets -----------------------------------------------------------------------------
$targets = [];
$target = function (string $what, ?float $value, string $op, float $bar, string $unit = '×') use (&$targets) {
    $pass = $value === null ? null : ($op === '<=' ? $value <= $bar : $value == $bar);
    $targets[] = ['target' => $what, 'value' => $value, 'op' => $op, 'bar' => $bar, 'unit' => $unit, 'pass' => $pass];
};
$s = $summary;
$rm = 'rm-io_uring';
$target('hello-64: CPU/request vs floor', $s['hello-64'][$rm]['vs_floor']['cpu_us_per_req'] ?? null, '<=', 1.10);
$target('hello-64: CPU/request vs nginx', $s['hello-64'][$rm]['vs_nginx']['cpu_us_per_req'] ?? null, '<=', 0.90);
$target('pipeline-16: CPU/request vs nginx', $s['pipeline-16'][$rm]['vs_nginx']['cpu_us_per_req'] ?? null, '<=', 0.25);
$target('conn-1000: CPU/request vs floor', $s['conn-1000'][$rm]['vs_floor']['cpu_us_per_req'] ?? null, '<=', 1.15);
$target('conn-1000: CPU/request io_uring vs epoll',
    ratio($s['conn-1000'][$rm]['cpu_us_per_req'] ?? null, $s['conn-1000']['rm-epoll']['cpu_us_per_req'] ?? null), '<=', 1.0);
$target('ws-echo-64: CPU/message vs HTTP hello-64', $s['ws-echo-64'][$rm]['vs_http_hello']['cpu_us_per_req'] ?? null, '<=', 1.2);
$target("ws-idle: RSS growth per connection", $idle[$rm]['kib_per_conn'] ?? null, '<=', 2.0, 'KiB');
if ($reload) {
    $target('reload: errors during 4 reloads', $reload['during']['errors']['total'] ?? null, '==', 0, '');
    $target('reload: p99 during reloads vs steady p99', $reload['p99_vs_steady'], '<=', 2.0);
    foreach ($reload['reloads'] as $i => $r) {
        $target(sprintf('reload %d: duration (bar = 250 ms + %d ms app start)', $i + 1, $r['app_start_ms']),
            $r['exit_code'] === 0 ? $r['reported_total_ms'] : null, '<=', $r['bar_ms'], 'ms');
    }
}

// --- machine -------------------------------------------------------------------------------
preg_match('/model name\s*:\s*(.+)/', (string)@file_get_contents('/proc/cpuinfo'), $cpu);
$meta = [
    'mode' => $mode,
    'date' => gmdate('Y-m-d H:i:s') . ' UTC',
    'git' => trim((string)shell_exec('git -C ' . escapeshellarg(dirname(__DIR__, 2)) . ' rev-parse --short HEAD 2>/dev/null')),
    'cpu' => $cpu[1] ?? '?',
    'cpus' => (int)trim((string)shell_exec('nproc')),
    'kernel' => php_uname('r'),
    'php' => PHP_VERSION,
    'nginx' => trim(str_replace('nginx version: ', '', (string)shell_exec('nginx -v 2>&1'))),
    'load_avg_at_end' => trim(explode(' ', (string)@file_get_contents('/proc/loadavg'), 4)[0] ?? ''),
    'pinning' => 'server tree on CPU 0, load generator on CPU 1 (taskset)',
];

$json = ['meta' => $meta, 'targets' => $targets, 'throughput' => $summary, 'ws_idle' => $idle, 'reload' => $reload, 'callgrind' => $callgrind];
file_put_contents("$out/latest.json", json_encode($json, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE) . "\n");

// --- Markdown ------------------------------------------------------------------------------
$f = fn($x, $d = 1) => $x === null ? '–' : number_format($x, $d, '.', ',');
$x = fn($x) => $x === null ? '–' : sprintf('%.2f×', $x);
$md = "# Ringmaster benchmark ($mode run, {$meta['date']}, git {$meta['git']})\n\n";
$md .= "{$meta['cpu']}, {$meta['cpus']} CPUs, Linux {$meta['kernel']}, PHP {$meta['php']}, {$meta['nginx']}. "
    . "{$meta['pinning']}. Throughput figures are medians over rounds; CPU is utime+stime of every process "
    . "of the server (master, manager, workers) from /proc. Load average at the end: {$meta['load_avg_at_end']}.\n\n";
$md .= "## Targets (Ringmaster on io_uring)\n\n| Target | Measured | Bar | |\n|---|---:|---:|:-:|\n";
foreach ($targets as $t) {
    $val = $t['value'] === null ? '–' : ($t['unit'] === '×' ? sprintf('%.3f×', $t['value']) : $t['value'] . ($t['unit'] ? " {$t['unit']}" : ''));
    $bar = $t['op'] . ' ' . ($t['unit'] === '×' ? sprintf('%.2f×', $t['bar']) : $t['bar'] . ($t['unit'] ? " {$t['unit']}" : ''));
    $md .= "| {$t['target']} | $val | $bar | " . ($t['pass'] === null ? 'n/a' : ($t['pass'] ? '✅ pass' : '❌ fail')) . " |\n";
}
$titles = [
    'hello-64' => 'HTTP hello, 64 keep-alive connections (wrk -t1 -c64)',
    'pipeline-16' => 'HTTP hello, 16 requests pipelined per write (wrk -c64, pipeline16.lua; latency from load_client)',
    'conn-1000' => 'HTTP hello, 1,000 keep-alive connections (wrk -t1 -c1000)',
    'ws-echo-64' => 'WebSocket echo, 64 connections, 13-byte messages (load_client); ratio is CPU/message vs the same server\'s HTTP hello-64 CPU/request',
];
foreach ($summary as $scenario => $servers) {
    $md .= "\n## {$titles[$scenario]}\n\n";
    $md .= "| Server | req/s | ×nginx | CPU µs/req | ×floor | ×nginx | server CPU | p50 µs | p99 µs | errors |\n";
    $md .= "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    foreach ($servers as $server => $v) {
        $cpuRatio2 = $scenario === 'ws-echo-64' ? ($v['vs_http_hello']['cpu_us_per_req'] ?? null) : ($v['vs_nginx']['cpu_us_per_req'] ?? null);
        $md .= sprintf("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $server, $f($v['rps'], 0), $x($v['vs_nginx']['rps'] ?? null),
            $f($v['cpu_us_per_req'], 2), $x($v['vs_floor']['cpu_us_per_req'] ?? null),
            $scenario === 'ws-echo-64' ? ($cpuRatio2 === null ? '–' : sprintf('%.2f× http', $cpuRatio2)) : $x($cpuRatio2),
            $v['server_cpu_util'] === null ? '–' : sprintf('%d%%', round($v['server_cpu_util'] * 100)),
            $f($v['p50_us'], 0), $f($v['p99_us'], 0), $v['errors'] . ($v['failed_rounds'] ? " ({$v['failed_rounds']} rounds failed)" : ''));
    }
}
if ($idle) {
    $md .= "\n## Idle WebSocket connections (RSS of every server process, before and after opening them)\n\n";
    $md .= "| Server | connections open | server saw | RSS before KiB | RSS after KiB | KiB/connection | alive at the end (echoed) | errors |\n|---|---:|---:|---:|---:|---:|---:|---:|\n";
    foreach ($idle as $server => $v) {
        $md .= sprintf("| %s | %d | %s | %d | %d | %.2f | %s | %s |\n", $server, $v['open'], $v['server_saw'], $v['rss_before_kib'],
            $v['rss_after_kib'], $v['kib_per_conn'], $v['client']['echoed_after'] ?? '–', $v['client']['errors']['total'] ?? '–');
    }
}
if ($reload) {
    $r = $reload;
    $e = $r['during']['errors'] ?? [];
    $md .= "\n## Reload under load (4 workers, 64 keep-alive connections, every response checked)\n\n";
    $md .= "| | req/s | p50 µs | p99 µs | max µs | errors | reconnects |\n|---|---:|---:|---:|---:|---:|---:|\n";
    $md .= sprintf("| steady | %s | %s | %s | – | %s | – |\n", $f($r['steady']['rps'], 0), $f($r['steady']['p50_us'], 0), $f($r['steady']['p99_us'], 0), $r['steady']['errors']['total'] ?? '–');
    $md .= sprintf("| during %d reloads | %s | %s | %s | %s | %s | %s |\n", count($r['reloads']), $f($r['during']['rps'], 0), $f($r['during']['p50_us'], 0),
        $f($r['during']['p99_us'], 0), $f($r['during']['max_us'], 0),
        ($e['total'] ?? '–') . (($e['total'] ?? 0) ? sprintf(' (closed %d, timeout %d, status %d, body %d, connect %d)', $e['closed'], $e['timeout'], $e['status'], $e['body'], $e['connect']) : ''),
        $r['during']['reconnects'] ?? '–');
    $md .= "\n| Reload | at s | exit | reported total ms | per-slot ready ms | command wall s |\n|---|---:|---:|---:|---|---:|\n";
    foreach ($r['reloads'] as $i => $rl) {
        $md .= sprintf("| %d | %.2f | %d | %s | %s | %.3f |\n", $i + 1, $rl['started_at'], $rl['exit_code'], $rl['reported_total_ms'] ?? '–',
            implode(', ', array_map(fn($s) => "#{$s['slot']}: {$s['ready_ms']}", $rl['slots'])) ?: '–', $rl['command_s']);
    }
    $md .= "\nChart: reload.png (latency per 10 ms bucket; dashed red lines = worker swaps from the manager's log).\n";
}
if ($callgrind) {
    $md .= "\n## Instructions per request (callgrind, worker process only, 1 keep-alive connection)\n\n";
    $md .= "| Server | requests | worker total Ir | total Ir/req | event loop Ir | loop Ir/req |\n|---|---:|---:|---:|---:|---:|\n";
    foreach ($callgrind as $server => $c) {
        if (isset($c['failed'])) {
            $md .= "| $server | – | {$c['failed']} | | | |\n";
            continue;
        }
        $md .= sprintf("| %s | %d | %s | %s | %s | %s |\n", $server, $c['answered'], $f($c['total_ir'], 0), $f($c['total_ir_per_req'], 0),
            $f($c['loop_ir'] ?? null, 0), $f($c['loop_ir_per_req'], 0));
    }
    $md .= "\nTotal Ir includes PHP start-up and what the worker inherited from the manager at fork; "
        . "\"loop Ir\" is the inclusive cost of the event loop's run(), the part that scales with requests. "
        . "Top self-cost functions: callgrind/worker-*-self.txt.\n";
}
file_put_contents("$out/latest.md", $md);
