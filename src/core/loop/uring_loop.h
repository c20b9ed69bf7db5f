// The io_uring backend of EventLoop: multishot accept, multishot receive into a provided
// buffer ring, multishot poll, one SENDMSG in flight per fd, explicit cancellation with
// per-fd completion counting, and a single io_uring_enter per iteration (submit + wait,
// bounded by the nearest timer).
#pragma once

#include <liburing.h>
#include <sys/socket.h>

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "ringmaster/event_loop.h"
#include "timer_queue.h"

namespace ringmaster {

class UringLoop final : public EventLoop {
public:
    // Returns nullptr and sets *error to why (e.g. "Operation not permitted") when the kernel
    // refuses io_uring or lacks a feature this backend needs. Honours the environment variable
    // RINGMASTER_FORCE_URING_FAILURE=1, which fails as if seccomp had said EPERM.
    static std::unique_ptr<UringLoop> create(std::string* error);
    ~UringLoop() override;
    UringLoop(const UringLoop&) = delete;
    UringLoop& operator=(const UringLoop&) = delete;

    // The IORING_SETUP_* flags the kernel accepted.
    unsigned setup_flags() const { return setup_flags_; }

    LoopBackend backend() const override { return LoopBackend::io_uring; }
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
    enum class OpKind : uint8_t { accept, recv, send, connect, poll };
    struct FdState;
    // One per kind of operation on an fd; at most one SQE of each kind is outstanding, so
    // the record can live inside FdState and its address is the SQE's user_data.
    struct Op {
        OpKind kind;
        bool armed = false;  // an SQE was queued and its final CQE (no F_MORE) not yet seen
        FdState* owner = nullptr;
    };
    struct Deferred;

    UringLoop() = default;
    int setup(std::string* error);

    FdState& state(int fd);
    FdState* find(int fd);
    io_uring_sqe* next_sqe();
    io_uring_sqe* prep_op(Op& op);
    void prep_cancel_op(const Op& op);
    void arm_accept(FdState& f);
    void arm_recv(FdState& f);
    void arm_poll(FdState& f);
    void arm_wake();
    void recycle_buffer(unsigned bid);

    void reap_completions();
    void dispatch(uint64_t user_data, int res, uint32_t flags);
    void on_accept_cqe(FdState& f, int res, bool final);
    void on_recv_cqe(FdState& f, int res, uint32_t flags, bool final);
    void on_poll_cqe(FdState& f, int res, bool final);
    void end_receive(FdState& f, int status);
    void schedule(int kind, FdState& f);
    void run_deferred();
    void flush_stash(FdState& f);
    void notify_readable(FdState& f);
    void reap_detached();
    void release_if_idle(FdState& f);

    io_uring ring_{};
    bool ring_ready_ = false;
    unsigned setup_flags_ = 0;

    // Provided-buffer ring for multishot receive (see uring_loop.cc for the sizes).
    io_uring_buf_ring* buf_ring_ = nullptr;
    char* buffers_ = nullptr;

    std::unordered_map<int, std::unique_ptr<FdState>> fds_;
    // cancel_all() moved these out of fds_; each is freed (and its on_cancelled queued) once
    // its last completion has been reaped.
    std::vector<std::unique_ptr<FdState>> detached_;
    std::vector<Deferred> deferred_;
    // drain_receive() results waiting for the next run_deferred(): independent of FdState,
    // which may be forgotten once its receive has ended.
    struct Drained {
        SocketHandler* handler;
        std::string unread;
        bool ended;
        int status;
    };
    std::vector<Drained> drained_;
    void finish_drain(FdState& f);
    uint64_t next_serial_ = 1;

    TimerQueue timers_;
    int wake_fd_ = -1;
    uint64_t wake_value_ = 0;
    WakeHandler* wake_handler_ = nullptr;
    bool stop_requested_ = false;
    LoopStats stats_{};
};

}  // namespace ringmaster
