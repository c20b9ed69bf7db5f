// Forking a worker, preparing the child (fds, signals, privileges, parent-death signal),
// and what the manager does when a worker process ends.
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>

#include "channel.h"
#include "manager.h"
#include "process_clock.h"
#include "ringmaster/log.h"
#include "wait_status.h"

namespace ringmaster {

namespace {

// Returns an error message, or "" when the privileges are dropped (or nothing to drop).
std::string drop_privileges(const std::string& user, const std::string& group) {
    if (user.empty() && group.empty()) return "";
    if (geteuid() != 0) {
        passwd* me = getpwuid(geteuid());
        if (!user.empty() && me && user == me->pw_name) return "";
        return "cannot switch to user '" + user + "' group '" + group + "': not running as root";
    }
    gid_t gid = 0;
    uid_t uid = 0;
    const char* name = nullptr;
    if (!user.empty()) {
        passwd* pw = getpwnam(user.c_str());
        if (!pw) return "unknown user '" + user + "'";
        uid = pw->pw_uid;
        gid = pw->pw_gid;
        name = pw->pw_name;
    }
    if (!group.empty()) {
        struct group* gr = getgrnam(group.c_str());
        if (!gr) return "unknown group '" + group + "'";
        gid = gr->gr_gid;
    }
    if (setgid(gid) != 0) return std::string("setgid: ") + std::strerror(errno);
    if (name && initgroups(name, gid) != 0) return std::string("initgroups: ") + std::strerror(errno);
    if (!user.empty() && setuid(uid) != 0) return std::string("setuid: ") + std::strerror(errno);
    return "";
}

}  // namespace

int Manager::launch(SlotState& s, unsigned generation, WorkerProcess::Role role,
                    std::string* error) {
    const WorkerGroupConfig& group = config_.groups.at(static_cast<size_t>(s.key.group));
    int ends[2];
    try {
        make_channel(ends);
    } catch (const std::exception& e) {
        *error = e.what();
        return 0;
    }
    int listen_fd = listen_fds_.at(static_cast<size_t>(s.key.group));
    bool own_socket = false;
    if (group.listen && group.reuse_port) {
        // Opened before the fork, so the new socket is in the SO_REUSEPORT group before an
        // old worker's socket closes: the port is never without a listener.
        try {
            ListenOptions opts;
            opts.reuse_port = true;
            listen_fd = open_listen_socket(*group.listen, opts);
            own_socket = true;
        } catch (const std::exception& e) {
            close(ends[0]);
            close(ends[1]);
            *error = e.what();
            return 0;
        }
    }
    pid_t manager_pid = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        *error = std::string("fork: ") + std::strerror(errno);
        close(ends[0]);
        close(ends[1]);
        if (own_socket) close(listen_fd);
        return 0;
    }
    if (pid == 0) {
        // A worker never outlives its manager: the replacement manager starts its own.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != manager_pid) _exit(1);
        close(ends[0]);
        child_after_fork(s, generation, ends[1], listen_fd);  // never returns
    }
    close(ends[1]);
    if (own_socket) close(listen_fd);
    fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK);

    auto proc = std::make_unique<WorkerProcess>();
    proc->pid = pid;
    proc->key = s.key;
    proc->generation = generation;
    proc->channel.reset(ends[0]);
    proc->role = role;
    proc->started_steady_ms = steady_ms();
    proc->started_wall_ms = wall_ms();
    proc->ready_deadline_ms =
        proc->started_steady_ms + static_cast<int64_t>(config_.start_timeout * 1000);
    if (role == WorkerProcess::Role::replacement) {
        s.replacement_pid = pid;
    } else {
        s.current_pid = pid;
    }
    log_info("started " + describe(*proc) +
             (role == WorkerProcess::Role::replacement ? " as replacement" : ""));
    procs_[pid] = std::move(proc);
    return pid;
}

void Manager::child_after_fork(const SlotState& s, unsigned generation, int channel_end,
                               int listen_fd) {
    // Everything the manager holds that this worker must not: other channels, clients
    // waiting for answers, other groups' sockets. (The glue's own fds stay open.)
    for (auto& [pid, proc] : procs_) proc->channel.reset();
    for (auto& q : queries_) q->requester.reset();
    if (active_) active_->requester.reset();
    for (auto& plan : queued_) plan.requester.reset();
    for (int fd : listen_fds_) {
        if (fd >= 0 && fd != listen_fd) close(fd);
    }
    signal_fd_.reset();
    close(master_fd_);

    // A clean signal state: the worker's event loop sets up what it needs.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGHUP}) {
        signal(sig, SIG_DFL);
    }
    // Writes to a closed connection must fail with EPIPE, not kill the worker.
    signal(SIGPIPE, SIG_IGN);

    const WorkerGroupConfig& group = config_.groups.at(static_cast<size_t>(s.key.group));
    std::string priv_error = drop_privileges(group.user, group.group);
    if (!priv_error.empty()) {
        log_error("worker " + slot_name(s.key) + ": " + priv_error);
        channel_send(channel_end, "FAILED", priv_error);
        _exit(1);
    }
    body_.set_process_title("ringmaster: worker " + group.name + " #" +
                            std::to_string(s.key.slot) + " gen " + std::to_string(generation) +
                            "  " + config_.start_file);

    WorkerSlotInfo info;
    info.group_index = s.key.group;
    info.slot = s.key.slot;
    info.generation = generation;
    info.channel_fd = channel_end;
    info.listen_fd = group.listen ? listen_fd : -1;
    int status = 255;
    try {
        status = body_.run_worker(config_, info);
    } catch (const std::exception& e) {
        log_error("worker " + slot_name(s.key) + " crashed: " + e.what());
        channel_send(channel_end, "FAILED", e.what());
    } catch (...) {
        log_error("worker " + slot_name(s.key) + " crashed with an unknown exception");
    }
    std::fflush(nullptr);
    _exit(status);
}

void Manager::on_exit(int pid, int wait_status) {
    auto it = procs_.find(pid);
    if (it == procs_.end()) return;  // not ours (cannot happen: we fork only workers)
    std::unique_ptr<WorkerProcess> proc = std::move(it->second);
    procs_.erase(it);
    // SIGCHLD can be seen before the last messages on the channel: a FAILED sent just
    // before exiting carries the PHP error the reload's caller must get, and a retiring
    // worker's last HANDOVERs carry client sockets that must still reach the replacement.
    // Nothing else from a dead process matters (a READY from it must not make it current).
    ChannelMessage last;
    while (proc->channel.valid() &&
           channel_receive(proc->channel.get(), &last) == ChannelRead::message) {
        if (last.verb == "HANDOVER" && last.fd >= 0) {
            relay_handover(*proc, last);
            continue;
        }
        if (last.fd >= 0) close(last.fd);
        if (last.verb == "FAILED" && proc->failure.empty()) {
            proc->failure = last.payload.empty() ? "onWorkerStart failed" : last.payload;
            log_error(describe(*proc) + " failed to start: " + proc->failure);
        } else if (last.verb == "RETIRED") {
            log_info(describe(*proc) + " finished its drain (" + last.payload +
                     " requests served)");
        }
    }
    forget_in_queries(pid);
    SlotState& s = slot(proc->key);
    std::string reason = describe_wait_status(wait_status);
    int64_t uptime = steady_ms() - proc->started_steady_ms;

    WorkerSlotInfo info;
    info.group_index = proc->key.group;
    info.slot = proc->key.slot;
    info.generation = proc->generation;
    try {
        body_.on_worker_exit(info, pid, wait_status);
    } catch (...) {
        log_error("onWorkerExit threw; ignored");
    }

    switch (proc->role) {
        case WorkerProcess::Role::retiring:
            if (!proc->killed_by_manager) log_info(describe(*proc) + " exited: " + reason);
            on_retired_exit(pid);
            return;
        case WorkerProcess::Role::discarded:
            log_info("discarded " + describe(*proc) + " exited: " + reason);
            return;
        case WorkerProcess::Role::replacement: {
            s.replacement_pid = 0;
            std::string why = !proc->failure.empty()
                                  ? proc->failure
                                  : describe(*proc) + " exited before READY: " + reason;
            log_error(describe(*proc) + " exited before READY: " + reason);
            abort_plan(why);
            return;
        }
        case WorkerProcess::Role::current:
            break;
    }
    if (s.current_pid == pid) s.current_pid = 0;
    if (stopping_) {
        log_info(describe(*proc) + " exited: " + reason);
        return;
    }
    if (proc->phase == WorkerProcess::Phase::starting) {
        log_error(describe(*proc) + " exited before READY: " +
                  (proc->failure.empty() ? reason : proc->failure + " (" + reason + ")"));
        s.first_start_settled = true;
        report_started_if_settled();
    } else {
        log_error(describe(*proc) + " died unexpectedly: " + reason);
    }
    // During a reload the slot's replacement (if any) takes over; otherwise restart it.
    if (s.replacement_pid == 0) schedule_restart(s, uptime);
}

void Manager::schedule_restart(SlotState& s, int64_t uptime_ms) {
    int64_t delay = s.backoff.next_delay_ms(uptime_ms);
    s.restart_at_ms = steady_ms() + delay;
    if (delay == 0) {
        log_info("restarting worker " + slot_name(s.key));
    } else {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(delay) / 1000);
        log_warning("restarting worker " + slot_name(s.key) + " in " + buf + " s (failure " +
                    std::to_string(s.backoff.failures()) + " in a row)");
    }
}

void Manager::retire(WorkerProcess& proc, unsigned deadline_ms, bool handover) {
    proc.role = WorkerProcess::Role::retiring;
    proc.retire_deadline_ms = deadline_ms;
    proc.kill_at_ms = deadline_ms == 0 ? -1 : steady_ms() + deadline_ms + kRetireGraceMs;
    std::string payload = std::to_string(deadline_ms) + (handover ? " handover" : "");
    if (!channel_send(proc.channel.get(), "RETIRE", payload)) {
        // Channel gone or jammed: it cannot be told, so it cannot drain.
        log_warning(describe(proc) + " cannot be told to retire: killed");
        kill_now(proc);
    }
}

// A retiring worker gives an idle connection to its slot's current (new) worker. The
// manager only passes the descriptor along; if nobody can take it, closing our copy ends
// the connection like any server close.
void Manager::relay_handover(const WorkerProcess& from, ChannelMessage& msg) {
    SlotState& s = slot(from.key);
    WorkerProcess* to = s.current_pid && s.current_pid != from.pid ? find(s.current_pid) : nullptr;
    if (!to || to->channel.get() < 0 || to->phase != WorkerProcess::Phase::serving ||
        !channel_send(to->channel.get(), "ADOPT", msg.payload, msg.fd)) {
        log_warning(describe(from) + ": a handed-over connection had no taker and was closed");
    }
    ::close(msg.fd);
    msg.fd = -1;
}

void Manager::kill_now(WorkerProcess& proc) {
    kill(proc.pid, SIGKILL);
    proc.killed_by_manager = true;
    proc.kill_at_ms = -1;
    proc.ready_deadline_ms = -1;
}

}  // namespace ringmaster
