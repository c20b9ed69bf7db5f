// The `start` verb: checks, binds, daemonises if asked, then runs the master.
#pragma once

#include "ringmaster/process_tree.h"

namespace ringmaster {

// Returns when the server has stopped (or, with `daemon`, in the original process once the
// daemon has reported). The daemon itself also returns here after it stopped.
int run_start(const ServerConfig& config, bool daemon, WorkerBody& body);

}  // namespace ringmaster
