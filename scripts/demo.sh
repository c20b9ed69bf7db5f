#!/usr/bin/env bash
# Sets everything up (Debian packages, phpize build) and runs the demo server in the
# foreground: an HTTP server on :8070 whose handler can be edited and reloaded live.
# In another terminal:  curl localhost:8070/
#                       edit examples/reload_demo/handler.php, then
#                       php -d extension=$PWD/modules/ringmaster.so examples/reload_demo/start.php reload
# Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== demo: http://127.0.0.1:${PORT:-8070}/  (Ctrl-C stops it)"
exec php -d extension="$(pwd)/modules/ringmaster.so" examples/reload_demo/start.php start
