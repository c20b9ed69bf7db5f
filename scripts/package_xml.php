<?php
// Writes package.xml (the PEAR/PECL package description) from the files git tracks, so the
// tarball `pecl package` builds always holds exactly the sources the build needs.
// Usage: php scripts/package_xml.php > package.xml   (CI checks the committed file is current)

$root = dirname(__DIR__);
chdir($root);
exec('git ls-files', $files, $rc);
if ($rc !== 0) { fwrite(STDERR, "git ls-files failed\n"); exit(1); }

$roles = [
    '#^(src|include)/.*\.(cc|h)$#' => 'src',
    '#^config\.m4$#' => 'src',
    '#^stubs/.*\.php$#' => 'src',
    '#^tests/phpt/.*\.(phpt|inc)$#' => 'test',
    '#^(README\.md|LICENSE)$#' => 'doc',
    '#^examples/.*\.php$#' => 'doc',
];
$entries = [];
foreach ($files as $f) {
    foreach ($roles as $re => $role) {
        if (preg_match($re, $f)) { $entries[$f] = $role; break; }
    }
}
ksort($entries);
preg_match('/#define PHP_RINGMASTER_VERSION "([^"]+)"/', file_get_contents('src/php/php_ringmaster.h'), $m);
$version = $m[1] ?? '0.0.0';

$x = new XMLWriter();
$x->openMemory();
$x->setIndent(true);
$x->setIndentString(' ');
$x->startDocument('1.0', 'UTF-8');
$x->startElement('package');
$x->writeAttribute('packagerversion', '1.10.13');
$x->writeAttribute('version', '2.0');
$x->writeAttribute('xmlns', 'http://pear.php.net/dtd/package-2.0');
$x->writeAttribute('xmlns:tasks', 'http://pear.php.net/dtd/tasks-1.0');
$x->writeAttribute('xmlns:xsi', 'http://www.w3.org/2001/XMLSchema-instance');
$x->writeAttribute('xsi:schemaLocation', 'http://pear.php.net/dtd/tasks-1.0 http://pear.php.net/dtd/tasks-1.0.xsd http://pear.php.net/dtd/package-2.0 http://pear.php.net/dtd/package-2.0.xsd');
$x->writeElement('name', 'ringmaster');
$x->writeElement('channel', 'pecl.php.net');
$x->writeElement('summary', 'Long-lived PHP network servers on io_uring with smooth reload');
$x->writeElement('description', 'Ringmaster runs HTTP, WebSocket and TCP servers written in PHP with a Workerman-style API: a master, a manager and a pool of workers, each with its own io_uring (or epoll) event loop. Reload puts new code live start-before-stop, without failing a request, and refuses a broken deploy.');
$x->startElement('lead');
$x->writeElement('name', 'Ringmaster developers');
$x->writeElement('user', 'ringmaster');
$x->writeElement('email', 'dev@ringmaster.invalid');
$x->writeElement('active', 'yes');
$x->endElement();
$x->writeElement('date', '2026-11-21');
$x->startElement('version');
$x->writeElement('release', $version);
$x->writeElement('api', $version);
$x->endElement();
$x->startElement('stability');
$x->writeElement('release', 'alpha');
$x->writeElement('api', 'alpha');
$x->endElement();
$x->startElement('license');
$x->writeAttribute('uri', 'https://opensource.org/licenses/MIT');
$x->text('MIT');
$x->endElement();
$x->writeElement('notes', 'First release.');
$x->startElement('contents');
$x->startElement('dir');
$x->writeAttribute('name', '/');
foreach ($entries as $f => $role) {
    $x->startElement('file');
    $x->writeAttribute('name', $f);
    $x->writeAttribute('role', $role);
    $x->endElement();
}
$x->endElement();
$x->endElement();
$x->startElement('dependencies');
$x->startElement('required');
$x->startElement('php');
$x->writeElement('min', '8.2.0');
$x->endElement();
$x->startElement('pearinstaller');
$x->writeElement('min', '1.10.0');
$x->endElement();
$x->endElement();
$x->endElement();
$x->writeElement('providesextension', 'ringmaster');
$x->startElement('extsrcrelease');
$x->endElement();
$x->endElement();
$x->endDocument();
echo $x->outputMemory();
