// The real process tree (master -> manager -> workers) with real forks and sockets on
// 127.0.0.1, driven from outside: what clients receive, what the control socket answers,
// which processes exist. Workers are FakeWorkerBody processes whose "code" is a file.
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <functional>
#include <set>
#include <sstream>
#include <thread>

#include "../../src/core/process/json_value.h"
#include "../../src/core/process/pid_file.h"
#include "../../src/core/process/process_clock.h"
#include "fake_worker_body.h"
#include "ringmaster/address.h"
#include "ringmaster/process_tree.h"

using namespace ringmaster;
using ringmaster::testing::append_text_file;
using ringmaster::testing::FakeWorkerBody;
using ringmaster::testing::read_text_file;

namespace {

// Polls `cond` until it holds or `timeout_ms` passes. Waiting on a condition, not a sleep.
bool wait_for(const std::function<bool()>& cond, int timeout_ms = 10000) {
    int64_t deadline = steady_ms() + timeout_ms;
    while (!cond()) {
        if (steady_ms() > deadline) return false;
        timespec ts{0, 10 * 1000 * 1000};
        nanosleep(&ts, nullptr);
    }
    return true;
}

uint16_t free_port() {
    int fd = open_listen_socket(parse_address("tcp://127.0.0.1:0"), {});
    uint16_t port = 0;
    socket_local_ip(fd, &port);
    close(fd);
    return port;
}

// One request to the server: the worker's answer line, or "" if nobody answered.
std::string ask(uint16_t port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    timeval tv{3, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string out;
    if (connect(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin) == 0) {
        char buf[4096];
        ssize_t n;
        while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    }
    close(fd);
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

int count_lines(const std::string& text) {
    int n = 0;
    for (char c : text) n += c == '\n';
    return n;
}

// A server in a temp dir, its master forked from the test process.
struct Tree {
    std::string dir;
    ServerConfig config;
    FakeWorkerBody body;
    pid_t master = -1;
    uint16_t port = 0;

    explicit Tree(int count, const std::string& mode = "ok") : dir(make_dir()), body(dir) {
        port = free_port();
        config.start_file = "test.php";
        config.pid_file = dir + "/rm.pid";
        config.log_file = dir + "/rm.log";
        config.stop_timeout = 1.0;
        config.start_timeout = 5.0;
        WorkerGroupConfig g;
        g.index = 0;
        g.name = "echo";
        g.count = count;
        g.listen = parse_address("tcp://127.0.0.1:" + std::to_string(port));
        config.groups.push_back(g);
        set_mode(mode);
    }
    ~Tree() {
        try {
            control_request(config.control_socket_path(), "stop", nullptr, 5000);
        } catch (const std::exception&) {
        }
        if (master > 0) {
            if (!wait_for([&] { return waitpid(master, nullptr, WNOHANG) == master; }, 5000)) {
                kill(master, SIGKILL);  // PDEATHSIG takes the manager and workers with it
                waitpid(master, nullptr, 0);
            }
        }
        std::string cmd = "rm -rf '" + dir + "'";
        if (std::system(cmd.c_str()) != 0) WARN("could not remove " << dir);
    }

    static std::string make_dir() {
        char tmpl[] = "/tmp/rm_tree_XXXXXX";
        if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp");
        return tmpl;
    }
    void set_mode(const std::string& mode) {
        std::string path = dir + "/mode";
        unlink(path.c_str());
        append_text_file(path, mode + "\n");
    }
    std::string log() const { return read_text_file(config.log_file); }
    int forks() const { return count_lines(read_text_file(dir + "/forks")); }

    // Runs a command the way the glue would, in a child; returns that child's pid.
    pid_t run_in_child(Command cmd, const std::string& out_name) {
        pid_t pid = fork();
        if (pid == 0) {
            // Test hygiene only: a crashed test run must not leave a server behind.
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            std::string out = dir + "/" + out_name;
            int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
            dup2(fd, 1);
            dup2(fd, 2);
            int rc = run_command(config, cmd, body);
            std::fflush(nullptr);
            _exit(rc);
        }
        return pid;
    }
    void start() {
        Command cmd;
        cmd.verb = CommandVerb::start;
        master = run_in_child(cmd, "master.out");
        int total = 0;
        for (const auto& g : config.groups) total += g.count;
        REQUIRE(wait_for([&] { return serving_workers() == total; }));
    }
    JsonValue request(const std::string& line, std::vector<std::string>* progress = nullptr) {
        std::string final = control_request(
            config.control_socket_path(), line,
            [&](const std::string& l) {
                if (progress) progress->push_back(l);
            },
            30000);
        return JsonValue::parse(final);
    }
    JsonValue status() { return request("status"); }
    // Worker rows of a status answer (none if the answer was an error).
    std::vector<const JsonValue*> workers(const JsonValue& st) {
        std::vector<const JsonValue*> out;
        const JsonValue* procs = st.find("processes");
        if (!procs) return out;
        for (const auto& p : procs->items) {
            if (p.string_or("role", "") == "worker") out.push_back(&p);
        }
        return out;
    }
    int serving_workers() {
        try {
            JsonValue st = status();
            int n = 0;
            for (const JsonValue* w : workers(st)) n += w->string_or("state", "") == "serving";
            return n;
        } catch (const std::exception&) {
            return -1;
        }
    }
    std::set<int> worker_pids() {
        std::set<int> pids;
        JsonValue st = status();
        for (const JsonValue* w : workers(st)) {
            if (w->string_or("state", "") == "serving") pids.insert(static_cast<int>(w->number_or("pid", 0)));
        }
        return pids;
    }
    // Every answer over `n` connections, as a set of distinct lines.
    std::set<std::string> answers(int n) {
        std::set<std::string> out;
        for (int i = 0; i < n; ++i) out.insert(ask(port));
        return out;
    }
    bool all_answers_are_gen(unsigned gen, int n = 12) {
        for (const std::string& a : answers(n)) {
            if (a.rfind("gen " + std::to_string(gen) + " ", 0) != 0) return false;
        }
        return true;
    }
    int wait_master_exit() {
        int status = -1;
        bool gone = wait_for([&] { return waitpid(master, &status, WNOHANG) == master; }, 15000);
        if (gone) master = -1;
        return gone && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
};

// After a reload answers, an old worker may still accept in the instant before it reads
// RETIRE (it serves that connection fully, with the old code); soon every answer is new.
bool eventually_gen(Tree& t, unsigned gen) {
    return wait_for([&] { return t.all_answers_are_gen(gen); });
}

int exit_code_of(pid_t pid, int timeout_ms = 15000) {
    int status = 0;
    if (!wait_for([&] { return waitpid(pid, &status, WNOHANG) == pid; }, timeout_ms)) {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
        return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("start: workers answer; stop removes pid file and control socket") {
    Tree t(2);
    t.start();
    CHECK(t.all_answers_are_gen(0));
    CHECK(read_pid_file(t.config.pid_file) == t.master);
    struct stat st {};
    REQUIRE(stat(t.config.control_socket_path().c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    std::string titles = read_text_file(t.dir + "/titles");
    CHECK(titles.find("ringmaster: master process  test.php") != std::string::npos);
    CHECK(titles.find("ringmaster: manager  test.php") != std::string::npos);
    CHECK(titles.find("ringmaster: worker echo #1 gen 0  test.php") != std::string::npos);

    std::set<int> pids = t.worker_pids();
    JsonValue stopped = t.request("stop");
    CHECK(stopped.bool_or("ok", false));
    CHECK(t.wait_master_exit() == 0);
    CHECK(access(t.config.pid_file.c_str(), F_OK) != 0);
    CHECK(access(t.config.control_socket_path().c_str(), F_OK) != 0);
    for (int pid : pids) CHECK_FALSE(process_alive(pid));
    CHECK(ask(t.port).empty());
}

TEST_CASE("start refuses a second master, a port in use, and reports both on stderr") {
    Tree t(1);
    t.start();
    Command start;
    start.verb = CommandVerb::start;
    CHECK(exit_code_of(t.run_in_child(start, "second.out")) == 1);
    CHECK(read_text_file(t.dir + "/second.out") ==
          "Ringmaster is already running (pid " + std::to_string(t.master) + ")\n");

    Tree busy(1);
    busy.config.groups[0].listen = t.config.groups[0].listen;  // the first server holds it
    busy.config.pid_file = busy.dir + "/other.pid";
    CHECK(exit_code_of(busy.run_in_child(start, "busy.out")) == 1);
    CHECK(read_text_file(busy.dir + "/busy.out") == "Cannot listen on tcp://127.0.0.1:" +
                                                        std::to_string(t.port) +
                                                        ": Address already in use\n");
}

TEST_CASE("start with an unwritable pid file fails with one line naming it") {
    Tree t(1);
    t.config.pid_file = t.dir + "/no/such/dir/rm.pid";
    Command start;
    start.verb = CommandVerb::start;
    CHECK(exit_code_of(t.run_in_child(start, "out")) == 1);
    CHECK_THAT(read_text_file(t.dir + "/out"),
               Catch::StartsWith("Cannot write pid file " + t.config.pid_file));
    CHECK(ask(t.port).empty());
}

TEST_CASE("reload replaces every slot start-before-stop and says so") {
    Tree t(3);
    t.start();
    std::set<int> old_pids = t.worker_pids();
    std::vector<std::string> progress;
    JsonValue r = t.request("reload", &progress);
    INFO(t.log());
    REQUIRE(r.bool_or("ok", false));
    CHECK(r.number_or("generation", -1) == 1);
    const JsonValue* replaced = r.find("replaced");
    REQUIRE(replaced);
    REQUIRE(replaced->items.size() == 3);
    std::set<int> reported_old, reported_new;
    for (const auto& slot : replaced->items) {
        CHECK(slot.string_or("group", "") == "echo");
        reported_old.insert(static_cast<int>(slot.number_or("old_pid", 0)));
        reported_new.insert(static_cast<int>(slot.number_or("new_pid", 0)));
        CHECK(slot.number_or("ms", -1) >= 0);
    }
    CHECK(reported_old == old_pids);
    CHECK(eventually_gen(t, 1));
    CHECK(wait_for([&] { return t.worker_pids() == reported_new; }));
    CHECK(wait_for([&] {
        for (int pid : old_pids) {
            if (process_alive(pid)) return false;
        }
        return true;
    }));
    REQUIRE(progress.size() >= 4);
    CHECK_THAT(progress[1], Catch::Matches("worker echo #0: [0-9]+ -> [0-9]+ \\(ready in [0-9]+ ms\\)"));
    CHECK_THAT(progress.back(), Catch::StartsWith("reload finished: 3 workers replaced in"));
    CHECK(count_lines(read_text_file(t.dir + "/manager_reloads")) == 1);
    for (const JsonValue* w : t.workers(t.status())) CHECK(w->number_or("generation", -1) == 1);
}

TEST_CASE("a broken deploy changes nothing and does not crash-loop") {
    Tree t(3);
    t.config.start_timeout = 1.0;
    t.start();
    std::set<int> old_pids = t.worker_pids();
    JsonValue r;

    SECTION("FAILED from onWorkerStart aborts with the PHP message") {
        t.set_mode("fail");
        r = t.request("reload");
        CHECK_FALSE(r.bool_or("ok", true));
        CHECK(r.string_or("error", "") ==
              "PHP Parse error: syntax error, unexpected '}' in /app/Handler.php on line 3");
        CHECK(t.log().find("reload rolled back: PHP Parse error") != std::string::npos);
    }
    SECTION("a replacement that exits aborts with the exit reason") {
        t.set_mode("exit");
        r = t.request("reload");
        CHECK_FALSE(r.bool_or("ok", true));
        CHECK_THAT(r.string_or("error", ""), Catch::EndsWith("exited before READY: exit code 3"));
    }
    SECTION("a replacement that never readies is killed at start_timeout") {
        t.set_mode("hang");
        r = t.request("reload");
        CHECK_FALSE(r.bool_or("ok", true));
        CHECK_THAT(r.string_or("error", ""), Catch::EndsWith("did not report READY within 1000 ms"));
    }
    REQUIRE(r.find("replaced"));
    CHECK(r.find("replaced")->items.empty());
    CHECK(t.worker_pids() == old_pids);
    CHECK(t.all_answers_are_gen(0));
    // Exactly one replacement was tried (parallelism 1); watch that no more appear.
    CHECK(t.forks() == 4);
    CHECK_FALSE(wait_for([&] { return t.forks() > 4; }, 600));
    CHECK(wait_for([&] { return count_lines(read_text_file(t.dir + "/exits")) == 1; }));

    t.set_mode("ok");
    JsonValue good = t.request("reload");
    REQUIRE(good.bool_or("ok", false));
    CHECK(good.number_or("generation", -1) == 1);  // the aborted reload changed nothing
    CHECK(eventually_gen(t, 1));
}

TEST_CASE("a second reload while one runs is refused; stop during a reload aborts it") {
    Tree t(2);
    t.config.start_timeout = 20.0;
    t.start();
    t.set_mode("hang");
    std::string first;
    std::thread reloader([&] {
        first = control_request(t.config.control_socket_path(), "reload", nullptr, 30000);
    });
    REQUIRE(wait_for([&] { return t.forks() == 3; }));
    JsonValue second = t.request("reload");
    CHECK_FALSE(second.bool_or("ok", true));
    CHECK_THAT(second.string_or("error", ""), Catch::StartsWith("a reload is already in progress"));

    JsonValue stopped = t.request("stop");
    CHECK(stopped.bool_or("ok", false));
    reloader.join();
    JsonValue r = JsonValue::parse(first);
    CHECK_FALSE(r.bool_or("ok", true));
    CHECK(r.string_or("error", "") == "reload aborted: the server is stopping");
    CHECK(t.wait_master_exit() == 0);
}

TEST_CASE("a killed worker is replaced; one that always dies backs off") {
    SECTION("SIGKILL") {
        Tree t(2);
        t.start();
        std::set<int> before = t.worker_pids();
        int victim = *before.begin();
        kill(victim, SIGKILL);
        REQUIRE(wait_for([&] {
            std::set<int> now = t.worker_pids();
            return now.size() == 2 && !now.count(victim);
        }));
        CHECK(t.log().find("(pid " + std::to_string(victim) +
                           ", gen 0) died unexpectedly: killed by signal SIGKILL") !=
              std::string::npos);
        CHECK(t.all_answers_are_gen(0));
    }
    SECTION("instant death every time") {
        Tree t(1, "exit");
        Command start;
        start.verb = CommandVerb::start;
        int64_t began = steady_ms();
        t.master = t.run_in_child(start, "master.out");
        // Restart delays 0, 0.1, 0.2, 0.4 s: the 5th fork cannot come before ~0.7 s.
        REQUIRE(wait_for([&] { return t.forks() >= 5; }, 10000));
        int64_t elapsed = steady_ms() - began;
        CHECK(elapsed >= 600);
        CHECK(t.forks() <= 6);
        CHECK(t.log().find("restarting worker echo #0 in 0.4 s") != std::string::npos);
        bool saw_backoff_in_status = wait_for([&] {
            JsonValue st = t.status();
            for (const JsonValue* w : t.workers(st)) {
                if (w->string_or("state", "").rfind("restarting in", 0) == 0) return true;
            }
            return false;
        });
        CHECK(saw_backoff_in_status);
        t.set_mode("ok");  // the "fix" is picked up by the next restart
        CHECK(wait_for([&] { return t.serving_workers() == 1; }, 15000));
    }
}

TEST_CASE("stop kills a worker that does not drain within stop_timeout") {
    Tree t(1, "stubborn");
    t.config.stop_timeout = 0.3;
    t.start();
    int64_t began = steady_ms();
    std::vector<std::string> progress;
    JsonValue r = t.request("stop", &progress);
    CHECK(r.bool_or("ok", false));
    CHECK(t.wait_master_exit() == 0);
    CHECK(steady_ms() - began < 5000);
    CHECK(t.log().find("still draining after 300 ms: killed with SIGKILL") != std::string::npos);
    bool told = false;
    for (const auto& l : progress) told |= l.find("killed with SIGKILL") != std::string::npos;
    CHECK(told);
}

TEST_CASE("status and connections describe every process") {
    Tree t(2);
    t.start();
    for (int i = 0; i < 4; ++i) ask(t.port);
    std::vector<std::string> table;
    JsonValue st = t.request("status", &table);
    REQUIRE(st.bool_or("ok", false));
    const auto& procs = st.find("processes")->items;
    REQUIRE(procs.size() == 4);
    CHECK(procs[0].string_or("role", "") == "master");
    CHECK(procs[0].number_or("pid", 0) == t.master);
    CHECK(procs[1].string_or("role", "") == "manager");
    CHECK(procs[0].number_or("rss_kb", 0) > 0);
    double requests = 0;
    for (const JsonValue* w : t.workers(st)) {
        CHECK(w->string_or("group", "") == "echo");
        CHECK(w->string_or("event_loop", "") == "poll");
        CHECK(w->number_or("timers", -1) == 1);
        CHECK_FALSE(w->bool_or("busy", true));
        requests += w->number_or("requests", 0);
    }
    CHECK(requests == 4);
    REQUIRE(table.size() == 5);
    CHECK_THAT(table[0], Catch::StartsWith("PID"));
    CHECK_THAT(table[3], Catch::Contains("echo #0") || Catch::Contains("echo #1"));

    JsonValue conns = t.request("connections");
    REQUIRE(conns.find("workers"));
    REQUIRE(conns.find("workers")->items.size() == 2);
    for (const auto& w : conns.find("workers")->items) {
        REQUIRE(w.find("connections"));
        CHECK(w.find("connections")->items.size() == 1);
    }
}

TEST_CASE("maxRequests: a worker asks for its own replacement") {
    Tree t(1, "maxreq");
    t.start();
    int first = *t.worker_pids().begin();
    for (int i = 0; i < 3; ++i) CHECK_THAT(ask(t.port), Catch::StartsWith("gen 0 pid " + std::to_string(first)));
    REQUIRE(wait_for([&] {
        std::set<int> now = t.worker_pids();
        return now.size() == 1 && !now.count(first);
    }));
    CHECK(wait_for([&] { return !process_alive(first); }));
    CHECK(t.all_answers_are_gen(0, 2));
}

TEST_CASE("a worker can reload its own server without deadlock") {
    Tree t(2, "selfreload");
    t.start();
    std::string answer = ask(t.port);
    REQUIRE_FALSE(answer.empty());
    JsonValue r = JsonValue::parse(answer);
    CHECK(r.bool_or("ok", false));
    CHECK(r.find("replaced")->items.size() == 2);
    CHECK(eventually_gen(t, 1));
}

TEST_CASE("non-reloadable groups get a notice; reuse_port groups reload on their own sockets") {
    Tree t(2);
    t.config.groups[0].reuse_port = true;
    WorkerGroupConfig cron;
    cron.index = 1;
    cron.name = "cron";
    cron.count = 1;
    cron.reloadable = false;
    t.config.groups.push_back(cron);
    t.start();
    JsonValue r = t.request("reload");
    REQUIRE(r.bool_or("ok", false));
    CHECK(r.find("replaced")->items.size() == 2);
    REQUIRE(r.find("notified")->items.size() == 1);
    int cron_pid = static_cast<int>(r.find("notified")->items[0].number_or("pid", 0));
    CHECK(wait_for([&] { return read_text_file(t.dir + "/notices") == std::to_string(cron_pid) + "\n"; }));
    CHECK(process_alive(cron_pid));
    CHECK(eventually_gen(t, 1));
}

TEST_CASE("SIGUSR1 to the master reloads and logs the outcome") {
    Tree t(2);
    t.start();
    kill(t.master, SIGUSR1);
    CHECK(eventually_gen(t, 1));
    CHECK(wait_for([&] {
        return t.log().find("reload finished: 2 workers replaced") != std::string::npos;
    }));
}

TEST_CASE("the master restarts a manager that dies") {
    Tree t(1);
    t.start();
    auto manager_pid = [&] {
        JsonValue st = t.status();
        const JsonValue* procs = st.find("processes");
        return procs && procs->items.size() > 1 ? static_cast<int>(procs->items[1].number_or("pid", 0)) : 0;
    };
    int manager = manager_pid();
    REQUIRE(manager > 0);
    kill(manager, SIGKILL);
    REQUIRE(wait_for([&] {
        try {
            int now = manager_pid();
            return now != 0 && now != manager && t.serving_workers() == 1;
        } catch (const std::exception&) {
            return false;
        }
    }));
    CHECK(t.log().find("died unexpectedly: killed by signal SIGKILL") != std::string::npos);
    CHECK(t.all_answers_are_gen(0, 3));
}

TEST_CASE("the CLI verbs print the outcome and exit 0 or 1") {
    Tree t(1);
    t.config.start_timeout = 1.0;
    Command stop;
    stop.verb = CommandVerb::stop;
    CHECK(exit_code_of(t.run_in_child(stop, "stop0.out")) == 1);
    CHECK(read_text_file(t.dir + "/stop0.out") == "Ringmaster is not running\n");

    SECTION("daemon start, reload, failed reload, stop") {
        Command start;
        start.verb = CommandVerb::start;
        start.daemonize = true;
        t.config.stdout_file = t.dir + "/daemon.out";
        CHECK(exit_code_of(t.run_in_child(start, "start.out")) == 0);
        CHECK_THAT(read_text_file(t.dir + "/start.out"),
                   Catch::Matches("Ringmaster started \\(pid [0-9]+\\): 1 of 1 workers ready\n"));
        int daemon_pid = read_pid_file(t.config.pid_file);
        CHECK(process_alive(daemon_pid));
        CHECK(t.all_answers_are_gen(0, 2));

        Command reload;
        reload.verb = CommandVerb::reload;
        CHECK(exit_code_of(t.run_in_child(reload, "reload.out")) == 0);
        CHECK_THAT(read_text_file(t.dir + "/reload.out"),
                   Catch::Contains("worker echo #0: ") && Catch::Contains("reload finished: 1 workers replaced"));

        t.set_mode("fail");
        CHECK(exit_code_of(t.run_in_child(reload, "bad.out")) == 1);
        CHECK_THAT(read_text_file(t.dir + "/bad.out"),
                   Catch::EndsWith("Reload failed: PHP Parse error: syntax error, unexpected '}' in "
                                   "/app/Handler.php on line 3\n"));
        CHECK(t.all_answers_are_gen(1, 2));

        Command status;
        status.verb = CommandVerb::status;
        status.json = true;
        CHECK(exit_code_of(t.run_in_child(status, "status.out")) == 0);
        JsonValue st = JsonValue::parse(read_text_file(t.dir + "/status.out"));
        CHECK(st.find("processes")->items.size() == 3);

        CHECK(exit_code_of(t.run_in_child(stop, "stop.out")) == 0);
        CHECK_THAT(read_text_file(t.dir + "/stop.out"), Catch::EndsWith("Ringmaster stopped\n"));
        CHECK_FALSE(process_alive(daemon_pid));
        CHECK(access(t.config.pid_file.c_str(), F_OK) != 0);
    }
    SECTION("daemon start reports a port in use on the terminal") {
        int holder = open_listen_socket(*t.config.groups[0].listen, {});
        Command start;
        start.verb = CommandVerb::start;
        start.daemonize = true;
        CHECK(exit_code_of(t.run_in_child(start, "start.out")) == 1);
        CHECK_THAT(read_text_file(t.dir + "/start.out"), Catch::Contains("Address already in use"));
        close(holder);
    }
}
