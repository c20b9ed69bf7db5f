--TEST--
$conn->id is unique per worker, getStatus() reports ESTABLISHED (2), $worker->connections holds exactly the open connections keyed by id
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$w = new Worker("text://127.0.0.1:$PORT");
$w->onMessage = function ($c, $d) use ($w) {
    $ids = array_keys($w->connections);
    sort($ids);
    $same = true;
    foreach ($w->connections as $id => $conn) $same = $same && $conn->id === $id;
    $c->send("id={$c->id} status={$c->getStatus()}/{$c->getStatus(false)} count=" . count($w->connections)
             . ' keys-match=' . ($same ? 'yes' : 'no') . ' ids=' . implode(',', $ids)
             . ' worker-prop=' . ($c->worker === $w ? 'same' : 'other'));
};
Worker::runAll();
PHP);
$srv->start();
$conns = [];
$ids = [];
for ($i = 0; $i < 5; $i++) {
    $conns[$i] = $srv->connect();
    fwrite($conns[$i], "hi\n");
    $line = rm_read_line($conns[$i]);
    // start()'s readiness probe may not have been seen closing yet: wait until it has.
    if ($i === 0) $line = rm_wait(function () use ($conns, $line) {
        if (str_contains($line, 'count=1 ')) return $line;
        fwrite($conns[0], "hi\n");
        $l = rm_read_line($conns[0]);
        return str_contains($l, 'count=1 ') ? $l : false;
    }, 5, 'the probe connection to close');
    preg_match('/id=(\d+)/', $line, $m);
    $ids[] = (int)$m[1];
    echo preg_replace(['/id=\d+/', '/ids=[\d,]+/'], ['id=N', 'ids=L'], $line), "\n";
}
echo count(array_unique($ids)) === 5 ? "5 distinct ids\n" : "ids repeat: " . implode(',', $ids) . "\n";
fclose($conns[0]);
fclose($conns[1]);
// The closed ones leave $worker->connections.
$line = rm_wait(function () use ($conns) {
    fwrite($conns[2], "hi\n");
    $l = rm_read_line($conns[2]);
    return str_contains($l, 'count=3') ? $l : false;
}, 5, 'closed connections to leave $worker->connections');
preg_match('/ids=([\d,]+)/', $line, $m);
echo $m[1] === implode(',', array_slice($ids, 2)) ? "remaining ids are the open ones\n" : "ids now {$m[1]}\n";
?>
--EXPECT--
id=N status=ESTABLISHED/2 count=1 keys-match=yes ids=L worker-prop=same
id=N status=ESTABLISHED/2 count=2 keys-match=yes ids=L worker-prop=same
id=N status=ESTABLISHED/2 count=3 keys-match=yes ids=L worker-prop=same
id=N status=ESTABLISHED/2 count=4 keys-match=yes ids=L worker-prop=same
id=N status=ESTABLISHED/2 count=5 keys-match=yes ids=L worker-prop=same
5 distinct ids
remaining ids are the open ones
