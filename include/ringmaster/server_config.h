// What the start script declared, in PHP-free form: worker groups, files, timeouts.
// The glue fills it from the Worker objects when Worker::runAll() is called.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ringmaster/address.h"

namespace ringmaster {

struct WorkerGroupConfig {
    int index = 0;               // position among the groups, stable for the server's life
    std::string name = "none";   // Worker::$name
    int count = 1;               // processes in this group
    bool reloadable = true;      // false: not replaced on reload, gets onWorkerReload only
    bool reuse_port = false;     // each worker opens its own SO_REUSEPORT socket
    std::string user;            // drop privileges in workers after binding ("" keeps)
    std::string group;
    std::optional<Address> listen;  // empty for a Worker with no address
    unsigned max_requests = 0;      // retire (start-before-stop) after this many messages
    int backlog = 1024;             // listen() backlog (context option socket.backlog)
};

struct ServerConfig {
    std::string start_file;   // the script path, for process titles and messages
    std::string pid_file;     // control socket lives beside it: <pid_file>.sock
    std::string log_file;
    std::string stdout_file = "/dev/null";  // where a daemon's stdout/stderr go
    bool daemonize = false;
    double stop_timeout = 2.0;   // seconds a retiring/stopping worker may take to drain
    double start_timeout = 30.0; // seconds a replacement has to report READY
    int reload_parallelism = 1;  // slots replaced at once during a reload
    std::string event_loop = "auto";  // shown in status; workers choose the real backend
    std::vector<WorkerGroupConfig> groups;

    std::string control_socket_path() const { return pid_file + ".sock"; }
};

}  // namespace ringmaster
