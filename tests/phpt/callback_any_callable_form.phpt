--TEST--
Callback properties accept every callable form: closure, function name, [$obj, 'method'], 'Class::method', invokable object, first-class callable
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$ports = [];
for ($i = 1; $i <= 5; $i++) $ports[$i] = rm_free_port();
$body = <<<'PHP'
function on_message_fn($c, $d) { $c->send("function: $d"); }
class Handler {
    public function onMsg($c, $d) { $c->send("method: $d"); }
    public static function onStatic($c, $d) { $c->send("static: $d"); }
    public function __invoke($c, $d) { $c->send("invokable: $d"); }
    public function fcc($c, $d) { $c->send("first-class: $d"); }
}
$forms = [
    fn($c, $d) => $c->send("closure: $d"),
    'on_message_fn',
    [new Handler, 'onMsg'],
    'Handler::onStatic',
    new Handler,
    (new Handler)->fcc(...),
];
$ports = [$PORT, P1, P2, P3, P4, P5];
foreach ($forms as $i => $form) {
    $w = new Worker("text://127.0.0.1:{$ports[$i]}");
    $w->name = "form$i";
    $w->onMessage = $form;
}
Worker::runAll();
PHP;
$body = strtr($body, ['P1' => $ports[1], 'P2' => $ports[2], 'P3' => $ports[3], 'P4' => $ports[4], 'P5' => $ports[5]]);
$srv = new RmServer($body);
$srv->start();
foreach ([$srv->port] + $ports as $i => $port) {
    $c = rm_wait(fn() => @stream_socket_client("tcp://127.0.0.1:$port", $e, $s, 1), 10, "port $port");
    fwrite($c, "x$i\n");
    echo rm_read_line($c), "\n";
}
?>
--EXPECT--
closure: x0
function: x1
method: x2
static: x3
invokable: x4
first-class: x5
