<?php
// Smooth reload: the request handler lives in handler.php, loaded in onWorkerStart, so
// editing it and running `php start.php reload` puts the new code live while the server
// keeps answering (each worker is replaced by a fresh one, started before the old one stops).
//
//   php -d extension=$PWD/modules/ringmaster.so examples/reload_demo/start.php start -d   (PORT=8070 by default)
//   curl localhost:8070/                      -> "Hello from version 1 ..."
//   edit HANDLER_VERSION in handler.php
//   php -d extension=$PWD/modules/ringmaster.so examples/reload_demo/start.php reload
//   curl localhost:8070/                      -> the new version
//
// Only code loaded after the worker started is renewed: this file (and whatever it includes
// at the top) stays as it was when the server started. A handler.php with a parse error makes
// the reload fail with the error message, and the old workers keep serving.
use Ringmaster\Http\Request;
use Ringmaster\TcpConnection;
use Ringmaster\Worker;

$port = (int)(getenv('PORT') ?: 8070);
$web = new Worker("http://0.0.0.0:$port");
$web->name = 'reload-demo';
$web->count = 2;

$web->onWorkerStart = function (Worker $worker) {
    require __DIR__ . '/handler.php';   // not at the top of this file: that is what makes it reloadable
    $worker->handler = new DemoHandler();
};

$web->onMessage = function (TcpConnection $conn, Request $req) {
    $conn->send($conn->worker->handler->handle($req));
};

Worker::runAll();
