--TEST--
pauseRecv() stops onMessage for that connection (data waits in the socket); resumeRecv() delivers what arrived meanwhile, in order
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$w = new Worker("text://127.0.0.1:$PORT");
$paused = null;
$w->onMessage = function ($c, $d) use (&$paused, $DIR) {
    file_put_contents("$DIR/seen", "$d\n", FILE_APPEND);
    if ($d === 'pause') {
        $c->pauseRecv();
        $paused = $c;
        $c->send('paused');
    } elseif ($d === 'resume-other') {
        $paused->resumeRecv();
        $c->send('resumed');
    } else {
        $c->send("echo $d");
    }
};
Worker::runAll();
PHP);
$srv->start();
$a = $srv->connect();
$b = $srv->connect();
fwrite($a, "one\npause\n");
echo rm_read_line($a), "\n", rm_read_line($a), "\n";
fwrite($a, "two\nthree\n");
// b is served meanwhile (one worker); a's lines are not seen until it is resumed.
fwrite($b, "ping\n");
echo rm_read_line($b), "\n";
echo trim(file_get_contents("$srv->dir/seen")) === "one\npause\nping" ? "a's lines held back\n" : "seen: " . file_get_contents("$srv->dir/seen");
fwrite($b, "resume-other\n");
echo rm_read_line($b), "\n";
echo rm_read_line($a), "\n", rm_read_line($a), "\n";
?>
--EXPECT--
echo one
paused
echo ping
a's lines held back
resumed
echo two
echo three
