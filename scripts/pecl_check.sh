#!/usr/bin/env bash
# Proves the user's install path: package.xml lists exactly the tracked sources, `pecl package`
# builds a tarball, `pecl install` of it builds and installs an extension that loads.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! php scripts/package_xml.php | diff -u package.xml - >/dev/null; then
    echo "package.xml is stale: run 'php scripts/package_xml.php > package.xml'"
    php scripts/package_xml.php | diff -u package.xml - | head -20
    exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git ls-files | tar cf - -T - | tar xf - -C "$work"
(cd "$work" && pecl package >/dev/null)
tarball=$(ls "$work"/ringmaster-*.tgz)
echo "== pecl install $(basename "$tarball")"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO pecl install -f "$tarball" >"$work/install.log" 2>&1 || { tail -30 "$work/install.log"; exit 1; }
php -n -d extension=ringmaster -r '
    $ok = class_exists("Ringmaster\\Worker") && phpversion("ringmaster") !== false;
    echo $ok ? "pecl-installed ringmaster " . phpversion("ringmaster") . " loads\n" : "not loaded\n";
    exit($ok ? 0 : 1);'
