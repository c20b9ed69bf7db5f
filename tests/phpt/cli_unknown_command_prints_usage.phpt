--TEST--
CLI: an unknown command or option exits non-zero naming it; no command prints the usage and exits non-zero; help exits 0
--EXTENSIONS--
ringmaster
--FILE--
<?php
require __DIR__ . '/_server.inc';
$srv = new RmServer(<<<'PHP'
$w = new Worker("text://127.0.0.1:$PORT");
Worker::runAll();
PHP);
foreach (['frobnicate', 'start --bogus', '', 'help'] as $args) {
    [$code, $out, $err] = $srv->cli($args);
    $text = $out . $err;
    echo "'$args': exit ", $code === 0 ? '0' : 'non-zero', "; ",
        $args === 'frobnicate' ? (str_contains($text, "'frobnicate'") ? 'names it' : 'does not name it') . '; ' : '',
        $args === 'start --bogus' ? (str_contains($text, "'--bogus'") ? 'names it' : 'does not name it') . '; ' : '',
        str_contains($text, 'Usage: php ') ? 'usage' : 'no usage', "\n";
}
echo is_file($srv->pidFile) || $srv->connectable() ? "something started\n" : "nothing started\n";
?>
--EXPECT--
'frobnicate': exit non-zero; names it; usage
'start --bogus': exit non-zero; names it; usage
'': exit non-zero; usage
'help': exit 0; usage
nothing started
