// Connection and WorkerRuntime over real sockets, on both loop backends: echo, back-pressure
// (onBufferFull, drop with onError, onBufferDrain), close() vs destroy(), and handover of an
// idle connection without losing a byte.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "ringmaster/worker_runtime.h"

using namespace ringmaster;

namespace {

struct Events final : ConnectionEvents, ListenerHooks {
    std::vector<std::string> log;
    std::vector<std::string> messages;
    Connection* last = nullptr;
    size_t max_send = Connection::kDefaultMaxSendBuffer;
    bool echo = true;

    std::unique_ptr<Codec> make_codec() override { return make_text_codec(0); }
    ConnectionEvents* events() override { return this; }
    void configure(Connection& c) override { c.max_send_buffer = max_send; }
    void on_connected(Connection& c) override {
        last = &c;
        log.push_back("connect");
    }
    void on_message(Connection& c, std::string_view m) override {
        messages.emplace_back(m);
        if (echo) c.send_message(OutChunk::from_string("echo:" + std::string(m)));
    }
    void on_close(Connection&) override { log.push_back("close"); }
    void on_error(Connection&, int code, const std::string&) override {
        log.push_back("error " + std::to_string(code));
    }
    void on_buffer_full(Connection&) override { log.push_back("full"); }
    void on_buffer_drain(Connection&) override { log.push_back("drain"); }
    void on_released(Connection& c) override {
        if (last == &c) last = nullptr;
    }
    bool saw(const std::string& what) const {
        return std::find(log.begin(), log.end(), what) != log.end();
    }
};

struct Fixture {
    WorkerRuntime rt;
    Events ev;
    int listen_fd = -1;
    uint16_t port = 0;

    explicit Fixture(LoopBackend b) : rt(EventLoop::create(b, nullptr)) {
        Address a = parse_address("text://127.0.0.1:0");
        listen_fd = open_listen_socket(a, ListenOptions{});
        sockaddr_in sin{};
        socklen_t len = sizeof sin;
        getsockname(listen_fd, reinterpret_cast<sockaddr*>(&sin), &len);
        port = ntohs(sin.sin_port);
        rt.add_listener(listen_fd, &ev);
    }
    ~Fixture() { close(listen_fd); }

    int client() {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in sin{};
        sin.sin_family = AF_INET;
        sin.sin_port = htons(port);
        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin) == 0);
        return fd;
    }
    template <class F>
    bool until(F done) {
        uint64_t deadline = monotonic_ns() + 5'000'000'000ull;
        while (!done()) {
            if (monotonic_ns() > deadline) return false;
            rt.loop().run_once(10);
        }
        return true;
    }
    // Reads what is available now (non-blocking), while the loop keeps running.
    std::string read_some(int fd) {
        std::string out;
        char buf[65536];
        for (;;) {
            ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
            if (n <= 0) break;
            out.append(buf, size_t(n));
        }
        return out;
    }
    std::string read_until(int fd, const std::string& want) {
        std::string got;
        until([&] {
            got += read_some(fd);
            return got.find(want) != std::string::npos;
        });
        return got;
    }
};

LoopBackend backend() { return GENERATE(LoopBackend::io_uring, LoopBackend::epoll); }

}  // namespace

TEST_CASE("a text connection echoes lines and reports close", "[connection]") {
    Fixture f(backend());
    int c = f.client();
    REQUIRE(f.until([&] { return f.ev.last != nullptr; }));
    REQUIRE(write(c, "a\nb\n", 4) == 4);
    CHECK(f.read_until(c, "echo:b\n") == "echo:a\necho:b\n");
    close(c);
    REQUIRE(f.until([&] { return f.ev.saw("close"); }));
    CHECK(f.rt.connection_count() == 0);
}

TEST_CASE("back-pressure: full, dropped sends, then drain", "[connection]") {
    Fixture f(backend());
    f.ev.max_send = 64 * 1024;
    f.ev.echo = false;
    int c = f.client();
    REQUIRE(f.until([&] { return f.ev.last != nullptr; }));
    Connection* conn = f.ev.last;
    // Fill far past the kernel buffers and our limit without the client reading.
    size_t sent = 0;
    std::string chunk(16 * 1024, 'x');
    bool dropped = false;
    for (int i = 0; i < 400 && !dropped; ++i) {
        if (conn->send_raw(OutChunk::from_string(std::string(chunk))))
            sent += chunk.size();
        else
            dropped = true;
        f.rt.loop().run_once(0);
    }
    CHECK(f.ev.saw("full"));
    CHECK(dropped);
    CHECK(f.ev.saw("error 2"));
    CHECK_FALSE(f.ev.saw("drain"));
    // The client reads everything that was accepted: the queue empties, drain is told once.
    size_t got = 0;
    bool ok = f.until([&] {
        got += f.read_some(c).size();
        return got == sent && f.ev.saw("drain");
    });
    INFO("sent " << sent << " got " << got << " queued " << (f.ev.last ? f.ev.last->queued_bytes() : 0)
         << " out " << (f.ev.last ? f.ev.last->counters().bytes_out : 0) << " state " << (f.ev.last ? f.ev.last->state_name() : "gone"));
    REQUIRE(ok);
    CHECK(std::count(f.ev.log.begin(), f.ev.log.end(), "drain") == 1);
    close(c);
}

TEST_CASE("close() sends what is queued first; destroy() does not", "[connection]") {
    Fixture f(backend());
    f.ev.echo = false;
    int c = f.client();
    REQUIRE(f.until([&] { return f.ev.last != nullptr; }));
    std::string big(300 * 1024, 'q');
    bool destroy = GENERATE(false, true);
    INFO((destroy ? "destroy" : "close"));
    f.ev.last->send_raw(OutChunk::from_string(std::string(big)));
    if (destroy)
        f.ev.last->destroy();
    else
        f.ev.last->close();
    std::string got;
    bool eof = false;
    REQUIRE(f.until([&] {
        char buf[65536];
        ssize_t n = recv(c, buf, sizeof buf, MSG_DONTWAIT);
        if (n > 0) got.append(buf, size_t(n));
        if (n == 0 || (n < 0 && errno == ECONNRESET)) eof = true;
        return eof;
    }));
    if (destroy)
        CHECK(got.size() < big.size());
    else
        CHECK(got == big);
    CHECK(f.until([&] { return f.ev.saw("close"); }));
    close(c);
}

TEST_CASE("handover passes an idle socket on and loses no byte", "[connection][handover]") {
    struct Sink final : HandoverSink {
        int fd = -1;
        bool hand_over(int socket, Connection&) override {
            fd = dup(socket);
            return fd >= 0;
        }
    } sink;
    Fixture f(backend());
    int c = f.client();
    REQUIRE(f.until([&] { return f.ev.last != nullptr; }));
    REQUIRE(write(c, "before\n", 7) == 7);
    REQUIRE(f.read_until(c, "echo:before\n") == "echo:before\n");
    REQUIRE(f.until([&] { return f.ev.last && f.ev.last->idle(); }));
    REQUIRE(f.ev.last->begin_handover(&sink));
    // The client speaks while the handover is under way: the bytes must not be lost.
    REQUIRE(write(c, "during\n", 7) == 7);
    REQUIRE(f.until([&] { return sink.fd >= 0 || f.ev.messages.size() == 2; }));
    if (sink.fd >= 0) {
        // Handed over: the bytes wait in the socket for its new owner.
        std::string rest;
        REQUIRE(f.until([&] {
            rest += f.read_some(sink.fd);
            return rest == "during\n";
        }));
        CHECK(f.ev.messages.size() == 1);
        // The new owner answers on the same connection; the old side closed its copy only.
        REQUIRE(write(sink.fd, "hi\n", 3) == 3);
        CHECK(f.read_until(c, "hi\n") == "hi\n");
        close(sink.fd);
    } else {
        // The bytes reached us before the drain finished: served here, nothing lost.
        CHECK(f.ev.messages[1] == "during");
        CHECK(f.read_until(c, "echo:during\n") == "echo:during\n");
    }
    close(c);
}

TEST_CASE("many small chunks queued at once all arrive in order", "[connection]") {
    Fixture f(backend());
    f.ev.echo = false;
    int c = f.client();
    REQUIRE(f.until([&] { return f.ev.last != nullptr; }));
    // 100 tiny chunks (more than one send takes) and then a few small ones (coalesced).
    std::string want;
    for (int i = 0; i < 100; ++i) {
        std::string part = std::to_string(i % 10) + ",";
        want += part;
        f.ev.last->send_raw(OutChunk::from_string(std::move(part)));
    }
    for (const char* s : {"head ", "body ", "tail\n"}) {
        want += s;
        f.ev.last->send_raw(OutChunk::literal(s));
    }
    CHECK(f.read_until(c, "tail\n") == want);
    close(c);
}
