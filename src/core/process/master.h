// The master process: owns the listening sockets, the pid file and the control socket,
// turns signals and control requests into orders for the manager, and restarts the
// manager if it dies. It never runs request code.
#pragma once

#include <string>
#include <vector>

#include "restart_backoff.h"
#include "ringmaster/process_tree.h"
#include "unique_fd.h"

namespace ringmaster {

class Master {
public:
    // `listen_fds[g]`: the bound socket of group g or -1. `report_fd`: the daemon's pipe to
    // the original `start -d` process, or -1 in the foreground.
    Master(const ServerConfig& config, WorkerBody& body, std::vector<int> listen_fds,
           int report_fd);
    ~Master();
    // Runs until the server has stopped; returns the exit status of the start command.
    int run();

private:
    struct PendingClient {
        UniqueFd fd;
        std::string buffer;
        int64_t deadline_ms = 0;
    };

    void setup();  // pid file, control socket, signals; throws std::runtime_error
    void spawn_manager();
    void handle_signals();
    void handle_manager_message();
    void on_manager_exit(int wait_status);
    void accept_clients();
    void read_client(size_t index);
    void dispatch(const std::string& line, UniqueFd client);
    void begin_stop(bool graceful);
    void cleanup();

    const ServerConfig& config_;
    WorkerBody& body_;
    std::vector<int> listen_fds_;
    int report_fd_;
    UniqueFd control_listen_;
    UniqueFd signal_fd_;
    UniqueFd manager_fd_;
    int manager_pid_ = 0;
    int64_t manager_started_ms_ = 0;
    int64_t manager_restart_at_ = -1;
    RestartBackoff manager_backoff_;
    int64_t started_wall_ms_ = 0;
    bool stopping_ = false;
    bool stop_graceful_ = false;
    int64_t stop_kill_at_ = -1;
    bool done_ = false;
    bool pid_file_written_ = false;
    bool control_socket_created_ = false;
    std::vector<PendingClient> pending_;
    std::vector<UniqueFd> stop_waiters_;
};

}  // namespace ringmaster
