#!/usr/bin/env bash
# reload_under_load.sh with $worker->reusePort = true: each worker (and each replacement)
# has its own SO_REUSEPORT listening socket, opened before the old one closes.
REUSE_PORT=1 exec bash "$(dirname "$0")/reload_under_load.sh"
