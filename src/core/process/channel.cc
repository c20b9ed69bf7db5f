// SEQPACKET keeps message boundaries, so each read is exactly one message: no framing
// state to lose when a peer dies half-way.
#include "channel.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <vector>

namespace ringmaster {

bool channel_send(int channel_fd, const std::string& verb, const std::string& payload,
                  int pass_fd) {
    std::string text = verb;
    if (!payload.empty()) {
        text += ' ';
        text += payload;
    }
    if (text.size() > kMaxChannelMessage) text.resize(kMaxChannelMessage);
    iovec iov{text.data(), text.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    if (pass_fd >= 0) {
        std::memset(control, 0, sizeof control);
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        cmsghdr* c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
    }
    for (;;) {
        ssize_t n = sendmsg(channel_fd, &msg, MSG_NOSIGNAL);
        if (n >= 0) return true;
        if (errno == EINTR) continue;
        return false;
    }
}

ChannelRead channel_receive(int channel_fd, ChannelMessage* out) {
    std::vector<char> buf(kMaxChannelMessage + 1);
    iovec iov{buf.data(), buf.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)];
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n;
    for (;;) {
        n = recvmsg(channel_fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
        if (n >= 0 || errno != EINTR) break;
    }
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return ChannelRead::would_block;
        return ChannelRead::closed;
    }
    if (n == 0) return ChannelRead::closed;  // SEQPACKET: a zero-length read is EOF
    out->fd = -1;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count; ++i) {
            int fd;
            std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
            if (out->fd < 0) {
                out->fd = fd;
            } else {
                close(fd);  // only one descriptor per message is meaningful
            }
        }
    }
    std::string text(buf.data(), static_cast<size_t>(n));
    auto space = text.find(' ');
    if (space == std::string::npos) {
        out->verb = text;
        out->payload.clear();
    } else {
        out->verb = text.substr(0, space);
        out->payload = text.substr(space + 1);
    }
    return ChannelRead::message;
}

bool channel_send_reply(int channel_fd, unsigned id, const std::string& body) {
    size_t off = 0;
    do {
        size_t len = std::min(kReplyChunk, body.size() - off);
        bool more = off + len < body.size();
        std::string payload = std::to_string(id) + (more ? " 1 " : " 0 ") + body.substr(off, len);
        if (!channel_send(channel_fd, "REPLY", payload)) return false;
        off += len;
    } while (off < body.size());
    return true;
}

bool parse_reply_chunk(const std::string& payload, unsigned* id, bool* more, std::string* chunk) {
    auto s1 = payload.find(' ');
    if (s1 == std::string::npos || s1 + 2 > payload.size()) return false;
    char flag = payload[s1 + 1];
    if (flag != '0' && flag != '1') return false;
    try {
        *id = static_cast<unsigned>(std::stoul(payload.substr(0, s1)));
    } catch (const std::exception&) {
        return false;
    }
    *more = flag == '1';
    *chunk = s1 + 3 <= payload.size() ? payload.substr(s1 + 3) : std::string();
    return true;
}

void make_channel(int ends[2]) {
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ends) != 0) {
        throw std::system_error(errno, std::generic_category(), "socketpair");
    }
}

}  // namespace ringmaster
