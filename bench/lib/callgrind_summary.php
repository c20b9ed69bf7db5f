<?php
// One JSON line for the callgrind scenario, from the worker's callgrind output:
//   php callgrind_summary.php DIR WORKER_PID BACKEND REQUESTS
// total_ir: everything the worker process executed, including what it inherited from the
//   manager at fork and its own PHP start-up (callgrind counts those in the child).
// loop_ir: inclusive cost of the event loop's run() -- accepting, parsing, onMessage,
//   sending -- which is the part that grows with requests.
[, $dir, $worker, $backend, $requests] = $argv;
$row = ['scenario' => 'callgrind', 'server' => "rm-$backend", 'requests' => (int)$requests];
$file = "$dir/callgrind.out.$worker";
if ($worker === '' || !is_file($file)) {
    $row['failed'] = 'no callgrind output for the worker (see ' . basename($dir) . '/out.txt)';
    echo json_encode($row), "\n";
    exit(0);
}
$client = json_decode((string)@file_get_contents("$dir/client.json"), true);
$row['answered'] = $client['requests'] ?? 0;
$row['client_errors'] = $client['errors']['total'] ?? null;

preg_match('/^totals:\s*(\d+)/m', file_get_contents($file), $m);
$row['total_ir'] = (int)($m[1] ?? 0);

$parse = function (string $path): array {
    $rows = [];
    foreach (@file($path) ?: [] as $line) {
        if (preg_match('/^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.+)$/', $line, $m) && !str_contains($m[2], 'PROGRAM TOTALS')) {
            $rows[] = [(int)str_replace(',', '', $m[1]), trim($m[2])];
        }
    }
    return $rows;
};
$loopFn = $backend === 'epoll' ? 'EpollLoop::run()' : 'UringLoop::run()';
foreach ($parse("$dir/inclusive.txt") as [$ir, $fn]) {
    if (str_contains($fn, $loopFn)) {
        $row['loop_ir'] = $ir;
        break;
    }
}
$n = max(1, $row['answered']);
$row['total_ir_per_req'] = (int)round($row['total_ir'] / $n);
$row['loop_ir_per_req'] = isset($row['loop_ir']) ? (int)round($row['loop_ir'] / $n) : null;
// The heaviest functions by self cost, per request (start-up included, so the list is
// only indicative for functions that also run at start).
$row['top_self'] = array_map(
    fn($r) => ['ir_per_req' => (int)round($r[0] / $n), 'fn' => preg_replace('/\s+\[.*\]$/', '', $r[1])],
    array_slice($parse("$dir/self.txt"), 0, 15)
);
echo json_encode($row, JSON_UNESCAPED_SLASHES), "\n";
