// A WorkerBody for process-tree tests. Like PHP code, its behaviour is read from disk when
// each worker starts (the file `<dir>/mode`), so a test "deploys" broken or fixed code by
// rewriting that file before a reload. Each worker appends "<pid> <generation>" to
// `<dir>/forks`, accepts on its socket with a poll loop and answers every connection
// with "gen <generation> pid <pid>\n".
//
// Modes: ok | fail (FAILED with a PHP-like message) | exit (exit(3) before READY) |
// hang (never READY) | stubborn (ignores RETIRE) | maxreq (asks for its own replacement
// after 3 connections) | selfreload (the first connection makes the worker reload its own
// server and answer with the result JSON).
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "poll_loop_fake.h"
#include "ringmaster/process_tree.h"
#include "ringmaster/worker_control.h"

namespace ringmaster::testing {

inline std::string read_text_file(const std::string& path) {
    std::ifstream in(path);
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return all;
}

inline void append_text_file(const std::string& path, const std::string& text) {
    int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT, 0644);
    if (fd < 0) return;
    ssize_t n = write(fd, text.data(), text.size());
    (void)n;
    close(fd);
}

class FakeWorkerBody : public WorkerBody {
public:
    explicit FakeWorkerBody(std::string dir) : dir_(std::move(dir)) {}

    int run_worker(const ServerConfig& config, const WorkerSlotInfo& slot) override {
        std::string mode = read_text_file(dir_ + "/mode");
        while (!mode.empty() && (mode.back() == '\n' || mode.back() == ' ')) mode.pop_back();
        append_text_file(dir_ + "/forks",
                         std::to_string(getpid()) + " " + std::to_string(slot.generation) + "\n");
        if (mode == "exit") _exit(3);

        PollLoop loop;
        Handler handler;
        handler.dir = dir_;
        WorkerControl control(slot.channel_fd, loop, handler);
        if (mode == "fail") {
            control.send_failed("PHP Parse error: syntax error, unexpected '}' in /app/Handler.php on line 3");
            return 255;
        }
        if (mode == "hang") {
            for (;;) pause();
        }
        Acceptor acceptor(slot, config, control, handler, mode);
        if (slot.listen_fd >= 0) loop.watch_readable(slot.listen_fd, &acceptor);
        control.send_ready();
        while (!handler.lost && !(handler.retire && mode != "stubborn")) loop.run_once(-1);
        if (slot.listen_fd >= 0) loop.unwatch(slot.listen_fd);
        if (handler.retire) control.send_retired(handler.requests);
        return 0;
    }

    void on_worker_exit(const WorkerSlotInfo& slot, int pid, int) override {
        append_text_file(dir_ + "/exits", std::to_string(pid) + " " + std::to_string(slot.slot) + "\n");
    }

    void on_manager_reload() override { append_text_file(dir_ + "/manager_reloads", "x\n"); }

    void set_process_title(const std::string& title) override {
        append_text_file(dir_ + "/titles", title + "\n");
    }

private:
    struct Handler : WorkerControlHandler {
        bool retire = false;
        bool lost = false;
        unsigned requests = 0;
        std::string dir;
        void on_retire(unsigned) override { retire = true; }
        void on_reload_notice() override {
            append_text_file(dir + "/notices", std::to_string(getpid()) + "\n");
        }
        std::string status_json() override {
            return "{\"connections\":0,\"requests\":" + std::to_string(requests) +
                   ",\"timers\":1,\"event_loop\":\"poll\"}";
        }
        std::string connections_json() override {
            return "[{\"id\":1,\"remote\":\"127.0.0.1:5555\",\"pid\":" + std::to_string(getpid()) + "}]";
        }
        void on_manager_lost() override { lost = true; }
    };

    struct Acceptor : ReadableHandler {
        Acceptor(const WorkerSlotInfo& s, const ServerConfig& c, WorkerControl& ctl, Handler& h,
                 const std::string& m)
            : slot(s), config(c), control(ctl), handler(h), mode(m) {}
        void on_readable() override {
            int fd = accept4(slot.listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0) return;
            ++handler.requests;
            std::string answer = "gen " + std::to_string(slot.generation) + " pid " +
                                 std::to_string(getpid()) + "\n";
            if (mode == "selfreload" && slot.generation == 0 && handler.requests == 1) {
                // Blocks this worker until the manager answers: the no-deadlock case.
                answer = control_request(config.control_socket_path(), "reload", nullptr, 20000) + "\n";
            }
            ssize_t n = send(fd, answer.data(), answer.size(), MSG_NOSIGNAL);
            (void)n;
            close(fd);
            if (mode == "maxreq" && handler.requests == 3) control.request_own_replacement();
        }
        const WorkerSlotInfo& slot;
        const ServerConfig& config;
        WorkerControl& control;
        Handler& handler;
        std::string mode;
    };

    std::string dir_;
};

}  // namespace ringmaster::testing
