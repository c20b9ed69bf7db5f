// The report pipe is what makes `start -d` honest: without it the command would return 0
// before knowing whether the port could be bound or the pid file written.
#include "daemon.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace ringmaster {

std::optional<int> daemonize(const std::string& stdout_file, int* report_fd) {
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
        throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    }
    std::fflush(stdout);
    std::fflush(stderr);
    pid_t first = fork();
    if (first < 0) {
        close(pipe_fds[0]);
        close(pipe_fds[1]);
        throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    }
    if (first > 0) {
        close(pipe_fds[1]);
        int status = 0;
        while (waitpid(first, &status, 0) < 0 && errno == EINTR) {
        }
        std::string report;
        char buf[4096];
        for (;;) {
            ssize_t n = read(pipe_fds[0], buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            report.append(buf, static_cast<size_t>(n));
        }
        close(pipe_fds[0]);
        int rc = 1;
        bool any = false;
        size_t pos = 0;
        while (pos < report.size()) {
            size_t nl = report.find('\n', pos);
            std::string line = report.substr(pos, nl == std::string::npos ? nl : nl - pos);
            pos = nl == std::string::npos ? report.size() : nl + 1;
            if (line.rfind("OK ", 0) == 0) {
                std::printf("%s\n", line.c_str() + 3);
                rc = 0;
                any = true;
            } else if (line.rfind("ERROR ", 0) == 0) {
                std::fprintf(stderr, "%s\n", line.c_str() + 6);
                rc = 1;
                any = true;
            }
        }
        if (!any) std::fprintf(stderr, "Ringmaster failed to start (the daemon exited); see the log file\n");
        std::fflush(stdout);
        return rc;
    }
    close(pipe_fds[0]);
    setsid();
    pid_t second = fork();
    if (second < 0) _exit(1);
    if (second > 0) _exit(0);  // the session leader leaves: the daemon can never get a tty

    int devnull = open("/dev/null", O_RDWR);
    int out = open(stdout_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (out < 0) out = devnull;
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    if (out >= 0) {
        dup2(out, STDOUT_FILENO);
        dup2(out, STDERR_FILENO);
    }
    if (out > STDERR_FILENO) close(out);
    if (devnull > STDERR_FILENO && devnull != out) close(devnull);
    *report_fd = pipe_fds[1];
    return std::nullopt;
}

void daemon_report(int* report_fd, bool ok, const std::string& text) {
    if (*report_fd < 0) return;
    std::string line = (ok ? "OK " : "ERROR ") + text + "\n";
    ssize_t n = write(*report_fd, line.data(), line.size());
    (void)n;  // the original process may be gone (Ctrl+C): nothing to tell then
    close(*report_fd);
    *report_fd = -1;
}

}  // namespace ringmaster
