#!/usr/bin/env bash
# Installs what Ringmaster needs on Debian 12 and builds the extension the way pecl does
# (phpize, configure, make) into ./modules/ringmaster.so. Idempotent: reruns are cheap.
#
#   bash scripts/setup.sh           what building and running the demo needs
#   bash scripts/setup.sh --tests   also every tool the test suites and benchmarks use
set -euo pipefail
cd "$(dirname "$0")/.."

# Building and running a server.
packages=(php8.2-dev php8.2-cli php8.2-opcache php-pear liburing-dev libhttp-parser-dev libssl-dev
          g++ pkg-config make curl)
# Testing, fuzzing and benchmarking it: real clients and reference servers.
test_packages=(catch2 cmake wrk apache2-utils nodejs node-ws clang libclang-rt-14-dev
               nginx-light gnuplot-nox valgrind util-linux openssl)
if [ "${1:-}" = "--tests" ]; then packages+=("${test_packages[@]}"); fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "== installing: ${missing[*]}"
    # Another apt (unattended-upgrades, a second terminal) may hold a lock: wait for it, up
    # to 10 minutes, instead of failing at once. apt's own DPkg::Lock::Timeout covers the
    # dpkg lock only, not the lists lock `apt-get update` takes.
    apt_locked_retry() {
        local deadline=$((SECONDS + 600)) out rc
        while :; do
            out=$($SUDO "$@" 2>&1) && { printf '%s\n' "$out" | tail -n 3; return 0; }
            rc=$?
            if ! grep -q "Could not get lock\|Unable to lock\|Unable to acquire" <<<"$out" ||
                ((SECONDS >= deadline)); then
                printf '%s\n' "$out" >&2
                return $rc
            fi
            echo "   (apt is busy: $(grep -m1 -o 'held by process [0-9]* ([^)]*)' <<<"$out"); waiting)"
            sleep 3
        done
    }
    apt_locked_retry apt-get -o DPkg::Lock::Timeout=600 update -q
    DEBIAN_FRONTEND=noninteractive apt_locked_retry apt-get -o DPkg::Lock::Timeout=600 \
        install -y -q --no-install-recommends "${missing[@]}"
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
