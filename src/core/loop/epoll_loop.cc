#include "epoll_loop.h"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <stdexcept>
#include <system_error>

// Level-triggered, not edge-triggered: each ready fd gets a bounded amount of work per
// iteration (a few reads, a few dozen accepts) so one busy peer cannot starve the others, and
// whatever is left is simply reported again. Pausing a receive is just an interest change.
// Edge-triggered would force draining to EAGAIN or tracking "maybe more" per fd.

namespace ringmaster {

namespace {

constexpr size_t kRecvBufferSize = 64 * 1024;
constexpr int kReadsPerEvent = 4;     // up to 256 KiB per connection per iteration
constexpr int kAcceptsPerEvent = 64;  // a full backlog drains over a few iterations
constexpr int kMaxEvents = 256;

enum DeferredKind { kSendDone, kConnectDone, kAcceptStopped, kCancelled };

void set_nonblocking(int fd) {
    const int flags = fcntl(fd, F_GETFL);
    if (flags < 0)
        throw std::system_error(errno, std::generic_category(), "fcntl on fd " + std::to_string(fd));
    if (!(flags & O_NONBLOCK)) fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

uint64_t key_of(int fd, uint32_t serial) { return (uint64_t(serial) << 32) | uint32_t(fd); }

}  // namespace

struct EpollLoop::FdState {
    int fd = -1;
    uint32_t serial = 0;
    bool registered = false;
    uint32_t events = 0;  // what epoll watches for this fd now

    AcceptHandler* accept_handler = nullptr;
    bool accepting = false;
    bool accept_stop_pending = false;

    SocketHandler* recv_handler = nullptr;
    bool receiving = false;

    SocketHandler* send_handler = nullptr;
    bool send_busy = false;     // from send() until on_send_done
    bool send_waiting = false;  // the first attempt hit EAGAIN: retry on EPOLLOUT
    const iovec* iov = nullptr;
    int iovcnt = 0;

    SocketHandler* connect_handler = nullptr;
    bool connect_busy = false;  // from connect() until on_connect_done
    bool connecting = false;    // EINPROGRESS: the result comes with EPOLLOUT

    ReadableHandler* readable = nullptr;
};

struct EpollLoop::Deferred {
    int kind;
    int fd;
    uint32_t serial;
    ssize_t value;
    SocketHandler* handler;  // kCancelled only: the state is gone by then
};

std::unique_ptr<EpollLoop> EpollLoop::create(std::string* error) {
    std::unique_ptr<EpollLoop> loop(new EpollLoop());
    loop->epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    loop->wake_fd_ = loop->epoll_fd_ < 0 ? -1 : eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (loop->wake_fd_ >= 0) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = key_of(loop->wake_fd_, 0);
        if (epoll_ctl(loop->epoll_fd_, EPOLL_CTL_ADD, loop->wake_fd_, &ev) == 0) {
            loop->recv_buffer_.reset(new char[kRecvBufferSize]);
            return loop;
        }
    }
    if (error) *error = std::strerror(errno);
    return nullptr;
}

EpollLoop::~EpollLoop() {
    if (wake_fd_ >= 0) close(wake_fd_);
    if (epoll_fd_ >= 0) close(epoll_fd_);
}

// ---- fd bookkeeping -------------------------------------------------------------------------

EpollLoop::FdState& EpollLoop::state(int fd) {
    auto& slot = fds_[fd];
    if (!slot) {
        slot = std::make_unique<FdState>();
        slot->fd = fd;
        slot->serial = next_serial_++;
        if (next_serial_ == 0) next_serial_ = 1;
    }
    return *slot;
}

EpollLoop::FdState* EpollLoop::live(int fd, uint32_t serial) {
    auto it = fds_.find(fd);
    if (it == fds_.end() || it->second->serial != serial) return nullptr;
    return it->second.get();
}

void EpollLoop::update_interest(FdState& f) {
    uint32_t want = 0;
    if (f.accepting || f.receiving || f.readable) want |= EPOLLIN;
    if (f.connecting || f.send_waiting) want |= EPOLLOUT;
    if (want == f.events && f.registered == (want != 0)) return;
    ++stats_.submissions;
    if (want == 0) {
        // Deregister rather than keep an empty mask: epoll reports EPOLLHUP/EPOLLERR even
        // for an empty mask, which would spin a level-triggered loop on a closed peer.
        epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, f.fd, nullptr);  // ENOENT: fd closed already
        f.registered = false;
        f.events = 0;
        return;
    }
    epoll_event ev{};
    ev.events = want;
    ev.data.u64 = key_of(f.fd, f.serial);
    int rc = epoll_ctl(epoll_fd_, f.registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, f.fd, &ev);
    // The caller may have closed and reopened the fd number behind our back.
    if (rc != 0 && errno == ENOENT) rc = epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, f.fd, &ev);
    if (rc != 0 && errno == EEXIST) rc = epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, f.fd, &ev);
    if (rc != 0)
        throw std::system_error(errno, std::generic_category(),
                                "epoll_ctl on fd " + std::to_string(f.fd));
    f.registered = true;
    f.events = want;
}

void EpollLoop::release_if_idle(FdState& f) {
    if (f.accepting || f.accept_stop_pending || f.receiving || f.send_busy || f.connect_busy ||
        f.readable)
        return;
    update_interest(f);  // deregisters
    fds_.erase(f.fd);
}

void EpollLoop::defer(int kind, const FdState& f, ssize_t value) {
    deferred_.push_back(Deferred{kind, f.fd, f.serial, value, nullptr});
}

// ---- operations -----------------------------------------------------------------------------

void EpollLoop::start_accept(int listen_fd, AcceptHandler* handler) {
    // accept4 has no per-call "don't wait", and with several workers on one listening socket
    // another process may take the connection between readiness and accept: a blocking
    // socket would hang the loop. O_NONBLOCK on a shared listening socket harms no one here.
    set_nonblocking(listen_fd);
    FdState& f = state(listen_fd);
    f.accept_handler = handler;
    f.accepting = true;
    update_interest(f);
}

void EpollLoop::stop_accept(int listen_fd) {
    auto it = fds_.find(listen_fd);
    if (it == fds_.end() || !it->second->accepting) return;
    FdState& f = *it->second;
    f.accepting = false;
    f.accept_stop_pending = true;
    update_interest(f);
    defer(kAcceptStopped, f, 0);
}

void EpollLoop::start_receive(int fd, SocketHandler* handler) {
    FdState& f = state(fd);
    f.recv_handler = handler;
    f.receiving = true;
    update_interest(f);
}

void EpollLoop::stop_receive(int fd) {
    auto it = fds_.find(fd);
    if (it == fds_.end()) return;
    it->second->receiving = false;
    update_interest(*it->second);
}

void EpollLoop::drain_receive(int fd, SocketHandler* handler) {
    stop_receive(fd);  // reads happen only inside dispatch, so none is under way now
    drained_.push_back(handler);
}

void EpollLoop::send(int fd, const iovec* iov, int iovcnt, SocketHandler* handler) {
    FdState& f = state(fd);
    if (f.send_busy) throw std::logic_error("ringmaster: a send is already in flight on this fd");
    f.send_busy = true;
    f.send_handler = handler;
    f.iov = iov;
    f.iovcnt = iovcnt;
    // Try at once: most sends fit in the socket buffer and need no EPOLLOUT round trip. The
    // completion is still delivered from the loop, as io_uring would.
    ++stats_.submissions;
    ssize_t n;
    if (iovcnt == 1) {
        // One buffer (the common small answer): send(2) skips the kernel's iovec import.
        n = ::send(fd, iov[0].iov_base, iov[0].iov_len, MSG_NOSIGNAL | MSG_DONTWAIT);
    } else {
        msghdr msg{};
        msg.msg_iov = const_cast<iovec*>(iov);
        msg.msg_iovlen = size_t(iovcnt);
        n = sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    }
    if (n >= 0) {
        defer(kSendDone, f, n);
    } else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
        f.send_waiting = true;
        update_interest(f);
    } else {
        defer(kSendDone, f, -errno);
    }
}

void EpollLoop::connect(int fd, const sockaddr* addr, socklen_t len, SocketHandler* handler) {
    FdState& f = state(fd);
    if (f.connect_busy) throw std::logic_error("ringmaster: a connect is already in flight");
    set_nonblocking(fd);  // the contract promises a non-blocking connect
    f.connect_busy = true;
    f.connect_handler = handler;
    ++stats_.submissions;
    if (::connect(fd, addr, len) == 0) {
        defer(kConnectDone, f, 0);
    } else if (errno == EINPROGRESS || errno == EAGAIN || errno == EINTR) {
        f.connecting = true;
        update_interest(f);
    } else {
        defer(kConnectDone, f, -errno);
    }
}

void EpollLoop::cancel_all(int fd, SocketHandler* handler) {
    std::erase_if(drained_, [&](SocketHandler* h) { return h == handler; });
    // Nothing is in the kernel's hands here: forgetting the fd cancels everything. Deferred
    // completions for it are dropped by the serial check; on_cancelled comes from the loop.
    auto it = fds_.find(fd);
    if (it != fds_.end()) {
        FdState& f = *it->second;
        f.accepting = f.receiving = f.connecting = f.send_waiting = false;
        f.readable = nullptr;
        update_interest(f);
        fds_.erase(it);
    }
    deferred_.push_back(Deferred{kCancelled, fd, 0, 0, handler});
}

void EpollLoop::watch_readable(int fd, ReadableHandler* handler) {
    FdState& f = state(fd);
    f.readable = handler;
    update_interest(f);
}

void EpollLoop::unwatch(int fd) {
    auto it = fds_.find(fd);
    if (it == fds_.end()) return;
    it->second->readable = nullptr;
    release_if_idle(*it->second);
}

uint64_t EpollLoop::add_timer(uint64_t delay_ns, TimerHandler* handler) {
    return timers_.add(monotonic_ns() + delay_ns, handler);
}

bool EpollLoop::cancel_timer(uint64_t timer_id) { return timers_.cancel(timer_id); }

void EpollLoop::wake() {
    const int saved = errno;  // async-signal-safe: write(2) only, errno preserved
    const uint64_t one = 1;
    ssize_t ignored = write(wake_fd_, &one, sizeof one);
    (void)ignored;
    errno = saved;
}

LoopStats EpollLoop::stats() const {
    LoopStats s = stats_;
    s.timers = timers_.size();
    return s;
}

// ---- running --------------------------------------------------------------------------------

void EpollLoop::run() {
    while (!stop_requested_) run_once(-1);
    stop_requested_ = false;
}

void EpollLoop::run_once(int timeout_ms) {
    ++stats_.iterations;
    // Sends queued by the previous iteration's callbacks go out together, before we wait.
    run_before_wait();
    const int64_t budget = !deferred_.empty() || !drained_.empty()
                               ? 0
                               : wait_budget_ns(timeout_ms, timers_.next_deadline(), monotonic_ns());
    // Round up: waking a little late for a timer is fine, waking early just spins.
    int wait_ms = -1;
    if (budget >= 0) wait_ms = int(std::min<int64_t>((budget + 999999) / 1000000, INT_MAX));

    epoll_event events[kMaxEvents];
    const int n = epoll_wait(epoll_fd_, events, kMaxEvents, wait_ms);
    if (n < 0 && errno != EINTR) throw std::system_error(errno, std::generic_category(), "epoll_wait");
    for (int i = 0; i < n; ++i) dispatch(events[i].data.u64, events[i].events);

    run_deferred();
    timers_.run_due(monotonic_ns());
}

void EpollLoop::dispatch(uint64_t key, uint32_t events) {
    const int fd = int(uint32_t(key));
    const uint32_t serial = uint32_t(key >> 32);
    if (serial == 0) {  // the wake eventfd
        uint64_t count;
        while (read(wake_fd_, &count, sizeof count) > 0) {
        }
        if (wake_handler_) wake_handler_->on_wake();
        return;
    }
    // Every lookup goes through live(): an earlier handler in this batch may have cancelled
    // this fd, or even closed it and registered a new socket under the same number.
    FdState* f = live(fd, serial);
    if (!f) return;
    if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) {
        if (f->connecting || f->send_waiting) write_ready(*f);
        f = live(fd, serial);
        if (!f) return;
    }
    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLRDHUP)) {
        if (f->readable) {
            f->readable->on_readable();
        } else if (f->accepting) {
            accept_ready(fd, serial);
        } else if (f->receiving) {
            receive_ready(fd, serial);
        }
    }
    if ((f = live(fd, serial))) release_if_idle(*f);
}

void EpollLoop::write_ready(FdState& f) {
    if (f.connecting) {
        int err = 0;
        socklen_t len = sizeof err;
        if (getsockopt(f.fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
        f.connecting = false;
        f.connect_busy = false;
        update_interest(f);
        f.connect_handler->on_connect_done(-err);
        return;
    }
    msghdr msg{};
    msg.msg_iov = const_cast<iovec*>(f.iov);
    msg.msg_iovlen = size_t(f.iovcnt);
    ++stats_.submissions;
    const ssize_t n = sendmsg(f.fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    const ssize_t result = n < 0 ? -errno : n;
    f.send_waiting = false;
    f.send_busy = false;
    update_interest(f);
    f.send_handler->on_send_done(result);
}

void EpollLoop::accept_ready(int fd, uint32_t serial) {
    for (int i = 0; i < kAcceptsPerEvent; ++i) {
        ++stats_.submissions;
        const int conn = accept4(fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        FdState* f = live(fd, serial);
        if (conn >= 0) {
            if (!f || !f->accepting) {  // cannot happen: nothing ran since the check
                close(conn);
                return;
            }
            f->accept_handler->on_accept(conn);
            f = live(fd, serial);
            if (!f || !f->accepting) return;  // the handler stopped accepting
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) return;
        if (errno == EINTR || errno == ECONNABORTED) continue;  // that client gave up
        f->accept_handler->on_accept_error(-errno);
        return;
    }
}

void EpollLoop::receive_ready(int fd, uint32_t serial) {
    for (int i = 0; i < kReadsPerEvent; ++i) {
        ++stats_.submissions;
        const ssize_t n = recv(fd, recv_buffer_.get(), kRecvBufferSize, MSG_DONTWAIT);
        const int err = errno;
        FdState* f = live(fd, serial);
        if (!f || !f->receiving) return;
        if (n > 0) {
            f->recv_handler->on_receive(recv_buffer_.get(), size_t(n));
            f = live(fd, serial);
            if (!f || !f->receiving || size_t(n) < kRecvBufferSize) return;
            continue;
        }
        if (n < 0 && (err == EAGAIN || err == EWOULDBLOCK)) return;
        if (n < 0 && err == EINTR) continue;
        // End of stream: stop watching before telling the handler, which may close the fd.
        f->receiving = false;
        update_interest(*f);
        f->recv_handler->on_receive_end(n == 0 ? 0 : -err);
        return;
    }
}

void EpollLoop::run_deferred() {
    std::vector<SocketHandler*> drained;
    drained.swap(drained_);
    for (SocketHandler* h : drained) h->on_receive_drained({}, false, 0);
    // Items queued while these run wait for the next iteration (which then does not block).
    std::vector<Deferred> batch;
    batch.swap(deferred_);
    for (const Deferred& d : batch) {
        if (d.kind == kCancelled) {
            if (d.handler) d.handler->on_cancelled();
            continue;
        }
        FdState* f = live(d.fd, d.serial);
        if (!f) continue;  // cancel_all() dropped it
        switch (d.kind) {
            case kSendDone:
                f->send_busy = false;
                f->send_handler->on_send_done(d.value);
                break;
            case kConnectDone:
                f->connect_busy = false;
                f->connect_handler->on_connect_done(int(d.value));
                break;
            case kAcceptStopped:
                f->accept_stop_pending = false;
                if (f->accept_handler) f->accept_handler->on_accept_stopped();
                break;
        }
        if ((f = live(d.fd, d.serial))) release_if_idle(*f);
    }
}

}  // namespace ringmaster
