// The verbs a user runs against a live server (stop, restart, reload, status,
// connections): find it through the pid file, talk over the control socket, print the
// outcome, and turn it into an exit status.
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>

#include "json_value.h"
#include "pid_file.h"
#include "process_clock.h"
#include "ringmaster/process_tree.h"
#include "start_command.h"

namespace ringmaster {

namespace {

int not_running() {
    std::fprintf(stderr, "Ringmaster is not running\n");
    return 1;
}

void print_line(const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
}

bool wait_until_gone(int pid, int64_t deadline) {
    while (process_alive(pid)) {
        if (deadline >= 0 && steady_ms() >= deadline) return false;
        timespec ts{0, 20 * 1000 * 1000};  // CLI side: polling a pid has no event to wait on
        nanosleep(&ts, nullptr);
    }
    return true;
}

int run_stop(const ServerConfig& config, bool graceful, bool json) {
    int pid = read_pid_file(config.pid_file);
    if (!process_alive(pid)) return not_running();
    if (!json) print_line("Stopping Ringmaster (pid " + std::to_string(pid) + ") ...");
    std::string final;
    try {
        final = control_request(config.control_socket_path(),
                                graceful ? "stop graceful" : "stop",
                                [&](const std::string& l) {
                                    if (!json) print_line(l);
                                });
    } catch (const std::exception&) {
        // No control socket (or the master went away mid-answer): the signal says the same.
        if (process_alive(pid)) kill(pid, graceful ? SIGQUIT : SIGTERM);
    }
    int64_t deadline =
        graceful ? -1 : steady_ms() + static_cast<int64_t>(config.stop_timeout * 1000) + 10000;
    if (!wait_until_gone(pid, deadline)) {
        std::fprintf(stderr, "Ringmaster (pid %d) did not stop in time\n", pid);
        return 1;
    }
    if (json) {
        print_line(final.empty() ? "{\"ok\":true,\"message\":\"Ringmaster stopped\"}" : final);
    } else {
        print_line("Ringmaster stopped");
    }
    return 0;
}

// reload, status, connections: progress lines to stdout (unless --json), the final JSON
// decides the exit status.
int run_query(const ServerConfig& config, const std::string& request, bool json,
              const char* failure_prefix) {
    int pid = read_pid_file(config.pid_file);
    if (!process_alive(pid)) return not_running();
    std::string final;
    try {
        final = control_request(config.control_socket_path(), request, [&](const std::string& l) {
            if (!json) print_line(l);
        });
    } catch (const std::exception& e) {
        std::fprintf(stderr, "Ringmaster (pid %d) did not answer: %s\n", pid, e.what());
        return 1;
    }
    bool ok = false;
    std::string error = "malformed answer from the server";
    try {
        JsonValue v = JsonValue::parse(final);
        ok = v.bool_or("ok", false);
        error = v.string_or("error", error);
    } catch (const std::exception&) {
    }
    if (json) print_line(final);
    if (!ok && !json) std::fprintf(stderr, "%s: %s\n", failure_prefix, error.c_str());
    return ok ? 0 : 1;
}

}  // namespace

int run_command(const ServerConfig& config, const Command& cmd, WorkerBody& body) {
    switch (cmd.verb) {
        case CommandVerb::start: return run_start(config, cmd.daemonize, body);
        case CommandVerb::stop: return run_stop(config, cmd.graceful, cmd.json);
        case CommandVerb::restart: {
            if (process_alive(read_pid_file(config.pid_file))) {
                int rc = run_stop(config, cmd.graceful, false);
                if (rc != 0) return rc;
            }
            return run_start(config, cmd.daemonize, body);
        }
        case CommandVerb::reload:
            return run_query(config, cmd.graceful ? "reload graceful" : "reload", cmd.json,
                             "Reload failed");
        case CommandVerb::status: return run_query(config, "status", cmd.json, "Status failed");
        case CommandVerb::connections:
            return run_query(config, "connections", cmd.json, "Connections failed");
        case CommandVerb::help: break;
    }
    std::printf("%s", usage_text(config.start_file).c_str());
    return 0;
}

}  // namespace ringmaster
