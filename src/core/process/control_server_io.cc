// Server-side writing of control replies, shared by the master (stop, errors) and the
// manager (reload, status, connections), which both answer clients directly.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>

#include "control_protocol.h"
#include "json_value.h"

namespace ringmaster {

namespace {

bool send_all(int fd, const std::string& data) {
    size_t off = 0;
    while (off < data.size()) {
        ssize_t n = send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        off += static_cast<size_t>(n);
    }
    return true;
}

}  // namespace

void control_prepare_client(int fd) {
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0) fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

bool control_send_progress(int fd, const std::string& text) {
    if (fd < 0) return false;
    std::string line = text;
    for (char& c : line) {
        if (c == '\n' || c == '\r') c = ' ';
    }
    if (!line.empty() && line[0] == '{') line.insert(line.begin(), ' ');
    return send_all(fd, line + "\n");
}

bool control_send_final(int fd, const std::string& json) {
    if (fd < 0) return false;
    return send_all(fd, json + "\n");
}

std::string control_error_json(const std::string& message) {
    return "{\"ok\":false,\"error\":" + json_quote(message) + "}";
}

}  // namespace ringmaster
