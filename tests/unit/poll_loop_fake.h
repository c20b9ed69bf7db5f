// A minimal EventLoop for process-tree tests: only watch_readable/unwatch and run_once,
// over poll(). It lets the tests drive the real WorkerControl without depending on the
// io_uring/epoll backends.
#pragma once

#include <poll.h>

#include <map>
#include <stdexcept>
#include <vector>

#include "ringmaster/event_loop.h"

namespace ringmaster::testing {

class PollLoop : public EventLoop {
public:
    LoopBackend backend() const override { return LoopBackend::epoll; }
    void start_accept(int, AcceptHandler*) override { unsupported(); }
    void stop_accept(int) override { unsupported(); }
    void start_receive(int, SocketHandler*) override { unsupported(); }
    void stop_receive(int) override { unsupported(); }
    void drain_receive(int, SocketHandler*) override { unsupported(); }
    void send(int, const iovec*, int, SocketHandler*) override { unsupported(); }
    void connect(int, const sockaddr*, socklen_t, SocketHandler*) override { unsupported(); }
    void cancel_all(int, SocketHandler*) override { unsupported(); }
    void watch_readable(int fd, ReadableHandler* handler) override { watched_[fd] = handler; }
    void unwatch(int fd) override { watched_.erase(fd); }
    uint64_t add_timer(uint64_t, TimerHandler*) override { unsupported(); }
    bool cancel_timer(uint64_t) override { return false; }
    void run() override {
        stopped_ = false;
        while (!stopped_) run_once(-1);
    }
    void run_once(int timeout_ms) override {
        std::vector<pollfd> fds;
        for (auto& [fd, h] : watched_) fds.push_back({fd, POLLIN, 0});
        if (poll(fds.data(), fds.size(), timeout_ms) <= 0) return;
        for (auto& p : fds) {
            if (!p.revents) continue;
            auto it = watched_.find(p.fd);
            if (it != watched_.end()) it->second->on_readable();
        }
    }
    void stop() override { stopped_ = true; }
    void wake() override {}
    void set_wake_handler(WakeHandler*) override {}
    LoopStats stats() const override { return {}; }

private:
    [[noreturn]] static void unsupported() {
        throw std::logic_error("not provided by the test PollLoop");
    }
    std::map<int, ReadableHandler*> watched_;
    bool stopped_ = false;
};

}  // namespace ringmaster::testing
