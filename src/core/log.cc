// The tree-wide log. Each line is built in memory and written with one write() to an
// O_APPEND fd, so lines from the master, the manager and every worker never interleave.
#include "ringmaster/log.h"

#include <fcntl.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <ctime>

namespace ringmaster {

namespace {

int g_log_fd = -1;
bool g_echo = true;

const char* level_name(LogLevel level) {
    switch (level) {
        case LogLevel::debug: return "DEBUG";
        case LogLevel::info: return "INFO";
        case LogLevel::warning: return "WARNING";
        case LogLevel::error: return "ERROR";
    }
    return "INFO";
}

void write_fully(int fd, const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
        ssize_t n = write(fd, s.data() + off, s.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // a full disk must never take a process down
        off += static_cast<size_t>(n);
    }
}

}  // namespace

void log_open(const std::string& path, bool echo_to_stderr) {
    g_echo = echo_to_stderr;
    if (g_log_fd >= 0) {
        close(g_log_fd);
        g_log_fd = -1;
    }
    if (path.empty()) return;
    g_log_fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    // An unopenable log file is not fatal: lines still reach stderr when echoing.
}

void log_set_echo(bool echo_to_stderr) { g_echo = echo_to_stderr; }

void log_line(LogLevel level, const std::string& text) {
    timeval tv{};
    gettimeofday(&tv, nullptr);
    tm local{};
    localtime_r(&tv.tv_sec, &local);
    char stamp[64];
    std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02d %02d:%02d:%02d.%03d [%d] %s ",
                  local.tm_year + 1900, local.tm_mon + 1, local.tm_mday, local.tm_hour,
                  local.tm_min, local.tm_sec, static_cast<int>(tv.tv_usec / 1000),
                  static_cast<int>(getpid()), level_name(level));
    std::string line = stamp;
    line += text;
    if (line.empty() || line.back() != '\n') line += '\n';
    if (g_log_fd >= 0) write_fully(g_log_fd, line);
    if (g_echo) write_fully(STDERR_FILENO, line);
}

}  // namespace ringmaster
