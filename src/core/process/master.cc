// The master's poll() loop: signalfd, the control socket and its clients, the manager
// channel. Control requests other than stop are handed to the manager together with the
// client's fd (SCM_RIGHTS), so the manager streams progress straight to the caller.
#include "master.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "channel.h"
#include "control_protocol.h"
#include "daemon.h"
#include "manager.h"
#include "pid_file.h"
#include "process_clock.h"
#include "ringmaster/log.h"
#include "wait_status.h"

namespace ringmaster {

namespace {

constexpr int64_t kClientRequestTimeoutMs = 2000;
// Beyond stop_timeout, how long the master gives the manager to report before killing it.
constexpr int64_t kManagerStopSlackMs = 5000;

UniqueFd open_control_socket(const std::string& path) {
    sockaddr_un sun{};
    if (path.size() >= sizeof sun.sun_path) {
        throw std::runtime_error("Cannot create control socket " + path + ": path too long");
    }
    sun.sun_family = AF_UNIX;
    std::memcpy(sun.sun_path, path.c_str(), path.size() + 1);
    UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) {
        throw std::runtime_error("Cannot create control socket " + path + ": " +
                                 std::strerror(errno));
    }
    unlink(path.c_str());  // stale: the pid file check proved no master owns it
    // The umask makes the socket 0600 from its first instant, not after a chmod.
    mode_t old_mask = umask(0177);
    int rc = bind(fd.get(), reinterpret_cast<sockaddr*>(&sun), sizeof sun);
    int err = errno;
    umask(old_mask);
    if (rc != 0 || listen(fd.get(), 64) != 0) {
        if (rc == 0) err = errno;
        throw std::runtime_error("Cannot create control socket " + path + ": " +
                                 std::strerror(err));
    }
    return fd;
}

}  // namespace

Master::Master(const ServerConfig& config, WorkerBody& body, std::vector<int> listen_fds,
               int report_fd)
    : config_(config), body_(body), listen_fds_(std::move(listen_fds)), report_fd_(report_fd) {}

Master::~Master() {
    for (int fd : listen_fds_) {
        if (fd >= 0) close(fd);
    }
    if (report_fd_ >= 0) close(report_fd_);
}

void Master::setup() {
    started_wall_ms_ = wall_ms();
    write_pid_file(config_.pid_file, getpid());
    pid_file_written_ = true;
    control_listen_ = open_control_socket(config_.control_socket_path());
    control_socket_created_ = true;

    sigset_t set;
    sigemptyset(&set);
    for (int sig : {SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGHUP}) {
        sigaddset(&set, sig);
    }
    sigprocmask(SIG_BLOCK, &set, nullptr);
    signal_fd_.reset(signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
    if (!signal_fd_.valid()) {
        throw std::runtime_error(std::string("signalfd: ") + std::strerror(errno));
    }
    // Control clients that hang up mid-answer must not kill the master.
    signal(SIGPIPE, SIG_IGN);
    body_.set_process_title("ringmaster: master process  " + config_.start_file);
}

int Master::run() {
    try {
        setup();
    } catch (const std::exception& e) {
        if (report_fd_ >= 0) {
            log_error(e.what());
            daemon_report(&report_fd_, false, e.what());
        } else {
            // One plain line on the terminal; the log file still gets the stamped one.
            log_set_echo(false);
            log_error(e.what());
            log_set_echo(true);
            std::fprintf(stderr, "%s\n", e.what());
        }
        cleanup();
        return 1;
    }
    log_info("Ringmaster master started (pid " + std::to_string(getpid()) + ")");
    spawn_manager();

    std::vector<pollfd> fds;
    while (!done_) {
        fds.clear();
        fds.push_back({signal_fd_.get(), POLLIN, 0});
        fds.push_back({control_listen_.get(), POLLIN, 0});
        fds.push_back({manager_fd_.valid() ? manager_fd_.get() : -1, POLLIN, 0});
        for (auto& c : pending_) fds.push_back({c.fd.get(), POLLIN, 0});

        int64_t deadline = manager_restart_at_;
        auto consider = [&](int64_t t) {
            if (t >= 0 && (deadline < 0 || t < deadline)) deadline = t;
        };
        consider(stop_kill_at_);
        for (auto& c : pending_) consider(c.deadline_ms);
        int rc = poll(fds.data(), fds.size(), poll_timeout_until(deadline, 1000));
        if (rc < 0 && errno != EINTR) {
            log_error(std::string("master poll failed: ") + std::strerror(errno));
        }
        if (rc > 0) {
            if (fds[0].revents) handle_signals();
            if (fds[2].revents && manager_fd_.valid()) handle_manager_message();
            // Clients: walk backwards so erasing keeps the remaining indices valid.
            for (size_t i = fds.size(); i-- > 3;) {
                if (fds[i].revents && i - 3 < pending_.size()) read_client(i - 3);
            }
            if (fds[1].revents) accept_clients();
        }
        int64_t now = steady_ms();
        for (size_t i = pending_.size(); i-- > 0;) {
            if (pending_[i].deadline_ms <= now) pending_.erase(pending_.begin() + static_cast<long>(i));
        }
        if (stop_kill_at_ >= 0 && stop_kill_at_ <= now && manager_pid_ > 0) {
            log_error("manager did not stop in time: killed (its workers die with it)");
            kill(manager_pid_, SIGKILL);
            stop_kill_at_ = -1;
        }
        if (!stopping_ && manager_pid_ == 0 && manager_restart_at_ >= 0 &&
            manager_restart_at_ <= now) {
            manager_restart_at_ = -1;
            spawn_manager();
        }
    }
    cleanup();
    log_info("Ringmaster stopped");
    for (auto& w : stop_waiters_) {
        control_send_final(w.get(), "{\"ok\":true,\"message\":\"Ringmaster stopped\"}");
    }
    stop_waiters_.clear();
    return 0;
}

void Master::spawn_manager() {
    int ends[2];
    try {
        make_channel(ends);
    } catch (const std::exception& e) {
        log_error(std::string("cannot start the manager: ") + e.what());
        manager_restart_at_ = steady_ms() + manager_backoff_.next_delay_ms(0) + 100;
        return;
    }
    pid_t master_pid = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        log_error(std::string("cannot fork the manager: ") + std::strerror(errno));
        close(ends[0]);
        close(ends[1]);
        manager_restart_at_ = steady_ms() + manager_backoff_.next_delay_ms(0) + 100;
        return;
    }
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != master_pid) _exit(1);
        // Own process group: Ctrl+C on the terminal reaches only the master, which then
        // stops the tree in order instead of every worker dying at once.
        setpgid(0, 0);
        close(ends[0]);
        control_listen_.reset();
        signal_fd_.reset();
        manager_fd_.reset();
        pending_.clear();
        stop_waiters_.clear();
        if (report_fd_ >= 0) close(report_fd_);
        body_.set_process_title("ringmaster: manager  " + config_.start_file);
        int rc = 1;
        try {
            rc = run_manager(config_, body_, ends[1], listen_fds_,
                             MasterInfo{master_pid, started_wall_ms_});
        } catch (const std::exception& e) {
            log_error(std::string("manager failed: ") + e.what());
        }
        _exit(rc);
    }
    close(ends[1]);
    fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK);
    manager_fd_.reset(ends[0]);
    manager_pid_ = pid;
    manager_started_ms_ = steady_ms();
    log_info("manager started (pid " + std::to_string(pid) + ")");
}

void Master::handle_signals() {
    signalfd_siginfo info;
    while (read(signal_fd_.get(), &info, sizeof info) == sizeof info) {
        switch (info.ssi_signo) {
            case SIGCHLD: break;  // reaped below
            case SIGTERM:
            case SIGINT: begin_stop(false); break;
            case SIGQUIT: begin_stop(true); break;
            case SIGUSR1:
            case SIGUSR2:
                if (manager_fd_.valid() && !stopping_) {
                    // No client: the manager logs the outcome.
                    channel_send(manager_fd_.get(), "REQUEST",
                                 info.ssi_signo == SIGUSR2 ? "reload graceful" : "reload");
                } else {
                    log_warning("reload signal ignored: the manager is not running");
                }
                break;
            default: break;
        }
    }
    for (;;) {
        int status = 0;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid <= 0) break;
        if (pid == manager_pid_) on_manager_exit(status);
    }
}

void Master::on_manager_exit(int wait_status) {
    int pid = manager_pid_;
    manager_pid_ = 0;
    manager_fd_.reset();
    if (stopping_) {
        done_ = true;
        return;
    }
    int64_t uptime = steady_ms() - manager_started_ms_;
    int64_t delay = manager_backoff_.next_delay_ms(uptime);
    log_error("manager (pid " + std::to_string(pid) + ") died unexpectedly: " +
              describe_wait_status(wait_status) + "; restarting it" +
              (delay ? " in " + std::to_string(delay) + " ms" : std::string()));
    manager_restart_at_ = steady_ms() + delay;
}

void Master::handle_manager_message() {
    ChannelMessage msg;
    ChannelRead r = channel_receive(manager_fd_.get(), &msg);
    if (r != ChannelRead::message) {
        if (r == ChannelRead::closed) manager_fd_.reset();  // its exit comes via SIGCHLD
        return;
    }
    if (msg.fd >= 0) close(msg.fd);
    if (msg.verb == "STARTED") {
        int ready = 0, total = 0;
        std::sscanf(msg.payload.c_str(), "%d %d", &ready, &total);
        std::string text = "Ringmaster started (pid " + std::to_string(getpid()) + "): " +
                           std::to_string(ready) + " of " + std::to_string(total) +
                           " workers ready";
        log_info(text);
        if (ready < total) text += "; see " + config_.log_file + " for the failures";
        daemon_report(&report_fd_, true, text);
    } else if (msg.verb == "LINE") {
        for (auto& w : stop_waiters_) control_send_progress(w.get(), msg.payload);
    }
}

void Master::accept_clients() {
    for (;;) {
        int fd = accept4(control_listen_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;
        PendingClient c;
        c.fd.reset(fd);
        c.deadline_ms = steady_ms() + kClientRequestTimeoutMs;
        pending_.push_back(std::move(c));
    }
}

void Master::read_client(size_t index) {
    PendingClient& c = pending_[index];
    char buf[1024];
    ssize_t n = read(c.fd.get(), buf, sizeof buf);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) {
        pending_.erase(pending_.begin() + static_cast<long>(index));
        return;
    }
    c.buffer.append(buf, static_cast<size_t>(n));
    size_t nl = c.buffer.find('\n');
    if (nl == std::string::npos) {
        if (c.buffer.size() > kMaxRequestLine) {
            pending_.erase(pending_.begin() + static_cast<long>(index));
        }
        return;
    }
    std::string line = c.buffer.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    UniqueFd fd = std::move(c.fd);
    pending_.erase(pending_.begin() + static_cast<long>(index));
    control_prepare_client(fd.get());
    dispatch(line, std::move(fd));
}

void Master::dispatch(const std::string& line, UniqueFd client) {
    if (line == "stop" || line == "stop graceful") {
        stop_waiters_.push_back(std::move(client));
        begin_stop(line == "stop graceful");
        return;
    }
    if (line == "reload" || line == "reload graceful" || line == "status" ||
        line == "connections") {
        if (stopping_) {
            control_send_final(client.get(), control_error_json("the server is stopping"));
        } else if (!manager_fd_.valid()) {
            control_send_final(client.get(),
                               control_error_json("the manager is restarting; try again shortly"));
        } else if (!channel_send(manager_fd_.get(), "REQUEST", line, client.get())) {
            control_send_final(client.get(), control_error_json("the manager is not answering"));
        }
        return;  // the manager holds its own copy of the client fd now
    }
    control_send_final(client.get(), control_error_json("unknown request '" + line + "'"));
}

void Master::begin_stop(bool graceful) {
    if (stopping_ && (graceful || !stop_graceful_)) return;
    stopping_ = true;
    stop_graceful_ = graceful;
    log_info(std::string("stopping Ringmaster") + (graceful ? " (graceful)" : ""));
    if (manager_pid_ == 0) {
        done_ = true;  // nothing running (manager between restarts)
        return;
    }
    if (!manager_fd_.valid() || !channel_send(manager_fd_.get(), "STOP", graceful ? "1" : "0")) {
        kill(manager_pid_, graceful ? SIGQUIT : SIGTERM);  // same orders, by signal
    }
    stop_kill_at_ = graceful ? -1
                             : steady_ms() + static_cast<int64_t>(config_.stop_timeout * 1000) +
                                   kManagerStopSlackMs;
}

void Master::cleanup() {
    if (pid_file_written_) remove_pid_file(config_.pid_file, getpid());
    if (control_socket_created_) unlink(config_.control_socket_path().c_str());
    control_listen_.reset();
    for (size_t g = 0; g < listen_fds_.size(); ++g) {
        if (listen_fds_[g] < 0) continue;
        const auto& addr = config_.groups.at(g).listen;
        if (addr && addr->transport == Transport::unix_stream) unlink(addr->path.c_str());
        close(listen_fds_[g]);
        listen_fds_[g] = -1;
    }
    pending_.clear();
}

}  // namespace ringmaster
