--TEST--
The loaded extension's classes match stubs/*.stub.php exactly (arginfo is written by hand)
--EXTENSIONS--
ringmaster
--FILE--
<?php
// Each stub is loaded under a twin namespace and compared with the real class through
// Reflection: modifiers, constants, properties (type, default, static), methods (static,
// visibility, return type) and parameters (name, type, default, optional, by-ref, variadic).
$stubDir = __DIR__ . '/../../stubs';
$diffs = [];
$classes = [];   // "Worker", "Http\Request", ...
$files = [];
$it = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($stubDir, FilesystemIterator::SKIP_DOTS));
foreach ($it as $f) {
    if (!str_ends_with($f->getFilename(), '.stub.php')) continue;
    $code = file_get_contents($f->getPathname());
    preg_match('/^namespace\s+Ringmaster([^;]*);/m', $code, $ns);
    preg_match_all('/^(?:final\s+|abstract\s+)?class\s+(\w+)/m', $code, $m);
    foreach ($m[1] as $c) {
        $name = ltrim(($ns[1] ?? '') . '\\' . $c, '\\');
        $classes[] = $name;
        $files["RingmasterStub\\$name"] = $code;
    }
}
// Stubs load on demand under the twin namespace, so a subclass finds its parent's stub.
spl_autoload_register(function ($class) use (&$files) {
    if (!isset($files[$class])) return;
    $code = preg_replace('/^<\?php/', '', $files[$class]);
    $code = preg_replace('/^namespace\s+Ringmaster\b/m', 'namespace RingmasterStub', $code);
    unset($files[$class]);
    eval($code);
});
if (!$classes) { echo "no stubs found\n"; exit(1); }

function typeName(?ReflectionType $t): string {
    return $t === null ? '-' : str_replace('RingmasterStub\\', 'Ringmaster\\', (string)$t);
}
function defaultOf(ReflectionParameter $p): string {
    if (!$p->isDefaultValueAvailable()) return '-';
    return var_export($p->getDefaultValue(), true);
}
function describe(ReflectionClass $c): array {
    $d = [];
    $d['class'] = implode(' ', Reflection::getModifierNames($c->getModifiers()));
    foreach ($c->getReflectionConstants() as $k) $d["const {$k->getName()}"] = var_export($k->getValue(), true);
    foreach ($c->getProperties() as $p) {
        $def = $p->hasDefaultValue() ? var_export($p->getDefaultValue(), true) : '-';
        $d["prop \${$p->getName()}"] = implode(' ', Reflection::getModifierNames($p->getModifiers()))
            . ' ' . typeName($p->getType()) . ' = ' . $def;
    }
    foreach ($c->getMethods() as $m) {
        $sig = implode(' ', Reflection::getModifierNames($m->getModifiers())) . ' (';
        $ps = [];
        foreach ($m->getParameters() as $p) {
            $ps[] = ($p->isPassedByReference() ? '&' : '') . ($p->isVariadic() ? '...' : '')
                . typeName($p->getType()) . ' $' . $p->getName()
                . ($p->isOptional() ? ' = ' . defaultOf($p) : '');
        }
        $sig .= implode(', ', $ps) . '): ' . typeName($m->getReturnType());
        $d["method {$m->getName()}"] = $sig;
    }
    ksort($d);
    return $d;
}
$checked = 0;
foreach ($classes as $c) {
    $real = new ReflectionClass("Ringmaster\\$c");
    $stub = new ReflectionClass("RingmasterStub\\$c");
    if (!$real->isInternal()) { $diffs[] = "$c is not internal"; continue; }
    $a = describe($real);
    $b = describe($stub);
    foreach (array_unique(array_merge(array_keys($a), array_keys($b))) as $k) {
        $ra = $a[$k] ?? '(missing)';
        $rb = $b[$k] ?? '(missing)';
        if ($ra !== $rb) $diffs[] = "$c $k\n    extension: $ra\n    stub:      $rb";
        $checked++;
    }
}
echo $diffs ? implode("\n", $diffs) . "\n" : "all match\n";
echo count($classes) >= 4 && $checked > 60 ? "enough compared\n" : "only $checked items compared\n";
?>
--EXPECT--
all match
enough compared
