// Address parsing and listening sockets, seen from outside: what parses, what the error
// says, and whether a client can actually connect.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <string>

#include "ringmaster/address.h"

using namespace ringmaster;

namespace {

std::string error_of(const std::string& text) {
    try {
        parse_address(text);
    } catch (const AddressError& e) {
        return e.what();
    }
    return "";
}

bool connects_to(const Address& a) {
    sockaddr_storage ss{};
    socklen_t len = a.to_sockaddr(&ss);
    int fd = socket(ss.ss_family, SOCK_STREAM, 0);
    bool ok = connect(fd, reinterpret_cast<sockaddr*>(&ss), len) == 0;
    close(fd);
    return ok;
}

}  // namespace

TEST_CASE("parse_address reads scheme, host, port and path") {
    Address a = parse_address("HTTP://0.0.0.0:8080");
    CHECK(a.scheme == "http");
    CHECK(a.transport == Transport::tcp);
    CHECK(a.host == "0.0.0.0");
    CHECK(a.port == 8080);
    CHECK(a.original == "HTTP://0.0.0.0:8080");

    Address v6 = parse_address("websocket://[::1]:9000");
    CHECK(v6.host == "::1");
    CHECK(v6.port == 9000);
    CHECK(v6.path == "/");

    Address ws = parse_address("ws://example.com/chat?x=1");
    CHECK(ws.port == 80);
    CHECK(ws.path == "/chat?x=1");

    Address u = parse_address("unix:///run/app.sock");
    CHECK(u.transport == Transport::unix_stream);
    CHECK(u.path == "/run/app.sock");

    Address custom = parse_address("App\\Protocols\\Json://127.0.0.1:7000");
    CHECK(custom.scheme == "App\\Protocols\\Json");
}

TEST_CASE("parse_address errors name the address and the reason") {
    CHECK(error_of("127.0.0.1:80") == "Invalid address '127.0.0.1:80': expected scheme://host:port or unix:///path");
    CHECK(error_of("tcp://127.0.0.1") == "Invalid address 'tcp://127.0.0.1': missing port");
    CHECK(error_of("tcp://127.0.0.1:70000") ==
          "Invalid address 'tcp://127.0.0.1:70000': port 70000 is out of range (0-65535)");
    CHECK(error_of("tcp://127.0.0.1:8o") == "Invalid address 'tcp://127.0.0.1:8o': port '8o' is not a number");
    CHECK(error_of("tcp://::1:80").find("brackets") != std::string::npos);
    CHECK(error_of("tcp://[::1:80").find("unterminated") != std::string::npos);
    CHECK(error_of("http+unix:///x").find("not supported") != std::string::npos);
    CHECK(error_of("unix://").find("missing socket path") != std::string::npos);
    CHECK(error_of("tcp://:80").find("missing host") != std::string::npos);
}

TEST_CASE("open_listen_socket listens and reports the kernel-chosen port") {
    Address a = parse_address("tcp://127.0.0.1:0");
    int fd = open_listen_socket(a, {});
    uint16_t port = 0;
    CHECK(socket_local_ip(fd, &port) == "127.0.0.1");
    REQUIRE(port != 0);
    CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
    CHECK((fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);

    Address bound = parse_address("tcp://127.0.0.1:" + std::to_string(port));
    CHECK(connects_to(bound));
    int client = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_storage ss{};
    socklen_t len = bound.to_sockaddr(&ss);
    REQUIRE(connect(client, reinterpret_cast<sockaddr*>(&ss), len) == 0);
    int server_side = -1;
    for (int i = 0; i < 1000 && server_side < 0; ++i) server_side = accept(fd, nullptr, nullptr);
    REQUIRE(server_side >= 0);
    uint16_t peer_port = 0;
    CHECK(socket_peer_ip(server_side, &peer_port) == "127.0.0.1");
    CHECK(peer_port != 0);
    close(server_side);
    close(client);

    SECTION("a second plain listener on the same port fails naming the address") {
        try {
            open_listen_socket(bound, {});
            FAIL("expected AddressError");
        } catch (const AddressError& e) {
            CHECK(std::string(e.what()) == "Cannot listen on " + bound.original + ": Address already in use");
        }
    }
    close(fd);
}

TEST_CASE("reuse_port sockets share a port") {
    ListenOptions opts;
    opts.reuse_port = true;
    int first = open_listen_socket(parse_address("tcp://127.0.0.1:0"), opts);
    uint16_t port = 0;
    socket_local_ip(first, &port);
    Address same = parse_address("tcp://127.0.0.1:" + std::to_string(port));
    int second = open_listen_socket(same, opts);
    CHECK(second >= 0);
    close(first);
    CHECK(connects_to(same));  // the second socket keeps the port served
    close(second);
}

TEST_CASE("unix listeners replace a stale socket file but not a live one") {
    char dir_template[] = "/tmp/rm_addr_XXXXXX";
    REQUIRE(mkdtemp(dir_template) != nullptr);
    std::string path = std::string(dir_template) + "/s.sock";
    Address a = parse_address("unix://" + path);

    int fd = open_listen_socket(a, {});
    CHECK(connects_to(a));
    CHECK_THROWS_WITH(open_listen_socket(a, {}), Catch::Contains("Address already in use"));
    close(fd);  // the file stays: stale now
    struct stat st {};
    REQUIRE(stat(path.c_str(), &st) == 0);
    int again = open_listen_socket(a, {});
    CHECK(connects_to(a));
    close(again);
    unlink(path.c_str());
    rmdir(dir_template);
}

TEST_CASE("to_sockaddr resolves names and rejects unknown hosts") {
    sockaddr_storage ss{};
    CHECK(parse_address("tcp://localhost:81").to_sockaddr(&ss) > 0);
    CHECK_THROWS_AS(parse_address("tcp://no-such-host.invalid:80").to_sockaddr(&ss), AddressError);
}
