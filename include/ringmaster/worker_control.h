// The worker's end of its manager channel: tells the manager READY/FAILED, answers status
// and connection listings, and turns the manager's orders (retire, stop, reload notice) into
// calls on a handler. Everything a worker learns about reload arrives here, not by signal.
#pragma once

#include <unistd.h>

#include <string>

#include "ringmaster/event_loop.h"

namespace ringmaster {

class WorkerControlHandler {
public:
    virtual ~WorkerControlHandler() = default;
    // Stop accepting, finish in-flight work, close idle connections, exit. `deadline_ms` is
    // the drain bound in ms (0 = no deadline: graceful). The manager kills the process past it.
    virtual void on_retire(unsigned deadline_ms) = 0;
    // A reload is under way and this worker is not reloadable: run onWorkerReload.
    virtual void on_reload_notice() = 0;
    // JSON object describing this process (connections, requests, timers, memory, backend).
    virtual std::string status_json() = 0;
    // JSON array of this process's open connections.
    virtual std::string connections_json() = 0;
    // The manager is gone (channel closed): exit promptly.
    virtual void on_manager_lost() = 0;
    // A connection the previous worker of this slot handed over (the handler owns `fd`);
    // `state` is what that worker's hand_over() said about it (its protocol).
    virtual void on_adopt(int fd, const std::string& state) {
        (void)state;
        ::close(fd);
    }
};

class WorkerControl : private ReadableHandler {
public:
    WorkerControl(int channel_fd, EventLoop& loop, WorkerControlHandler& handler);
    ~WorkerControl() override;

    // onWorkerStart returned and accept is armed.
    void send_ready();
    // onWorkerStart failed: the PHP error message (file and line) for the reload's caller.
    void send_failed(const std::string& message);
    // The worker has finished its drain and is about to exit (0 = clean).
    void send_retired(unsigned requests_served);
    // Ask the manager for a reload (maxRequests reached: only this slot is replaced).
    void request_own_replacement();
    // After RETIRE: whether a READY replacement will adopt handed-over connections.
    bool replacement_ready() const { return replacement_ready_; }
    // Passes an idle connection's socket to the slot's replacement (through the manager).
    // False if there is none or the channel refused it; the caller keeps `fd` either way.
    bool hand_over(int fd, const std::string& state);

private:
    void on_readable() override;
    void send(const std::string& message);

    int fd_;
    EventLoop& loop_;
    WorkerControlHandler& handler_;
    bool replacement_ready_ = false;
};

}  // namespace ringmaster
