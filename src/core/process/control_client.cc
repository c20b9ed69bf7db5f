// Client side of the control socket: used by the CLI verbs, by Ringmaster\Server from any
// PHP script, and from inside a worker (the server answers a reload before that worker has
// to drain, so the call cannot deadlock).
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "process_clock.h"
#include "ringmaster/process_tree.h"
#include "unique_fd.h"

namespace ringmaster {

std::string control_request(const std::string& socket_path, const std::string& request,
                            const std::function<void(const std::string&)>& on_line,
                            int timeout_ms) {
    sockaddr_un sun{};
    if (socket_path.size() >= sizeof sun.sun_path) {
        throw std::runtime_error("control socket path too long: " + socket_path);
    }
    sun.sun_family = AF_UNIX;
    std::memcpy(sun.sun_path, socket_path.c_str(), socket_path.size() + 1);
    UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd.valid()) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    if (connect(fd.get(), reinterpret_cast<sockaddr*>(&sun), sizeof sun) != 0) {
        throw std::runtime_error("no Ringmaster server answers at " + socket_path + ": " +
                                 std::strerror(errno));
    }
    std::string line = request + "\n";
    if (send(fd.get(), line.data(), line.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(line.size())) {
        throw std::runtime_error("cannot send to " + socket_path + ": " + std::strerror(errno));
    }
    int64_t deadline = timeout_ms < 0 ? -1 : steady_ms() + timeout_ms;
    std::string buffer;
    char chunk[16384];
    for (;;) {
        size_t nl;
        while ((nl = buffer.find('\n')) != std::string::npos) {
            std::string got = buffer.substr(0, nl);
            buffer.erase(0, nl + 1);
            if (!got.empty() && got[0] == '{') return got;
            if (on_line) on_line(got);
        }
        pollfd p{fd.get(), POLLIN, 0};
        int wait = deadline < 0 ? -1 : poll_timeout_until(deadline, 1 << 30);
        int rc = poll(&p, 1, wait);
        if (rc < 0 && errno == EINTR) continue;
        if (rc == 0) throw std::runtime_error("no answer from " + socket_path + " in time");
        ssize_t n = read(fd.get(), chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            throw std::runtime_error("the server closed the control connection without an answer");
        }
        buffer.append(chunk, static_cast<size_t>(n));
    }
}

}  // namespace ringmaster
