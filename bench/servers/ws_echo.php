<?php
// The WebSocket scenarios: every message is sent back as it came.
//   PORT=8081 RUN_DIR=/tmp/x php -d extension=ringmaster.so ws_echo.php start
use Ringmaster\TcpConnection;
use Ringmaster\Worker;

$runDir = getenv('RUN_DIR') ?: sys_get_temp_dir();
$w = new Worker('websocket://127.0.0.1:' . (getenv('PORT') ?: 8081));
$w->name = 'bench-ws-echo';
$w->count = (int)(getenv('WORKERS') ?: 1);
Worker::$pidFile = "$runDir/ws_echo.pid";
Worker::$logFile = "$runDir/ws_echo.log";
$w->onMessage = function (TcpConnection $conn, string $data) {
    $conn->send($data);
};
Worker::runAll();
