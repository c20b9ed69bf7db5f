<?php
// Checks over the JSON summary written by http_load_client.php.
//
//   php load_checks.php summary FILE          one line for the test's output
//   php load_checks.php clean FILE            every request got a complete correct answer
//   php load_checks.php order FILE MARKS      code versions per connection never go back, and
//                                             after each reload returned (MARKS lines
//                                             "<unix time> <new version>") each connection got
//                                             at most one older answer, then only newer ones
//   php load_checks.php errors-only-pid FILE PID   every error was on a connection PID served
//   php load_checks.php get FILE KEY          one top-level value (JSON-encoded if not scalar)
// Exit 0 when the check holds; otherwise 1 with the reason on stderr.

function load(string $file): array
{
    $s = @file_get_contents($file);
    $j = $s === false ? null : json_decode($s, true);
    if (!is_array($j)) {
        fwrite(STDERR, "no load summary in $file\n");
        exit(1);
    }
    return $j;
}

function fail(string $msg): never
{
    fwrite(STDERR, $msg . "\n");
    exit(1);
}

$cmd = $argv[1] ?? '';
$s = load($argv[2] ?? '');
switch ($cmd) {
    case 'summary':
        $errs = [];
        foreach ($s['errors'] as $k => $n) $errs[] = "$k=$n";
        $vers = [];
        foreach ($s['versions'] as $v => $n) $vers[] = "v$v:$n";
        printf("requests_ok=%d sent=%d errors=%d%s connects=%d closed_by_server=%d duration=%.1fs versions[%s] pids=%d\n",
            $s['requests_ok'], $s['requests_sent'], $s['errors_total'],
            $errs ? ' (' . implode(' ', $errs) . ')' : '', $s['connects'], $s['closed_by_server'],
            $s['duration_s'], implode(' ', $vers), count((array)$s['pids']));
        break;

    case 'clean':
        if ($s['errors_total'] !== 0) {
            fail("{$s['errors_total']} failed requests: " . json_encode($s['errors'])
                . "\nfirst errors: " . json_encode(array_slice($s['error_samples'], 0, 8), JSON_UNESCAPED_SLASHES));
        }
        if ($s['requests_ok'] !== $s['requests_sent']) {
            fail("sent {$s['requests_sent']} requests but got {$s['requests_ok']} correct answers");
        }
        if ($s['requests_ok'] === 0) fail('no request was answered at all');
        break;

    case 'order':
        $marks = [];
        foreach (file($argv[3] ?? '', FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) ?: [] as $line) {
            [$t, $v] = explode(' ', $line);
            $marks[] = [(float)$t, (int)$v];
        }
        if (!$marks) fail('no reload marks');
        $problems = [];
        foreach ($s['conns'] as $c) {
            $runs = $c['runs'];
            for ($i = 1; $i < count($runs); $i++) {
                if ($runs[$i][0] <= $runs[$i - 1][0]) {
                    $problems[] = "connection {$c['id']}: version {$runs[$i][0]} answered after version {$runs[$i - 1][0]}";
                }
            }
            foreach ($marks as [$t, $newVersion]) {
                $late = 0;   // answers of an older version received after the reload returned
                foreach ($runs as [$v, $count, $first, $last, $prev]) {
                    if ($v >= $newVersion || $last <= $t) continue;
                    if ($count === 1 || $prev <= $t) {
                        $late += 1;
                    } else {
                        $late += 2;   // at least two: enough to fail
                    }
                }
                if ($late > 1) {
                    $problems[] = sprintf('connection %d: %s older-version answers after the reload to v%d returned (at %.3f)',
                        $c['id'], $late >= 2 ? 'two or more' : $late, $newVersion, $t);
                }
                $gotNew = false;
                foreach ($runs as [$v, $count, $first, $last]) {
                    if ($v >= $newVersion && $last > $t) $gotNew = true;
                }
                if (!$gotNew) {
                    $problems[] = sprintf('connection %d: no answer of v%d or later after that reload returned', $c['id'], $newVersion);
                }
            }
        }
        if ($problems) fail(count($problems) . " ordering problems:\n  " . implode("\n  ", array_slice($problems, 0, 20)));
        break;

    case 'errors-only-pid':
        $pid = (string)($argv[3] ?? '');
        foreach ($s['errors_by_pid'] as $p => $n) {
            if ((string)$p !== $pid) {
                fail("$n errors on connections last served by pid $p, not the killed worker $pid: "
                    . json_encode(array_slice($s['error_samples'], 0, 8), JSON_UNESCAPED_SLASHES));
            }
        }
        break;

    case 'get':
        $v = $s[$argv[3] ?? ''] ?? null;
        echo is_scalar($v) ? $v : json_encode($v), "\n";
        break;

    default:
        fail("unknown check '$cmd'");
}
exit(0);
