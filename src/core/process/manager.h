// The manager process: forks the workers, watches them over their channels, restarts the
// ones that die (with backoff), runs reloads start-before-stop, and answers status. It runs
// no request code and uses a plain poll() loop, so nothing a worker does can take it down.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "channel.h"
#include "restart_backoff.h"
#include "ringmaster/process_tree.h"
#include "unique_fd.h"

namespace ringmaster {

// What the manager knows about its parent.
struct MasterInfo {
    int pid = 0;
    int64_t started_wall_ms = 0;
};

// Runs the manager until it has stopped every worker; returns the process exit status.
// `listen_fds[g]` is the master's socket for group g, or -1 (no address / reuse_port).
int run_manager(const ServerConfig& config, WorkerBody& body, int master_channel_fd,
                const std::vector<int>& listen_fds, const MasterInfo& master);

// Grace added to a drain deadline before SIGKILL, so a worker enforcing the same deadline
// itself gets to exit cleanly first.
constexpr int64_t kRetireGraceMs = 250;

struct SlotKey {
    int group = 0;
    int slot = 0;
    auto operator<=>(const SlotKey&) const = default;
};

struct WorkerProcess {
    // current: the slot's serving (or starting) process. replacement: started by a reload,
    // not READY yet. retiring: told to retire. discarded: a failed replacement being killed.
    enum class Role { current, replacement, retiring, discarded };
    enum class Phase { starting, serving };

    int pid = 0;
    SlotKey key;
    unsigned generation = 0;
    UniqueFd channel;
    Role role = Role::current;
    Phase phase = Phase::starting;
    int64_t started_steady_ms = 0;
    int64_t started_wall_ms = 0;
    int64_t ready_deadline_ms = -1;  // while starting
    int64_t kill_at_ms = -1;         // SIGKILL when passed
    unsigned retire_deadline_ms = 0; // what it was told, for the log line
    bool killed_by_manager = false;
    std::string failure;             // FAILED message, if any
    std::map<unsigned, std::string> partial_replies;
};

struct SlotState {
    SlotKey key;
    unsigned generation = 0;
    int current_pid = 0;      // 0 while down (waiting for a restart)
    int replacement_pid = 0;  // during a reload
    int64_t restart_at_ms = -1;
    RestartBackoff backoff;
    bool first_start_settled = false;  // READY or failed once: feeds the STARTED report
};

struct ReplacedSlot {
    SlotKey key;
    int old_pid = 0;
    int new_pid = 0;
    int64_t ready_ms = 0;
};

struct ReloadPlan {
    enum class Kind { reload, self_replacement };
    Kind kind = Kind::reload;
    bool graceful = false;
    unsigned generation = 0;
    std::deque<SlotKey> pending;
    std::set<SlotKey> in_flight;
    std::vector<ReplacedSlot> replaced;
    std::vector<std::pair<SlotKey, int>> notified;
    int64_t started_ms = 0;
    UniqueFd requester;  // control client waiting for the outcome, or none
    int requester_pid = 0;  // its process (SO_PEERCRED): a worker reloading its own server
    // Old workers told to retire by this plan and not yet exited. The caller is answered
    // once they are gone, so after `reload` returns only new code answers - except the
    // requesting worker itself, which cannot drain while it waits for the answer.
    std::set<int> draining;
};

struct StatusQuery {
    unsigned id = 0;
    bool connections = false;  // else status
    UniqueFd requester;
    std::set<int> waiting;
    std::map<int, std::string> replies;
    int64_t deadline_ms = 0;
};

class Manager {
public:
    Manager(const ServerConfig& config, WorkerBody& body, int master_fd,
            const std::vector<int>& listen_fds, const MasterInfo& master);
    int run();

private:
    // loop (manager.cc)
    void open_signals();
    void handle_signals();
    void reap_children();
    void handle_master();
    void handle_worker(WorkerProcess& proc);
    void run_timers();
    int64_t next_deadline() const;
    void begin_stop(bool graceful);
    void report_started_if_settled();
    std::string describe(const WorkerProcess& proc) const;
    std::string slot_name(const SlotKey& key) const;
    SlotState& slot(const SlotKey& key);
    WorkerProcess* find(int pid);

    // workers (worker_launch.cc)
    int launch(SlotState& slot, unsigned generation, WorkerProcess::Role role,
               std::string* error);
    void child_after_fork(const SlotState& slot, unsigned generation, int channel_end,
                          int listen_fd);
    void on_exit(int pid, int wait_status);
    void schedule_restart(SlotState& slot, int64_t uptime_ms);
    // `handover`: the slot's replacement is READY and adopts the idle connections.
    void retire(WorkerProcess& proc, unsigned deadline_ms, bool handover = false);
    void relay_handover(const WorkerProcess& from, ChannelMessage& msg);
    // A worker retired by the running reload plan has exited (manager_reload.cc).
    void on_retired_exit(int pid);
    void kill_now(WorkerProcess& proc);

    // reloads (manager_reload.cc)
    void request_reload(bool graceful, UniqueFd requester);
    void request_self_replacement(const SlotKey& key);
    void start_next_plan();
    void advance_plan();
    void on_replacement_ready(WorkerProcess& proc);
    void abort_plan(const std::string& message);
    void finish_plan(bool ok, const std::string& error);
    std::string plan_json(const ReloadPlan& plan, bool ok, const std::string& error) const;

    // status (manager_status.cc)
    void start_query(bool connections, UniqueFd requester);
    void on_reply(WorkerProcess& proc, const std::string& payload);
    void forget_in_queries(int pid);
    void finish_due_queries(bool force_all);
    void answer_status(StatusQuery& q);
    void answer_connections(StatusQuery& q);

    const ServerConfig& config_;
    WorkerBody& body_;
    int master_fd_;
    std::vector<int> listen_fds_;
    MasterInfo master_;
    int64_t started_wall_ms_;
    UniqueFd signal_fd_;
    std::vector<SlotState> slots_;
    std::map<int, std::unique_ptr<WorkerProcess>> procs_;
    std::optional<ReloadPlan> active_;
    std::deque<ReloadPlan> queued_;
    std::vector<std::unique_ptr<StatusQuery>> queries_;
    unsigned next_query_id_ = 0;
    unsigned reload_count_ = 0;  // generation of the newest code
    bool stopping_ = false;
    bool stop_graceful_ = false;
    bool started_reported_ = false;
    bool master_lost_ = false;
};

}  // namespace ringmaster
