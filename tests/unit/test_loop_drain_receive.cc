// drain_receive(): the loop gives back every byte it took from a socket after receiving
// stopped, so the socket can change hands (connection handover) without losing one.
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "ringmaster/event_loop.h"

using namespace ringmaster;

namespace {

struct Recorder final : SocketHandler {
    std::string received;
    std::string unread;
    bool drained = false;
    bool ended = false;
    void on_receive(const char* d, size_t n) override { received.append(d, n); }
    void on_receive_end(int) override { ended = true; }
    void on_send_done(ssize_t) override {}
    void on_receive_drained(std::string&& u, bool e, int) override {
        drained = true;
        unread = std::move(u);
        ended = ended || e;
    }
};

template <class F>
bool run_until(EventLoop& loop, F done) {
    uint64_t deadline = monotonic_ns() + 5'000'000'000ull;
    while (!done()) {
        if (monotonic_ns() > deadline) return false;
        loop.run_once(10);
    }
    return true;
}

std::string read_rest(int fd) {
    std::string out;
    char buf[4096];
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n <= 0) break;
        out.append(buf, size_t(n));
    }
    return out;
}

LoopBackend backend_under_test() {
    return GENERATE(LoopBackend::io_uring, LoopBackend::epoll);
}

}  // namespace

TEST_CASE("drain_receive stops delivery and loses no byte", "[loop][handover]") {
    LoopBackend backend = backend_under_test();
    INFO("backend " << backend_name(backend));
    auto loop = EventLoop::create(backend, nullptr);
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) == 0);
    Recorder r;
    loop->start_receive(sv[0], &r);

    REQUIRE(write(sv[1], "first", 5) == 5);
    REQUIRE(run_until(*loop, [&] { return r.received == "first"; }));

    SECTION("bytes sent after the drain stay in the socket") {
        loop->drain_receive(sv[0], &r);
        CHECK_FALSE(r.drained);  // never from inside the call
        REQUIRE(run_until(*loop, [&] { return r.drained; }));
        CHECK(r.unread.empty());
        REQUIRE(write(sv[1], "second", 6) == 6);
        for (int i = 0; i < 5; ++i) loop->run_once(5);
        CHECK(r.received == "first");
        CHECK(read_rest(sv[0]) == "second");
    }
    SECTION("bytes racing the drain are handed back or left in the socket, in order") {
        // Written before the loop runs again: the kernel may already have posted them to a
        // multishot receive, or not. Either way they must come back exactly once.
        std::string burst;
        for (int i = 0; i < 200; ++i) burst += "chunk-" + std::to_string(i) + ";";
        REQUIRE(write(sv[1], burst.data(), burst.size()) == ssize_t(burst.size()));
        loop->drain_receive(sv[0], &r);
        REQUIRE(run_until(*loop, [&] { return r.drained; }));
        std::string seen = r.received.substr(5) + r.unread + read_rest(sv[0]);
        CHECK(seen == burst);
    }
    SECTION("start_receive after a drain resumes delivery") {
        loop->drain_receive(sv[0], &r);
        REQUIRE(run_until(*loop, [&] { return r.drained; }));
        REQUIRE(write(sv[1], "again", 5) == 5);
        loop->start_receive(sv[0], &r);
        REQUIRE(run_until(*loop, [&] { return r.received == "first" + r.unread + "again"; }));
    }
    SECTION("cancel_all during a drain ends it quietly with on_cancelled only") {
        struct Cancelled final : SocketHandler {
            bool drained = false, cancelled = false;
            void on_receive(const char*, size_t) override {}
            void on_receive_end(int) override {}
            void on_send_done(ssize_t) override {}
            void on_receive_drained(std::string&&, bool, int) override { drained = true; }
            void on_cancelled() override { cancelled = true; }
        } c;
        loop->start_receive(sv[0], &c);
        loop->drain_receive(sv[0], &c);
        loop->cancel_all(sv[0], &c);
        REQUIRE(run_until(*loop, [&] { return c.cancelled; }));
        for (int i = 0; i < 3; ++i) loop->run_once(5);
        CHECK_FALSE(c.drained);
    }
    close(sv[0]);
    close(sv[1]);
}
