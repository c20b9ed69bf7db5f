#!/usr/bin/env bash
# Installs what Ringmaster needs on Debian 12 and builds the extension the way pecl does
# (phpize, configure, make) into ./modules/ringmaster.so. Idempotent: reruns are cheap.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(php8.2-dev php8.2-cli php8.2-opcache php-pear liburing-dev libhttp-parser-dev libssl-dev
          catch2 cmake g++ pkg-config make curl wrk apache2-utils nodejs node-ws clang libclang-rt-14-dev
          nginx-light gnuplot-nox valgrind util-linux)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "== installing: ${missing[*]}"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ ! -f configure ] || [ config.m4 -nt configure ]; then
    echo "== phpize"
    phpize >/dev/null
fi
if [ ! -f Makefile ] || [ configure -nt Makefile ]; then
    echo "== configure"
    ./configure -q --enable-ringmaster
fi
echo "== make"
make -j"$(nproc)" >/dev/null
echo "== built $(pwd)/modules/ringmaster.so"
