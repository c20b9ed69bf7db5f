<?php
// The Ringmaster side of the HTTP hello scenarios: a 13-byte body on every request.
//   PORT=8080 WORKERS=1 RUN_DIR=/tmp/x php -d extension=ringmaster.so hello.php start
use Ringmaster\TcpConnection;
use Ringmaster\Worker;

$runDir = getenv('RUN_DIR') ?: sys_get_temp_dir();
$w = new Worker('http://127.0.0.1:' . (getenv('PORT') ?: 8080));
$w->name = 'bench-hello';
$w->count = (int)(getenv('WORKERS') ?: 1);
Worker::$pidFile = "$runDir/hello.pid";
Worker::$logFile = "$runDir/hello.log";
$w->onMessage = function (TcpConnection $conn, $request) {
    $conn->send('Hello, World!');
};
Worker::runAll();
