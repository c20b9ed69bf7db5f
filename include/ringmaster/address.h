// Listen/connect addresses as users write them ("http://0.0.0.0:8080", "unix:///run/x.sock")
// and the sockets opened for them. Parsing throws AddressError naming the bad value.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace ringmaster {

class AddressError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class Transport { tcp, unix_stream };

struct Address {
    std::string original;  // as the user wrote it
    std::string scheme;    // "tcp", "text", "frame", "http", "websocket", "ws", "unix", or a
                           // user protocol class name; lower-cased for built-in schemes
    Transport transport = Transport::tcp;
    std::string host;      // "0.0.0.0", "::", "127.0.0.1" (IPv6 without brackets)
    uint16_t port = 0;
    std::string path;      // unix socket path; for ws:// clients the request path ("/" default)

    // Resolves host/port (numeric hosts or names via getaddrinfo) into a sockaddr.
    // Throws AddressError on failure.
    socklen_t to_sockaddr(sockaddr_storage* out) const;
};

// "scheme://host:port", "scheme://[v6]:port", "unix:///path", "scheme+unix:///path" is not
// supported. Throws AddressError("Invalid address 'x': reason").
Address parse_address(const std::string& text);

struct ListenOptions {
    int backlog = 1024;
    bool reuse_port = false;
    // Bind without listen(): proves the address is free without joining a SO_REUSEPORT
    // group (the master probes reuse_port addresses this way before forking).
    bool bind_only = false;
};

// Opens, binds and listens; returns a non-blocking, close-on-exec fd. Throws AddressError
// with the address and strerror ("Cannot listen on tcp://127.0.0.1:80: Address already in
// use"). A stale unix socket file is replaced only if nothing answers on it.
int open_listen_socket(const Address& addr, const ListenOptions& opts);

// Peer/local address of a connected socket as text ("127.0.0.1", port) or ("", 0).
std::string socket_peer_ip(int fd, uint16_t* port);
std::string socket_local_ip(int fd, uint16_t* port);

}  // namespace ringmaster
