// The event loop every worker drives: one completion-style interface, two backends
// (io_uring, epoll). Callers start operations and are told of their outcome through
// handler interfaces registered with the operation; nothing here knows about PHP.
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace ringmaster {

enum class LoopBackend { automatic, io_uring, epoll };

const char* backend_name(LoopBackend b);
// Parses "auto" | "io_uring" | "epoll"; returns false for anything else.
bool parse_backend(std::string_view text, LoopBackend* out);

// Receives the outcome of a multishot accept on a listening socket.
class AcceptHandler {
public:
    virtual ~AcceptHandler() = default;
    // A new connection; the handler owns `fd` (non-blocking, close-on-exec).
    virtual void on_accept(int fd) = 0;
    // accept failed with -errno (EMFILE, ENFILE, ...); accepting continues unless stopped.
    virtual void on_accept_error(int error) = 0;
    // Accepting on this socket has ended after stop_accept(): no on_accept follows.
    virtual void on_accept_stopped() {}
};

// Receives the outcome of operations on one connected socket.
class SocketHandler {
public:
    virtual ~SocketHandler() = default;
    // Bytes received; `data` is valid only during the call (it lives in a loop-owned buffer).
    virtual void on_receive(const char* data, size_t len) = 0;
    // Receiving ended: 0 when the peer closed its side, -errno on error. Not called after
    // stop_receive() or cancel_all(): those end quietly.
    virtual void on_receive_end(int error) = 0;
    // The send() in flight finished: `result` bytes written (may be fewer than asked), or -errno.
    virtual void on_send_done(ssize_t result) = 0;
    // An outgoing connect() finished: 0 or -errno.
    virtual void on_connect_done(int result) { (void)result; }
    // After drain_receive(fd): no receive is in flight any more. `unread` holds the bytes that
    // left the socket after receiving stopped (now the caller's); `ended` says the stream
    // ended meanwhile, with `status` as on_receive_end would have had it.
    virtual void on_receive_drained(std::string&& unread, bool ended, int status) {
        (void)unread, (void)ended, (void)status;
    }
    // After cancel_all(fd): every operation on the fd has completed; the loop holds no more
    // reference to this handler, so it may be destroyed (and the fd closed) now.
    virtual void on_cancelled() {}
};

// Receives readiness of a plain fd (the manager channel, a signalfd): level-triggered.
class ReadableHandler {
public:
    virtual ~ReadableHandler() = default;
    virtual void on_readable() = 0;
};

class TimerHandler {
public:
    virtual ~TimerHandler() = default;
    virtual void on_timer(uint64_t timer_id) = 0;
};

// Runs in the loop thread at the start of the next iteration (used by wake()).
class WakeHandler {
public:
    virtual ~WakeHandler() = default;
    virtual void on_wake() = 0;
};

// Runs once per loop iteration, after the ready completions were handled and before the
// loop submits and waits: where sends queued by many callbacks go out as one batch.
class BeforeWaitHandler {
public:
    virtual ~BeforeWaitHandler() = default;
    virtual void before_wait() = 0;
};

struct LoopStats {
    uint64_t iterations = 0;
    uint64_t submissions = 0;  // io_uring SQEs submitted, or epoll_ctl/syscalls issued
    uint64_t timers = 0;       // live timers
};

class EventLoop {
public:
    virtual ~EventLoop() = default;

    // Creates the preferred backend. With `automatic`, io_uring is tried first and, if the
    // kernel refuses it (ENOSYS, EPERM from seccomp, io_uring_disabled), epoll is used and
    // `fallback_reason` says why. Throws std::runtime_error if the asked-for backend fails.
    static std::unique_ptr<EventLoop> create(LoopBackend preferred, std::string* fallback_reason);

    virtual LoopBackend backend() const = 0;

    // --- sockets -------------------------------------------------------------------------
    // Multishot accept until stop_accept(). One AcceptHandler per listening fd.
    virtual void start_accept(int listen_fd, AcceptHandler* handler) = 0;
    // Cancels the accept explicitly (closing an fd does not cancel io_uring requests);
    // handler->on_accept_stopped() follows once the kernel has dropped it.
    virtual void stop_accept(int listen_fd) = 0;

    // Multishot receive until the peer closes, an error, stop_receive() or cancel_all().
    virtual void start_receive(int fd, SocketHandler* handler) = 0;
    // Stops delivering data (pauseRecv); start_receive() resumes. Data already in the
    // kernel stays there.
    virtual void stop_receive(int fd) = 0;

    // Stops receiving like stop_receive(), then calls handler->on_receive_drained() from the
    // loop once the kernel holds no receive for `fd`, with any bytes already taken from the
    // socket. Afterwards every byte the peer sends is still in the socket: the fd can be
    // passed to another process (connection handover) without losing one.
    virtual void drain_receive(int fd, SocketHandler* handler) = 0;

    // Writes the iovecs (one send in flight per fd). The iovec array and the bytes it points
    // at must stay valid until handler->on_send_done().
    virtual void send(int fd, const iovec* iov, int iovcnt, SocketHandler* handler) = 0;

    // Non-blocking connect of a fresh socket; handler->on_connect_done() tells the result.
    virtual void connect(int fd, const sockaddr* addr, socklen_t len, SocketHandler* handler) = 0;

    // Cancels every operation on `fd` (accept, receive, send, connect) and calls
    // handler->on_cancelled() when all their completions have been reaped. The caller closes
    // the fd afterwards. Safe to call when nothing is in flight (on_cancelled still comes,
    // from the loop, never synchronously).
    virtual void cancel_all(int fd, SocketHandler* handler) = 0;

    // --- plain readiness -----------------------------------------------------------------
    virtual void watch_readable(int fd, ReadableHandler* handler) = 0;
    virtual void unwatch(int fd) = 0;

    // --- timers (monotonic clock) --------------------------------------------------------
    // Returns an id > 0. One-shot: a repeating timer re-adds itself from on_timer.
    virtual uint64_t add_timer(uint64_t delay_ns, TimerHandler* handler) = 0;
    // Returns false if the timer already fired or was cancelled.
    virtual bool cancel_timer(uint64_t timer_id) = 0;

    // --- running -------------------------------------------------------------------------
    // Runs until stop(). Returns normally; exceptions thrown by handlers propagate.
    virtual void run() = 0;
    // Processes what is ready, waiting at most `timeout_ms` (-1: until something happens).
    virtual void run_once(int timeout_ms) = 0;
    // Makes run() return after the current iteration. Callable from handlers.
    virtual void stop() = 0;
    // Async-signal-safe: makes the loop call handler->on_wake() soon (from signal handlers).
    virtual void wake() = 0;
    virtual void set_wake_handler(WakeHandler* handler) = 0;

    virtual LoopStats stats() const = 0;

    void set_before_wait(BeforeWaitHandler* handler) { before_wait_ = handler; }

protected:
    // Backends call this at the end of every iteration, before submitting and waiting.
    void run_before_wait() {
        if (before_wait_) before_wait_->before_wait();
    }

private:
    BeforeWaitHandler* before_wait_ = nullptr;
};

// Monotonic time in nanoseconds (CLOCK_MONOTONIC).
uint64_t monotonic_ns();

}  // namespace ringmaster
