#!/usr/bin/env bash
# Sets everything up and runs the demo server in the foreground (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec php -d extension="$(pwd)/modules/ringmaster.so" examples/echo_server.php start
