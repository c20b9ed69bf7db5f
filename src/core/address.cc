// Parsing of user-written listen/connect addresses and opening of listening sockets.
// Every error names the address exactly as the user wrote it, so a typo in a start script
// is found from the one-line message alone.
#include "ringmaster/address.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ringmaster {

namespace {

[[noreturn]] void invalid(const std::string& text, const std::string& reason) {
    throw AddressError("Invalid address '" + text + "': " + reason);
}

bool is_builtin_scheme(const std::string& lower) {
    static const char* const kBuiltin[] = {"tcp", "text", "frame", "http",
                                           "websocket", "ws", "unix"};
    return std::any_of(std::begin(kBuiltin), std::end(kBuiltin),
                       [&](const char* s) { return lower == s; });
}

// User protocol class names may carry a PHP namespace ("App\\Protocols\\Json").
bool valid_scheme_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '\\' || c == '.' ||
           c == '-';
}

uint16_t parse_port(const std::string& text, const std::string& digits) {
    if (digits.empty()) invalid(text, "missing port");
    if (digits.size() > 5 || !std::all_of(digits.begin(), digits.end(), [](char c) {
            return c >= '0' && c <= '9';
        })) {
        invalid(text, "port '" + digits + "' is not a number");
    }
    unsigned long value = std::stoul(digits);
    if (value > 65535) invalid(text, "port " + digits + " is out of range (0-65535)");
    return static_cast<uint16_t>(value);
}

[[noreturn]] void socket_failure(const Address& addr, int err) {
    throw AddressError("Cannot listen on " + addr.original + ": " + std::strerror(err));
}

// A unix socket file left by a dead server blocks bind(); remove it only if no live
// server answers on it, so two servers never steal each other's path.
void clear_stale_unix_socket(const Address& addr, const sockaddr_un& sun, socklen_t len) {
    struct stat st {};
    if (lstat(addr.path.c_str(), &st) != 0) return;
    if (!S_ISSOCK(st.st_mode)) {
        throw AddressError("Cannot listen on " + addr.original + ": " + addr.path +
                           " exists and is not a socket");
    }
    int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (probe < 0) socket_failure(addr, errno);
    int rc = connect(probe, reinterpret_cast<const sockaddr*>(&sun), len);
    int err = errno;
    close(probe);
    if (rc == 0) socket_failure(addr, EADDRINUSE);
    if (err == ECONNREFUSED || err == ENOENT) unlink(addr.path.c_str());
}

std::string ip_text(const sockaddr_storage& ss, uint16_t* port) {
    char buf[INET6_ADDRSTRLEN] = {0};
    if (ss.ss_family == AF_INET) {
        auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
        inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
        if (port) *port = ntohs(in->sin_port);
        return buf;
    }
    if (ss.ss_family == AF_INET6) {
        auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
        if (port) *port = ntohs(in6->sin6_port);
        // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d; users expect a.b.c.d.
        if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
            inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], buf, sizeof buf);
        } else {
            inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf);
        }
        return buf;
    }
    if (port) *port = 0;
    return "";
}

}  // namespace

Address parse_address(const std::string& text) {
    Address a;
    a.original = text;
    auto sep = text.find("://");
    if (sep == std::string::npos) invalid(text, "expected scheme://host:port or unix:///path");
    std::string scheme = text.substr(0, sep);
    if (scheme.empty()) invalid(text, "missing scheme");
    if (scheme.find('+') != std::string::npos) {
        invalid(text, "combined schemes such as '" + scheme + "' are not supported");
    }
    if (!std::all_of(scheme.begin(), scheme.end(), valid_scheme_char)) {
        invalid(text, "scheme '" + scheme + "' contains invalid characters");
    }
    std::string lower = scheme;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    a.scheme = is_builtin_scheme(lower) ? lower : scheme;
    std::string rest = text.substr(sep + 3);

    if (a.scheme == "unix") {
        if (rest.empty()) invalid(text, "missing socket path");
        if (rest.size() >= sizeof(sockaddr_un{}.sun_path)) invalid(text, "socket path too long");
        a.transport = Transport::unix_stream;
        a.path = rest;
        return a;
    }

    // Split authority and path: "host:port/path".
    auto slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    if (slash != std::string::npos) a.path = rest.substr(slash);
    if (authority.empty()) invalid(text, "missing host");

    std::string port_text;
    bool has_port = false;
    if (authority[0] == '[') {
        auto close = authority.find(']');
        if (close == std::string::npos) invalid(text, "unterminated '[' in IPv6 host");
        a.host = authority.substr(1, close - 1);
        std::string after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after[0] != ':') invalid(text, "expected ':' after ']'");
            port_text = after.substr(1);
            has_port = true;
        }
        in6_addr probe{};
        if (inet_pton(AF_INET6, a.host.c_str(), &probe) != 1) {
            invalid(text, "'" + a.host + "' is not an IPv6 address");
        }
    } else {
        auto colon = authority.rfind(':');
        if (colon != std::string::npos && authority.find(':') != colon) {
            invalid(text, "IPv6 hosts must be written in brackets, e.g. [::1]:8080");
        }
        if (colon == std::string::npos) {
            a.host = authority;
        } else {
            a.host = authority.substr(0, colon);
            port_text = authority.substr(colon + 1);
            has_port = true;
        }
    }
    if (a.host.empty()) invalid(text, "missing host");
    if (has_port) {
        a.port = parse_port(text, port_text);
    } else if (a.scheme == "http" || a.scheme == "ws" || a.scheme == "websocket") {
        a.port = 80;  // client URLs such as ws://example.com/chat
    } else {
        invalid(text, "missing port");
    }
    if ((a.scheme == "ws" || a.scheme == "websocket") && a.path.empty()) a.path = "/";
    return a;
}

socklen_t Address::to_sockaddr(sockaddr_storage* out) const {
    std::memset(out, 0, sizeof *out);
    if (transport == Transport::unix_stream) {
        auto* sun = reinterpret_cast<sockaddr_un*>(out);
        if (path.empty() || path.size() >= sizeof sun->sun_path) {
            throw AddressError("Invalid address '" + original + "': bad socket path");
        }
        sun->sun_family = AF_UNIX;
        std::memcpy(sun->sun_path, path.c_str(), path.size() + 1);
        return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
    }
    auto* in = reinterpret_cast<sockaddr_in*>(out);
    if (inet_pton(AF_INET, host.c_str(), &in->sin_addr) == 1) {
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
        return sizeof(sockaddr_in);
    }
    auto* in6 = reinterpret_cast<sockaddr_in6*>(out);
    if (inet_pton(AF_INET6, host.c_str(), &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        return sizeof(sockaddr_in6);
    }
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res);
    if (rc != 0 || res == nullptr) {
        throw AddressError("Cannot resolve host '" + host + "' in '" + original +
                           "': " + gai_strerror(rc));
    }
    std::memcpy(out, res->ai_addr, res->ai_addrlen);
    socklen_t len = res->ai_addrlen;
    freeaddrinfo(res);
    if (out->ss_family == AF_INET) {
        reinterpret_cast<sockaddr_in*>(out)->sin_port = htons(port);
    } else if (out->ss_family == AF_INET6) {
        reinterpret_cast<sockaddr_in6*>(out)->sin6_port = htons(port);
    }
    return len;
}

int open_listen_socket(const Address& addr, const ListenOptions& opts) {
    sockaddr_storage ss{};
    socklen_t len = addr.to_sockaddr(&ss);
    if (addr.transport == Transport::unix_stream) {
        clear_stale_unix_socket(addr, *reinterpret_cast<sockaddr_un*>(&ss), len);
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) socket_failure(addr, errno);
    auto fail = [&](int err) {
        close(fd);
        socket_failure(addr, err);
    };
    int one = 1;
    if (addr.transport == Transport::tcp) {
        if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) fail(errno);
        if (opts.reuse_port && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
            fail(errno);
        }
        if (ss.ss_family == AF_INET6) {
            // "::" means "every address" to users, IPv4 included; a specific IPv6 address
            // means that address only.
            int v6only = addr.host == "::" ? 0 : 1;
            if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only) != 0) {
                fail(errno);
            }
        }
    }
    if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) fail(errno);
    if (!opts.bind_only && listen(fd, opts.backlog) != 0) fail(errno);
    return fd;
}

std::string socket_peer_ip(int fd, uint16_t* port) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) {
        if (port) *port = 0;
        return "";
    }
    return ip_text(ss, port);
}

std::string socket_local_ip(int fd, uint16_t* port) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) {
        if (port) *port = 0;
        return "";
    }
    return ip_text(ss, port);
}

}  // namespace ringmaster
