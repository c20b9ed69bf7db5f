// The epoll backend of EventLoop, for kernels or sandboxes without io_uring: it emulates the
// completion-style contract with non-blocking syscalls (accept4, recv into a loop-owned
// buffer, sendmsg, connect) driven by level-triggered readiness.
#pragma once

#include <sys/epoll.h>

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "ringmaster/event_loop.h"
#include "timer_queue.h"

namespace ringmaster {

class EpollLoop final : public EventLoop {
public:
    // Returns nullptr and sets *error (strerror text) if epoll or the wake eventfd fail.
    static std::unique_ptr<EpollLoop> create(std::string* error);
    ~EpollLoop() override;
    EpollLoop(const EpollLoop&) = delete;
    EpollLoop& operator=(const EpollLoop&) = delete;

    LoopBackend backend() const override { return LoopBackend::epoll; }
    void start_accept(int listen_fd, AcceptHandler* handler) override;
    void stop_accept(int listen_fd) override;
    void start_receive(int fd, SocketHandler* handler) override;
    void stop_receive(int fd) override;
    void drain_receive(int fd, SocketHandler* handler) override;
    void send(int fd, const iovec* iov, int iovcnt, SocketHandler* handler) override;
    void connect(int fd, const sockaddr* addr, socklen_t len, SocketHandler* handler) override;
    void cancel_all(int fd, SocketHandler* handler) override;
    void watch_readable(int fd, ReadableHandler* handler) override;
    void unwatch(int fd) override;
    uint64_t add_timer(uint64_t delay_ns, TimerHandler* handler) override;
    bool cancel_timer(uint64_t timer_id) override;
    void run() override;
    void run_once(int timeout_ms) override;
    void stop() override { stop_requested_ = true; }
    void wake() override;
    void set_wake_handler(WakeHandler* handler) override { wake_handler_ = handler; }
    LoopStats stats() const override;

private:
    struct FdState;
    struct Deferred;

    EpollLoop() = default;

    FdState& state(int fd);
    // The state of `fd` if it is still the incarnation `serial` refers to.
    FdState* live(int fd, uint32_t serial);
    void update_interest(FdState& f);
    void release_if_idle(FdState& f);
    void defer(int kind, const FdState& f, ssize_t value);

    void dispatch(uint64_t key, uint32_t events);
    void accept_ready(int fd, uint32_t serial);
    void receive_ready(int fd, uint32_t serial);
    void write_ready(FdState& f);
    void run_deferred();

    int epoll_fd_ = -1;
    int wake_fd_ = -1;
    std::unordered_map<int, std::unique_ptr<FdState>> fds_;
    std::vector<Deferred> deferred_;
    // drain_receive() callers to tell; epoll never reads ahead, so nothing is ever unread.
    std::vector<SocketHandler*> drained_;
    uint32_t next_serial_ = 1;  // 0 is the wake eventfd's key
    std::unique_ptr<char[]> recv_buffer_;

    TimerQueue timers_;
    WakeHandler* wake_handler_ = nullptr;
    bool stop_requested_ = false;
    LoopStats stats_{};
};

}  // namespace ringmaster
