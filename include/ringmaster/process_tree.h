// The process tree: master (control socket, signals, listening sockets) -> manager (forks,
// watches and replaces workers, runs reloads) -> workers. The glue supplies the worker body;
// everything else about processes lives here, free of PHP.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ringmaster/server_config.h"

namespace ringmaster {

// Identity of one worker process, handed to the worker body after fork.
struct WorkerSlotInfo {
    int group_index = 0;
    int slot = 0;            // 0..count-1 within the group (Workerman's $worker->id)
    unsigned generation = 0; // code generation: 0 at start, +1 per successful reload
    int channel_fd = -1;     // the worker's end of its manager channel (SOCK_SEQPACKET)
    int listen_fd = -1;      // inherited listening socket (or its own SO_REUSEPORT socket), -1 if none
};

// Implemented by the glue. Runs in the forked worker process and returns its exit status;
// the process exits with it (the tree never returns into the start script in a worker).
class WorkerBody {
public:
    virtual ~WorkerBody() = default;
    virtual int run_worker(const ServerConfig& config, const WorkerSlotInfo& slot) = 0;
    // Runs in the manager before a reload starts (Worker::$onMasterReload).
    virtual void on_manager_reload() {}
    // Runs in the manager when a worker process ended (Worker::$onWorkerExit).
    virtual void on_worker_exit(const WorkerSlotInfo& slot, int pid, int wait_status) {
        (void)slot; (void)pid; (void)wait_status;
    }
    // Names the calling process in ps/top ("ringmaster: manager  start.php"). Called in the
    // master, the manager and each worker (before run_worker). The glue uses
    // cli_set_process_title; the default does nothing.
    virtual void set_process_title(const std::string& title) { (void)title; }
};

enum class CommandVerb { start, stop, restart, reload, status, connections, help };

struct Command {
    CommandVerb verb = CommandVerb::help;
    bool daemonize = false;  // -d
    bool graceful = false;   // -g
    bool json = false;       // --json
};

// Parses argv as `php start.php <verb> [-d] [-g] [--json]`. Throws std::invalid_argument
// with a message naming the unknown word.
Command parse_command(const std::vector<std::string>& args);
std::string usage_text(const std::string& script);

// Runs the command: for start/restart this becomes the master and returns only when the
// server has stopped (in the start script's process; workers never return). For the other
// verbs it talks to the running master over the control socket, prints the outcome to
// stdout/stderr and returns the exit code.
int run_command(const ServerConfig& config, const Command& cmd, WorkerBody& body);

// Client side of the control socket, for the CLI verbs and for Ringmaster\Server used from
// another script or from inside a worker. `request` is one line ("reload", "reload graceful",
// "stop", "stop graceful", "status", "connections"). Progress lines are passed to
// `on_line` as they arrive; the final line is a JSON object with "ok": true|false.
// Throws std::runtime_error when no server answers at `socket_path`.
std::string control_request(const std::string& socket_path, const std::string& request,
                            const std::function<void(const std::string&)>& on_line,
                            int timeout_ms = -1);

}  // namespace ringmaster
