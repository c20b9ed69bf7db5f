// `start`: everything that can fail for a reason the user must fix (already running, bad
// address, port in use, unwritable pid file) is detected before or right after
// daemonising and reported on the user's terminal with exit status 1.
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdio>

#include "daemon.h"
#include "master.h"
#include "pid_file.h"
#include "ringmaster/address.h"
#include "ringmaster/log.h"
#include "start_command.h"

namespace ringmaster {

namespace {

// Lets a connection waiting in a closing SO_REUSEPORT socket's queue migrate to another
// socket of the group (Linux >= 5.14). Optional: without it a reload of a reuse_port group
// may reset the few connections queued at the instant an old worker closes its socket.
void enable_tcp_migrate_req() {
    const char* path = "/proc/sys/net/ipv4/tcp_migrate_req";
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) return;
    char current = '0';
    if (read(fd, &current, 1) == 1 && current == '0' && pwrite(fd, "1", 1, 0) == 1) {
        log_info("enabled net.ipv4.tcp_migrate_req for SO_REUSEPORT handover");
    }
    close(fd);
}

std::string check_accounts(const ServerConfig& config) {
    for (const auto& g : config.groups) {
        if (!g.user.empty() && getpwnam(g.user.c_str()) == nullptr) {
            return "Unknown user '" + g.user + "' for worker " + g.name;
        }
        if (!g.group.empty() && getgrnam(g.group.c_str()) == nullptr) {
            return "Unknown group '" + g.group + "' for worker " + g.name;
        }
    }
    return "";
}

}  // namespace

int run_start(const ServerConfig& config, bool daemon, WorkerBody& body) {
    if (config.pid_file.empty()) {
        std::fprintf(stderr, "No pid file configured (Worker::$pidFile is empty)\n");
        return 1;
    }
    int existing = read_pid_file(config.pid_file);
    if (existing != getpid() && process_alive(existing)) {
        std::fprintf(stderr, "Ringmaster is already running (pid %d)\n", existing);
        return 1;
    }
    std::string account_error = check_accounts(config);
    if (!account_error.empty()) {
        std::fprintf(stderr, "%s\n", account_error.c_str());
        return 1;
    }
    log_open(config.log_file, !daemon);

    std::vector<int> listen_fds(config.groups.size(), -1);
    bool any_reuse_port = false;
    try {
        for (size_t g = 0; g < config.groups.size(); ++g) {
            const auto& group = config.groups[g];
            if (!group.listen) continue;
            ListenOptions opts;
            if (group.reuse_port) {
                // Workers open their own sockets; probe now so "port in use" is reported
                // here, on the terminal, not as a worker crash loop.
                opts.reuse_port = true;
                opts.bind_only = true;
                close(open_listen_socket(*group.listen, opts));
                any_reuse_port = true;
            } else {
                listen_fds[g] = open_listen_socket(*group.listen, opts);
            }
        }
    } catch (const std::exception& e) {
        for (int fd : listen_fds) {
            if (fd >= 0) close(fd);
        }
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    if (any_reuse_port) enable_tcp_migrate_req();

    int report_fd = -1;
    if (daemon) {
        std::optional<int> original_rc;
        try {
            original_rc = daemonize(config.stdout_file, &report_fd);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "Cannot daemonise: %s\n", e.what());
            original_rc = 1;
        }
        if (original_rc) {
            for (int fd : listen_fds) {
                if (fd >= 0) close(fd);
            }
            return *original_rc;
        }
        log_set_echo(false);
    }
    Master master(config, body, std::move(listen_fds), report_fd);
    return master.run();
}

}  // namespace ringmaster
