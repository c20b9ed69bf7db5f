// The manager's poll() loop: signals (signalfd), the master channel, every worker channel,
// and deadlines (readiness, drain, restart backoff, status replies) as the poll timeout.
#include "manager.h"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "channel.h"
#include "control_protocol.h"
#include "process_clock.h"
#include "ringmaster/log.h"
#include "wait_status.h"

namespace ringmaster {

int run_manager(const ServerConfig& config, WorkerBody& body, int master_channel_fd,
                const std::vector<int>& listen_fds, const MasterInfo& master) {
    Manager manager(config, body, master_channel_fd, listen_fds, master);
    return manager.run();
}

Manager::Manager(const ServerConfig& config, WorkerBody& body, int master_fd,
                 const std::vector<int>& listen_fds, const MasterInfo& master)
    : config_(config),
      body_(body),
      master_fd_(master_fd),
      listen_fds_(listen_fds),
      master_(master),
      started_wall_ms_(wall_ms()) {
    for (const auto& group : config_.groups) {
        for (int s = 0; s < group.count; ++s) {
            SlotState st;
            st.key = SlotKey{group.index, s};
            slots_.push_back(std::move(st));
        }
    }
}

void Manager::open_signals() {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : {SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGHUP}) {
        sigaddset(&set, sig);
    }
    sigprocmask(SIG_BLOCK, &set, nullptr);
    signal_fd_.reset(signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
}

int Manager::run() {
    open_signals();
    log_info("manager started");
    for (auto& s : slots_) {
        std::string error;
        if (launch(s, 0, WorkerProcess::Role::current, &error) == 0) {
            log_error("cannot start worker " + slot_name(s.key) + ": " + error);
            s.first_start_settled = true;
            schedule_restart(s, 0);
        }
    }
    report_started_if_settled();

    std::vector<pollfd> fds;
    std::vector<int> pids;  // pids[i] owns fds[i] for worker channels
    while (!(stopping_ && procs_.empty())) {
        fds.clear();
        pids.clear();
        fds.push_back({signal_fd_.get(), POLLIN, 0});
        pids.push_back(0);
        if (!master_lost_) {
            fds.push_back({master_fd_, POLLIN, 0});
            pids.push_back(-1);
        }
        for (auto& [pid, proc] : procs_) {
            if (!proc->channel.valid()) continue;
            fds.push_back({proc->channel.get(), POLLIN, 0});
            pids.push_back(pid);
        }
        int timeout = poll_timeout_until(next_deadline(), 1000);
        int rc = poll(fds.data(), fds.size(), timeout);
        if (rc < 0 && errno != EINTR) {
            log_error(std::string("manager poll failed: ") + std::strerror(errno));
        }
        if (rc > 0) {
            for (size_t i = 0; i < fds.size(); ++i) {
                if (fds[i].revents == 0) continue;
                if (pids[i] == 0) {
                    handle_signals();
                } else if (pids[i] == -1) {
                    handle_master();
                } else if (WorkerProcess* proc = find(pids[i])) {
                    handle_worker(*proc);
                }
            }
        }
        run_timers();
    }
    finish_due_queries(true);
    log_info("manager stopped");
    return 0;
}

void Manager::handle_signals() {
    signalfd_siginfo info;
    while (read(signal_fd_.get(), &info, sizeof info) == sizeof info) {
        switch (info.ssi_signo) {
            case SIGCHLD: reap_children(); break;
            case SIGTERM:
            case SIGINT: begin_stop(false); break;
            case SIGQUIT: begin_stop(true); break;
            case SIGUSR1: request_reload(false, UniqueFd()); break;
            case SIGUSR2: request_reload(true, UniqueFd()); break;
            default: break;  // SIGHUP: a closed terminal must not stop the server
        }
    }
    // SIGCHLD coalesces; reaping on every wake-up costs one syscall and misses nothing.
    reap_children();
}

void Manager::reap_children() {
    for (;;) {
        int status = 0;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid <= 0) return;
        on_exit(pid, status);
    }
}

void Manager::handle_master() {
    ChannelMessage msg;
    ChannelRead r = channel_receive(master_fd_, &msg);
    if (r == ChannelRead::would_block) return;
    if (r == ChannelRead::closed) {
        // The master is gone (PDEATHSIG normally kills us first): stop, orphans help nobody.
        master_lost_ = true;
        log_error("manager lost its master: stopping");
        begin_stop(false);
        return;
    }
    UniqueFd client(msg.fd);
    if (client.valid()) control_prepare_client(client.get());
    if (msg.verb == "STOP") {
        begin_stop(msg.payload == "1");
    } else if (msg.verb == "REQUEST") {
        const std::string& line = msg.payload;
        if (line == "reload" || line == "reload graceful") {
            request_reload(line == "reload graceful", std::move(client));
        } else if (line == "status" || line == "connections") {
            start_query(line == "connections", std::move(client));
        } else {
            control_send_final(client.get(), control_error_json("unknown request '" + line + "'"));
        }
    }
}

void Manager::handle_worker(WorkerProcess& proc) {
    ChannelMessage msg;
    ChannelRead r = channel_receive(proc.channel.get(), &msg);
    if (r == ChannelRead::would_block) return;
    if (r == ChannelRead::closed) {
        // Its exit arrives via SIGCHLD; stop polling the dead channel meanwhile.
        proc.channel.reset();
        forget_in_queries(proc.pid);
        return;
    }
    if (msg.verb == "HANDOVER" && msg.fd >= 0) return relay_handover(proc, msg);
    if (msg.fd >= 0) close(msg.fd);
    if (msg.verb == "READY") {
        if (proc.phase != WorkerProcess::Phase::starting) return;
        proc.phase = WorkerProcess::Phase::serving;
        proc.ready_deadline_ms = -1;
        SlotState& s = slot(proc.key);
        if (proc.role == WorkerProcess::Role::replacement) {
            on_replacement_ready(proc);
        } else if (proc.role == WorkerProcess::Role::current) {
            log_info(describe(proc) + " ready in " +
                     std::to_string(steady_ms() - proc.started_steady_ms) + " ms");
            s.first_start_settled = true;
            report_started_if_settled();
        }
    } else if (msg.verb == "FAILED") {
        proc.failure = msg.payload.empty() ? "onWorkerStart failed" : msg.payload;
        log_error(describe(proc) + " failed to start: " + proc.failure);
        if (proc.role == WorkerProcess::Role::replacement) {
            abort_plan(proc.failure);
        } else if (proc.kill_at_ms < 0) {
            // It is about to exit by itself; the kill only covers a worker that hangs.
            proc.kill_at_ms = steady_ms() + 1000;
        }
    } else if (msg.verb == "RETIRED") {
        log_info(describe(proc) + " finished its drain (" +
                 (msg.payload.empty() ? "0" : msg.payload) + " requests served)");
    } else if (msg.verb == "REPLACE_ME") {
        if (proc.role == WorkerProcess::Role::current &&
            proc.phase == WorkerProcess::Phase::serving) {
            request_self_replacement(proc.key);
        }
    } else if (msg.verb == "REPLY") {
        on_reply(proc, msg.payload);
    } else {
        log_warning(describe(proc) + " sent an unknown message '" + msg.verb + "'");
    }
}

int64_t Manager::next_deadline() const {
    int64_t next = -1;
    auto consider = [&](int64_t t) {
        if (t >= 0 && (next < 0 || t < next)) next = t;
    };
    for (const auto& [pid, proc] : procs_) {
        consider(proc->ready_deadline_ms);
        consider(proc->kill_at_ms);
    }
    for (const auto& s : slots_) consider(s.restart_at_ms);
    for (const auto& q : queries_) consider(q->deadline_ms);
    return next;
}

void Manager::run_timers() {
    int64_t now = steady_ms();
    std::vector<int> due_ready;
    std::vector<int> due_kill;
    for (auto& [pid, proc] : procs_) {
        if (proc->ready_deadline_ms >= 0 && proc->ready_deadline_ms <= now) due_ready.push_back(pid);
        if (proc->kill_at_ms >= 0 && proc->kill_at_ms <= now) due_kill.push_back(pid);
    }
    for (int pid : due_ready) {
        WorkerProcess* proc = find(pid);
        if (!proc || proc->phase != WorkerProcess::Phase::starting) continue;
        proc->ready_deadline_ms = -1;
        std::string why = describe(*proc) + " did not report READY within " +
                          std::to_string(static_cast<int64_t>(config_.start_timeout * 1000)) +
                          " ms";
        log_error(why);
        if (proc->role == WorkerProcess::Role::replacement) {
            abort_plan(why);
        } else {
            kill_now(*proc);
        }
    }
    for (int pid : due_kill) {
        WorkerProcess* proc = find(pid);
        if (!proc || proc->kill_at_ms < 0) continue;
        if (proc->role == WorkerProcess::Role::retiring) {
            std::string text = describe(*proc) + " still draining after " +
                               std::to_string(proc->retire_deadline_ms) +
                               " ms: killed with SIGKILL";
            log_warning(text);
            if (stopping_ && !master_lost_) channel_send(master_fd_, "LINE", text);
        }
        kill_now(*proc);
    }
    if (!stopping_) {
        for (auto& s : slots_) {
            if (s.restart_at_ms < 0 || s.restart_at_ms > now) continue;
            s.restart_at_ms = -1;
            if (s.current_pid != 0 || s.replacement_pid != 0) continue;
            std::string error;
            if (launch(s, s.generation, WorkerProcess::Role::current, &error) == 0) {
                log_error("cannot restart worker " + slot_name(s.key) + ": " + error);
                schedule_restart(s, 0);
            }
        }
    }
    finish_due_queries(false);
}

void Manager::begin_stop(bool graceful) {
    if (stopping_) {
        if (graceful || !stop_graceful_) return;
        // A plain stop after a graceful one: impose the deadline now.
    }
    stopping_ = true;
    stop_graceful_ = graceful;
    log_info(std::string("stopping all workers") +
             (graceful ? " (graceful: no deadline)" : ""));
    if (active_) abort_plan("reload aborted: the server is stopping");
    while (!queued_.empty()) {
        control_send_final(queued_.front().requester.get(),
                           control_error_json("reload cancelled: the server is stopping"));
        queued_.pop_front();
    }
    for (auto& s : slots_) s.restart_at_ms = -1;
    unsigned deadline_ms =
        graceful ? 0u : std::max(1u, static_cast<unsigned>(config_.stop_timeout * 1000));
    for (auto& [pid, proc] : procs_) {
        if (proc->phase == WorkerProcess::Phase::starting ||
            proc->role == WorkerProcess::Role::discarded) {
            // Not serving yet: nothing to drain.
            kill_now(*proc);
        } else if (proc->role == WorkerProcess::Role::retiring) {
            if (!graceful && proc->kill_at_ms < 0) {
                proc->retire_deadline_ms = deadline_ms;
                proc->kill_at_ms = steady_ms() + deadline_ms + kRetireGraceMs;
            }
        } else {
            retire(*proc, deadline_ms);
        }
    }
}

void Manager::report_started_if_settled() {
    if (started_reported_) return;
    int ready = 0;
    for (const auto& s : slots_) {
        if (!s.first_start_settled) return;
        if (WorkerProcess* p = find(s.current_pid)) {
            if (p->phase == WorkerProcess::Phase::serving) ++ready;
        }
    }
    started_reported_ = true;
    channel_send(master_fd_, "STARTED",
                 std::to_string(ready) + " " + std::to_string(slots_.size()));
}

std::string Manager::slot_name(const SlotKey& key) const {
    for (const auto& g : config_.groups) {
        if (g.index == key.group) return g.name + " #" + std::to_string(key.slot);
    }
    return "group " + std::to_string(key.group) + " #" + std::to_string(key.slot);
}

std::string Manager::describe(const WorkerProcess& proc) const {
    return "worker " + slot_name(proc.key) + " (pid " + std::to_string(proc.pid) + ", gen " +
           std::to_string(proc.generation) + ")";
}

SlotState& Manager::slot(const SlotKey& key) {
    for (auto& s : slots_) {
        if (s.key == key) return s;
    }
    return slots_.front();  // unreachable: keys only come from slots_
}

WorkerProcess* Manager::find(int pid) {
    if (pid <= 0) return nullptr;
    auto it = procs_.find(pid);
    return it == procs_.end() ? nullptr : it->second.get();
}

}  // namespace ringmaster
