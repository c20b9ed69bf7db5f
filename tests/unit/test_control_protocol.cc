// The wire between manager and worker (channel messages, chunked replies, WorkerControl),
// the control socket's client side, and the small pieces the CLI relies on.
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <thread>

#include "../../src/core/process/channel.h"
#include "../../src/core/process/control_protocol.h"
#include "../../src/core/process/json_value.h"
#include "../../src/core/process/restart_backoff.h"
#include "../../src/core/process/wait_status.h"
#include "poll_loop_fake.h"
#include "ringmaster/process_tree.h"
#include "ringmaster/worker_control.h"

using namespace ringmaster;

namespace {

struct RecordingHandler : WorkerControlHandler {
    int retired = -1;
    int notices = 0;
    bool lost = false;
    std::string status = "{\"connections\":2}";
    void on_retire(unsigned deadline_ms) override { retired = static_cast<int>(deadline_ms); }
    void on_reload_notice() override { ++notices; }
    std::string status_json() override { return status; }
    std::string connections_json() override { return "[{\"id\":1}]"; }
    void on_manager_lost() override { lost = true; }
};

// Reads the manager side until a message arrives (the worker end writes synchronously).
ChannelMessage next_message(int fd) {
    ChannelMessage m;
    for (int i = 0; i < 200; ++i) {
        if (channel_receive(fd, &m) == ChannelRead::message) return m;
        pollfd p{fd, POLLIN, 0};
        poll(&p, 1, 10);
    }
    FAIL("no message");
    return m;
}

}  // namespace

TEST_CASE("WorkerControl reports READY/FAILED/RETIRED/REPLACE_ME to the manager") {
    int ends[2];
    make_channel(ends);
    testing::PollLoop loop;
    RecordingHandler handler;
    {
        WorkerControl control(ends[1], loop, handler);
        control.send_ready();
        CHECK(next_message(ends[0]).verb == "READY");
        control.send_failed("PHP Fatal error: boom in /a.php on line 2");
        ChannelMessage failed = next_message(ends[0]);
        CHECK(failed.verb == "FAILED");
        CHECK(failed.payload == "PHP Fatal error: boom in /a.php on line 2");
        control.send_retired(42);
        ChannelMessage retired = next_message(ends[0]);
        CHECK(retired.verb == "RETIRED");
        CHECK(retired.payload == "42");
        control.request_own_replacement();
        CHECK(next_message(ends[0]).verb == "REPLACE_ME");
    }
    close(ends[0]);
    close(ends[1]);
}

TEST_CASE("WorkerControl turns manager orders into handler calls") {
    int ends[2];
    make_channel(ends);
    testing::PollLoop loop;
    RecordingHandler handler;
    WorkerControl control(ends[1], loop, handler);

    REQUIRE(channel_send(ends[0], "RETIRE", "1500"));
    loop.run_once(1000);
    CHECK(handler.retired == 1500);

    REQUIRE(channel_send(ends[0], "RELOAD_NOTICE"));
    loop.run_once(1000);
    CHECK(handler.notices == 1);

    SECTION("status replies larger than one datagram arrive whole, in chunks") {
        handler.status = "{\"pad\":\"" + std::string(200 * 1024, 'x') + "\"}";
        REQUIRE(channel_send(ends[0], "STATUS", "7"));
        std::thread worker([&] { loop.run_once(1000); });  // replies may fill the buffer
        std::string whole;
        int chunks = 0;
        for (;;) {
            ChannelMessage m = next_message(ends[0]);
            REQUIRE(m.verb == "REPLY");
            unsigned id = 0;
            bool more = false;
            std::string chunk;
            REQUIRE(parse_reply_chunk(m.payload, &id, &more, &chunk));
            CHECK(id == 7);
            whole += chunk;
            ++chunks;
            if (!more) break;
        }
        worker.join();
        CHECK(chunks > 1);
        CHECK(whole == handler.status);
        CHECK(JsonValue::parse(whole).string_or("pad", "").size() == 200 * 1024);
    }
    SECTION("connection listings come back as a REPLY") {
        REQUIRE(channel_send(ends[0], "CONNECTIONS", "3"));
        loop.run_once(1000);
        ChannelMessage m = next_message(ends[0]);
        CHECK(m.payload == "3 0 [{\"id\":1}]");
    }
    SECTION("the manager closing the channel means on_manager_lost") {
        close(ends[0]);
        ends[0] = -1;
        loop.run_once(1000);
        CHECK(handler.lost);
    }
    if (ends[0] >= 0) close(ends[0]);
}

TEST_CASE("channel messages carry a file descriptor") {
    int ends[2];
    make_channel(ends);
    int pipe_fds[2];
    REQUIRE(pipe(pipe_fds) == 0);
    REQUIRE(channel_send(ends[0], "REQUEST", "status", pipe_fds[1]));
    ChannelMessage m = next_message(ends[1]);
    CHECK(m.verb == "REQUEST");
    CHECK(m.payload == "status");
    REQUIRE(m.fd >= 0);
    REQUIRE(write(m.fd, "x", 1) == 1);
    char c = 0;
    REQUIRE(read(pipe_fds[0], &c, 1) == 1);
    CHECK(c == 'x');
    close(m.fd);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    close(ends[0]);
    close(ends[1]);
}

TEST_CASE("control_request streams progress lines and returns the final JSON line") {
    char dir[] = "/tmp/rm_ctl_XXXXXX";
    REQUIRE(mkdtemp(dir) != nullptr);
    std::string path = std::string(dir) + "/c.sock";
    int listener = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    std::strcpy(sun.sun_path, path.c_str());
    REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&sun), sizeof sun) == 0);
    REQUIRE(listen(listener, 4) == 0);
    std::string got_request;
    std::thread server([&] {
        int c = accept(listener, nullptr, nullptr);
        char buf[64] = {0};
        ssize_t n = read(c, buf, sizeof buf - 1);
        got_request.assign(buf, n > 0 ? static_cast<size_t>(n) : 0);
        control_send_progress(c, "worker echo #0: 1 -> 2 (ready in 5 ms)");
        control_send_progress(c, "{looks like json\nbut is progress");
        control_send_final(c, "{\"ok\":true,\"ms\":5}");
        close(c);
    });
    std::vector<std::string> lines;
    std::string final = control_request(path, "reload", [&](const std::string& l) { lines.push_back(l); }, 5000);
    server.join();
    CHECK(got_request == "reload\n");
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] == "worker echo #0: 1 -> 2 (ready in 5 ms)");
    CHECK(lines[1] == " {looks like json but is progress");
    CHECK(final == "{\"ok\":true,\"ms\":5}");
    close(listener);
    unlink(path.c_str());
    CHECK_THROWS_WITH(control_request(path, "status", nullptr, 1000),
                      Catch::Contains("no Ringmaster server answers at " + path));
    rmdir(dir);
}

TEST_CASE("JSON values round-trip through json_quote and JsonValue::parse") {
    std::string nasty = "say \"hi\"\n\tback\\slash \x01 é";
    JsonValue v = JsonValue::parse("{\"s\":" + json_quote(nasty) + ",\"n\":-1.5e2,\"a\":[true,null,{}]}");
    CHECK(v.string_or("s", "") == nasty);
    CHECK(v.number_or("n", 0) == -150);
    REQUIRE(v.find("a") != nullptr);
    CHECK(v.find("a")->items.size() == 3);
    CHECK(JsonValue::parse("\"\\u00e9\\ud83d\\ude00\"").string == "é😀");
    CHECK_THROWS_WITH(JsonValue::parse("{\"a\":1,}"), Catch::Contains("invalid JSON"));
    CHECK_THROWS(JsonValue::parse("[1 2]"));
    CHECK_THROWS(JsonValue::parse(std::string(1000, '[')));
    CHECK(control_error_json("a \"b\"") == "{\"ok\":false,\"error\":\"a \\\"b\\\"\"}");
}

TEST_CASE("parse_command understands the Workerman command line") {
    Command c = parse_command({"start.php", "start", "-d"});
    CHECK(c.verb == CommandVerb::start);
    CHECK(c.daemonize);
    c = parse_command({"reload", "-g", "--json"});
    CHECK(c.verb == CommandVerb::reload);
    CHECK(c.graceful);
    CHECK(c.json);
    CHECK(parse_command({"start.php"}).verb == CommandVerb::help);
    CHECK_THROWS_WITH(parse_command({"start.php", "relaod"}), "Unknown command 'relaod'");
    CHECK_THROWS_WITH(parse_command({"start.php", "stop", "-x"}), "Unknown option '-x'");
    CHECK(usage_text("start.php").find("php start.php <command>") != std::string::npos);
}

TEST_CASE("wait statuses read as a person would say them") {
    pid_t p = fork();
    if (p == 0) _exit(3);
    int st = 0;
    waitpid(p, &st, 0);
    CHECK(describe_wait_status(st) == "exit code 3");
    p = fork();
    if (p == 0) {
        signal(SIGSEGV, SIG_DFL);  // Catch2's own handler is inherited
        raise(SIGSEGV);
        _exit(0);
    }
    waitpid(p, &st, 0);
    CHECK_THAT(describe_wait_status(st), Catch::StartsWith("killed by signal SIGSEGV"));
}

TEST_CASE("restart backoff: immediate, then 0.1 s doubling to 10 s, forgiven after a stable run") {
    RestartBackoff b;
    CHECK(b.next_delay_ms(0) == 0);
    CHECK(b.next_delay_ms(0) == 100);
    CHECK(b.next_delay_ms(0) == 200);
    CHECK(b.next_delay_ms(0) == 400);
    for (int i = 0; i < 20; ++i) b.next_delay_ms(0);
    CHECK(b.next_delay_ms(0) == 10'000);
    CHECK(b.next_delay_ms(RestartBackoff::kStableMs) == 0);
    CHECK(b.next_delay_ms(0) == 100);
}
