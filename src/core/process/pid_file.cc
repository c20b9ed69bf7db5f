// Pid file handling. A zombie counts as dead: a test harness or init that has not reaped
// the old master yet must not block a new start.
#include "pid_file.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ringmaster {

int read_pid_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) return 0;
    long pid = 0;
    if (!(in >> pid) || pid <= 0 || pid > 0x7fffffff) return 0;
    return static_cast<int>(pid);
}

void write_pid_file(const std::string& path, int pid) {
    std::string tmp = path + ".tmp." + std::to_string(getpid());
    int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        throw std::runtime_error("Cannot write pid file " + path + ": " + std::strerror(errno));
    }
    std::string text = std::to_string(pid) + "\n";
    bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    int err = errno;
    close(fd);
    if (!ok || rename(tmp.c_str(), path.c_str()) != 0) {
        if (ok) err = errno;
        unlink(tmp.c_str());
        throw std::runtime_error("Cannot write pid file " + path + ": " + std::strerror(err));
    }
}

void remove_pid_file(const std::string& path, int pid) {
    if (read_pid_file(path) == pid) unlink(path.c_str());
}

bool process_alive(int pid) {
    if (pid <= 0) return false;
    if (kill(pid, 0) != 0 && errno != EPERM) return false;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return true;  // no /proc: trust kill()
    auto close_paren = line.rfind(')');
    if (close_paren == std::string::npos || close_paren + 2 >= line.size()) return true;
    char state = line[close_paren + 2];
    return state != 'Z' && state != 'X';
}

}  // namespace ringmaster
