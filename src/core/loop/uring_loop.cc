#include "uring_loop.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace ringmaster {

namespace {

// user_data encoding: a pointer to the Op record embedded in the fd's FdState, or one of
// these small constants (no heap pointer is ever this low) for loop-internal requests.
constexpr uint64_t kIgnoreTag = 1;  // cancel requests: their own CQE carries nothing we need
constexpr uint64_t kWakeTag = 2;    // the read on the wake eventfd

// Ring sizes. 256 SQEs is far more than one iteration queues for a worker; the CQ is 16x
// larger because multishot requests post many CQEs per SQE and a burst must not overflow.
constexpr unsigned kSqEntries = 256;
constexpr unsigned kCqEntries = 4096;

// Receive buffers: 512 x 16 KiB = 8 MiB per worker. 16 KiB holds a whole typical HTTP request
// and a maximal TLS record in one CQE; 512 lets that many connections each land a buffer in
// one iteration before the ring runs dry (-ENOBUFS only costs a re-arm). Buffers go back to
// the ring as soon as on_receive returns, so the ring only needs to cover one batch of CQEs.
constexpr unsigned kBufferCount = 512;  // must be a power of two (ring mask)
constexpr unsigned kBufferSize = 16 * 1024;
constexpr int kBufferGroup = 0;

enum DeferredKind { kCancelled, kFlushReceive, kReadableAgain };

std::string errno_text(int err) { return std::strerror(err); }

}  // namespace

struct UringLoop::FdState {
    int fd = -1;
    uint64_t serial = 0;  // tells a reused fd number from the state deferred work refers to
    bool detached = false;
    int inflight = 0;  // SQEs whose final CQE has not been reaped yet
    Op accept{OpKind::accept};
    Op recv{OpKind::recv};
    Op send{OpKind::send};
    Op connect{OpKind::connect};
    Op poll{OpKind::poll};

    AcceptHandler* accept_handler = nullptr;
    bool accepting = false;
    bool accept_stop_pending = false;

    SocketHandler* recv_handler = nullptr;
    bool receiving = false;
    // Bytes the kernel handed over after stop_receive() but before the cancel took effect:
    // they have left the socket, so they are kept and delivered first on start_receive().
    std::string stash;
    bool stash_ended = false;  // the stream ended (stash_status) while stopped
    int stash_status = 0;
    bool flush_scheduled = false;

    SocketHandler* send_handler = nullptr;
    msghdr msg{};
    SocketHandler* connect_handler = nullptr;
    sockaddr_storage peer{};  // copied: the SQE is only submitted at the next iteration

    ReadableHandler* readable = nullptr;
    bool readable_scheduled = false;

    SocketHandler* cancel_handler = nullptr;
    SocketHandler* drain_handler = nullptr;  // drain_receive() waiting for the recv to end
};

struct UringLoop::Deferred {
    int kind;
    int fd;
    uint64_t serial;
    SocketHandler* handler;  // kCancelled only
};

// ---- setup ----------------------------------------------------------------------------------

std::unique_ptr<UringLoop> UringLoop::create(std::string* error) {
    std::unique_ptr<UringLoop> loop(new UringLoop());
    std::string why;
    if (loop->setup(&why) != 0) {
        if (error) *error = why;
        return nullptr;
    }
    return loop;
}

int UringLoop::setup(std::string* error) {
    const char* forced = std::getenv("RINGMASTER_FORCE_URING_FAILURE");
    if (forced && std::strcmp(forced, "1") == 0) {
        *error = errno_text(EPERM);
        return -EPERM;
    }
    // Newest first; the kernel answers EINVAL for flags it does not know.
    // DEFER_TASKRUN (6.1) runs completions only when we enter the ring: no IPIs, no
    // surprise work. COOP_TASKRUN (5.19) is the next best. SUBMIT_ALL keeps one bad SQE from
    // leaving the rest of the batch unsubmitted.
    const unsigned base = IORING_SETUP_CQSIZE | IORING_SETUP_SUBMIT_ALL;
    const unsigned attempts[] = {
        base | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
        base | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN,
        base | IORING_SETUP_COOP_TASKRUN,
        IORING_SETUP_CQSIZE,
    };
    int ret = -EINVAL;
    for (unsigned flags : attempts) {
        io_uring_params params{};
        params.flags = flags;
        params.cq_entries = kCqEntries;
        ret = io_uring_queue_init_params(kSqEntries, &ring_, &params);
        if (ret == 0) {
            setup_flags_ = flags;
            break;
        }
        if (ret != -EINVAL) break;
    }
    if (ret != 0) {
        *error = errno_text(-ret);
        return ret;
    }
    ring_ready_ = true;

    // Multishot receive arrived in 6.0 together with SEND_ZC; the opcode is the probe we have.
    io_uring_probe* probe = io_uring_get_probe_ring(&ring_);
    const bool recent = probe && io_uring_opcode_supported(probe, IORING_OP_SEND_ZC);
    if (probe) io_uring_free_probe(probe);
    if (!recent) {
        *error = "kernel lacks multishot receive (needs Linux 6.0)";
        return -ENOTSUP;
    }

    const size_t ring_bytes = kBufferCount * sizeof(io_uring_buf);
    void* ring_mem = mmap(nullptr, ring_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                          -1, 0);
    if (ring_mem == MAP_FAILED) {
        *error = errno_text(errno);
        return -errno;
    }
    buf_ring_ = static_cast<io_uring_buf_ring*>(ring_mem);
    buffers_ = static_cast<char*>(std::malloc(size_t(kBufferCount) * kBufferSize));
    if (!buffers_) {
        *error = errno_text(ENOMEM);
        return -ENOMEM;
    }
    io_uring_buf_reg reg{};
    reg.ring_addr = reinterpret_cast<uint64_t>(ring_mem);
    reg.ring_entries = kBufferCount;
    reg.bgid = kBufferGroup;
    ret = io_uring_register_buf_ring(&ring_, &reg, 0);
    if (ret != 0) {
        *error = "provided buffer ring: " + errno_text(-ret);
        return ret;
    }
    io_uring_buf_ring_init(buf_ring_);
    for (unsigned bid = 0; bid < kBufferCount; ++bid)
        io_uring_buf_ring_add(buf_ring_, buffers_ + size_t(bid) * kBufferSize, kBufferSize, bid,
                              io_uring_buf_ring_mask(kBufferCount), int(bid));
    io_uring_buf_ring_advance(buf_ring_, kBufferCount);

    // Blocking on purpose: io_uring would fail a read on an O_NONBLOCK eventfd with -EAGAIN
    // instead of waiting; wake() only ever adds 1, so its write never blocks.
    wake_fd_ = eventfd(0, EFD_CLOEXEC);
    if (wake_fd_ < 0) {
        *error = errno_text(errno);
        return -errno;
    }
    arm_wake();
    return 0;
}

UringLoop::~UringLoop() {
    // Tearing the ring down cancels every request, so the records below can go afterwards.
    if (ring_ready_) io_uring_queue_exit(&ring_);
    if (buf_ring_) munmap(buf_ring_, kBufferCount * sizeof(io_uring_buf));
    std::free(buffers_);
    if (wake_fd_ >= 0) close(wake_fd_);
}

// ---- submission helpers ---------------------------------------------------------------------

io_uring_sqe* UringLoop::next_sqe() {
    io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
    if (!sqe) {
        // The SQ is full: hand this batch to the kernel early rather than fail the caller.
        io_uring_submit(&ring_);
        sqe = io_uring_get_sqe(&ring_);
        if (!sqe) throw std::runtime_error("io_uring submission queue full");
    }
    ++stats_.submissions;
    return sqe;
}

io_uring_sqe* UringLoop::prep_op(Op& op) {
    io_uring_sqe* sqe = next_sqe();
    op.armed = true;
    ++op.owner->inflight;
    return sqe;  // the caller preps it, then set_data64 must follow: done in each arm_*
}

void UringLoop::prep_cancel_op(const Op& op) {
    io_uring_sqe* sqe = next_sqe();
    io_uring_prep_cancel64(sqe, reinterpret_cast<uint64_t>(&op), 0);
    io_uring_sqe_set_data64(sqe, kIgnoreTag);
}

UringLoop::FdState* UringLoop::find(int fd) {
    auto it = fds_.find(fd);
    return it == fds_.end() ? nullptr : it->second.get();
}

UringLoop::FdState& UringLoop::state(int fd) {
    auto& slot = fds_[fd];
    if (!slot) {
        slot = std::make_unique<FdState>();
        slot->fd = fd;
        slot->serial = next_serial_++;
        for (Op* op : {&slot->accept, &slot->recv, &slot->send, &slot->connect, &slot->poll})
            op->owner = slot.get();
    }
    return *slot;
}

void UringLoop::arm_accept(FdState& f) {
    // One accept per request, re-armed from its completion, on purpose: several workers wait
    // on one listening socket, and the kernel wakes only the first waiter per connection. A
    // multishot accept never leaves the head of that queue, so one worker would take every
    // connection; a re-armed accept queues up behind the other workers, and they take turns.
    io_uring_sqe* sqe = prep_op(f.accept);
    io_uring_prep_accept(sqe, f.fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    io_uring_sqe_set_data64(sqe, reinterpret_cast<uint64_t>(&f.accept));
}

void UringLoop::arm_recv(FdState& f) {
    io_uring_sqe* sqe = prep_op(f.recv);
    io_uring_prep_recv_multishot(sqe, f.fd, nullptr, 0, 0);
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = kBufferGroup;
    io_uring_sqe_set_data64(sqe, reinterpret_cast<uint64_t>(&f.recv));
}

void UringLoop::arm_poll(FdState& f) {
    io_uring_sqe* sqe = prep_op(f.poll);
    io_uring_prep_poll_multishot(sqe, f.fd, POLLIN);
    io_uring_sqe_set_data64(sqe, reinterpret_cast<uint64_t>(&f.poll));
}

void UringLoop::arm_wake() {
    io_uring_sqe* sqe = next_sqe();
    io_uring_prep_read(sqe, wake_fd_, &wake_value_, sizeof wake_value_, 0);
    io_uring_sqe_set_data64(sqe, kWakeTag);
}

void UringLoop::recycle_buffer(unsigned bid) {
    io_uring_buf_ring_add(buf_ring_, buffers_ + size_t(bid) * kBufferSize, kBufferSize, bid,
                          io_uring_buf_ring_mask(kBufferCount), 0);
    io_uring_buf_ring_advance(buf_ring_, 1);
}

// ---- operations -----------------------------------------------------------------------------

void UringLoop::start_accept(int listen_fd, AcceptHandler* handler) {
    FdState& f = state(listen_fd);
    f.accept_handler = handler;
    if (f.accepting) return;
    f.accepting = true;
    // If a stopped accept is still winding down, its final CQE re-arms (accepting is true).
    if (!f.accept.armed) arm_accept(f);
}

void UringLoop::stop_accept(int listen_fd) {
    FdState* f = find(listen_fd);
    if (!f || !f->accepting) return;
    f->accepting = false;
    f->accept_stop_pending = true;
    // accepting implies an armed accept: its final CQE (-ECANCELED) reports the stop.
    prep_cancel_op(f->accept);
}

void UringLoop::start_receive(int fd, SocketHandler* handler) {
    FdState& f = state(fd);
    f.recv_handler = handler;
    if (f.receiving) return;
    f.receiving = true;
    if (!f.stash.empty() || f.stash_ended) {
        schedule(kFlushReceive, f);  // never call the handler from inside start_receive
    } else if (!f.recv.armed) {
        arm_recv(f);
    }
    // else: the stopped multishot has not ended yet; its CQEs now deliver again and its final
    // CQE re-arms.
}

void UringLoop::stop_receive(int fd) {
    FdState* f = find(fd);
    if (!f || !f->receiving) return;
    f->receiving = false;
    if (f->recv.armed) prep_cancel_op(f->recv);
}

void UringLoop::drain_receive(int fd, SocketHandler* handler) {
    FdState* f = find(fd);
    if (!f) {
        drained_.push_back(Drained{handler, {}, false, 0});
        return;
    }
    f->receiving = false;
    f->drain_handler = handler;
    // The multishot may still post data after the cancel is submitted: those bytes go to the
    // stash (receiving is off), and the recv's final CQE hands them over in finish_drain().
    if (f->recv.armed)
        prep_cancel_op(f->recv);
    else
        finish_drain(*f);
}

void UringLoop::finish_drain(FdState& f) {
    Drained d{f.drain_handler, std::move(f.stash), f.stash_ended, f.stash_status};
    f.drain_handler = nullptr;
    f.stash.clear();
    f.stash_ended = false;
    drained_.push_back(std::move(d));
}

void UringLoop::send(int fd, const iovec* iov, int iovcnt, SocketHandler* handler) {
    FdState& f = state(fd);
    if (f.send.armed) throw std::logic_error("ringmaster: a send is already in flight on this fd");
    f.send_handler = handler;
    io_uring_sqe* sqe = prep_op(f.send);
    if (iovcnt == 1) {
        // One buffer (the common small answer): IORING_OP_SEND skips the iovec import.
        io_uring_prep_send(sqe, fd, iov[0].iov_base, iov[0].iov_len, MSG_NOSIGNAL);
    } else {
        f.msg = msghdr{};
        f.msg.msg_iov = const_cast<iovec*>(iov);
        f.msg.msg_iovlen = size_t(iovcnt);
        io_uring_prep_sendmsg(sqe, fd, &f.msg, MSG_NOSIGNAL);
    }
    io_uring_sqe_set_data64(sqe, reinterpret_cast<uint64_t>(&f.send));
}

void UringLoop::connect(int fd, const sockaddr* addr, socklen_t len, SocketHandler* handler) {
    FdState& f = state(fd);
    if (len > sizeof f.peer) throw std::invalid_argument("ringmaster: sockaddr too long");
    if (f.connect.armed) throw std::logic_error("ringmaster: a connect is already in flight");
    f.connect_handler = handler;
    std::memcpy(&f.peer, addr, len);
    io_uring_sqe* sqe = prep_op(f.connect);
    io_uring_prep_connect(sqe, fd, reinterpret_cast<sockaddr*>(&f.peer), len);
    io_uring_sqe_set_data64(sqe, reinterpret_cast<uint64_t>(&f.connect));
}

void UringLoop::cancel_all(int fd, SocketHandler* handler) {
    // A drain_receive() still to be told is moot now: the handler hears on_cancelled only.
    std::erase_if(drained_, [&](const Drained& d) { return d.handler == handler; });
    auto it = fds_.find(fd);
    if (it == fds_.end()) {
        deferred_.push_back(Deferred{kCancelled, fd, 0, handler});
        return;
    }
    std::unique_ptr<FdState> owned = std::move(it->second);
    fds_.erase(it);
    FdState& f = *owned;
    f.detached = true;
    f.cancel_handler = handler;
    f.accepting = f.receiving = false;
    f.readable = nullptr;
    if (f.inflight > 0) {
        io_uring_sqe* sqe = next_sqe();
        io_uring_prep_cancel_fd(sqe, fd, IORING_ASYNC_CANCEL_ALL);
        io_uring_sqe_set_data64(sqe, kIgnoreTag);
    }
    // on_cancelled is queued by reap_detached() once inflight reaches 0, from the loop.
    detached_.push_back(std::move(owned));
}

void UringLoop::watch_readable(int fd, ReadableHandler* handler) {
    FdState& f = state(fd);
    const bool was_watching = f.readable != nullptr;
    f.readable = handler;
    if (!was_watching && !f.poll.armed) arm_poll(f);
}

void UringLoop::unwatch(int fd) {
    FdState* f = find(fd);
    if (!f || !f->readable) return;
    f->readable = nullptr;
    if (f->poll.armed) prep_cancel_op(f->poll);
}

uint64_t UringLoop::add_timer(uint64_t delay_ns, TimerHandler* handler) {
    return timers_.add(monotonic_ns() + delay_ns, handler);
}

bool UringLoop::cancel_timer(uint64_t timer_id) { return timers_.cancel(timer_id); }

void UringLoop::wake() {
    const int saved = errno;  // async-signal-safe: write(2) only, errno preserved
    const uint64_t one = 1;
    ssize_t ignored = write(wake_fd_, &one, sizeof one);
    (void)ignored;
    errno = saved;
}

LoopStats UringLoop::stats() const {
    LoopStats s = stats_;
    s.timers = timers_.size();
    return s;
}

// ---- running --------------------------------------------------------------------------------

void UringLoop::run() {
    while (!stop_requested_) run_once(-1);
    stop_requested_ = false;
}

void UringLoop::run_once(int timeout_ms) {
    ++stats_.iterations;
    // Sends queued by the previous iteration's callbacks go out together, before we wait.
    run_before_wait();
    bool pending = !deferred_.empty() || !drained_.empty();
    for (const auto& f : detached_) pending = pending || f->inflight == 0;
    const int64_t budget =
        pending ? 0 : wait_budget_ns(timeout_ms, timers_.next_deadline(), monotonic_ns());

    // One io_uring_enter: submits everything queued since the last iteration and waits.
    io_uring_cqe* cqe = nullptr;
    int ret;
    if (budget < 0) {
        ret = io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, nullptr, nullptr);
    } else {
        __kernel_timespec ts{};
        ts.tv_sec = budget / 1000000000;
        ts.tv_nsec = budget % 1000000000;
        ret = io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &ts, nullptr);
    }
    // ETIME: the wait ran out (a timer is due); EINTR: a signal, whose handler may have
    // called wake(); EBUSY/EAGAIN: the kernel is short of room and we retry next iteration.
    if (ret < 0 && ret != -ETIME && ret != -EINTR && ret != -EBUSY && ret != -EAGAIN)
        throw std::system_error(-ret, std::generic_category(), "io_uring_submit_and_wait");

    reap_completions();
    reap_detached();
    run_deferred();
    timers_.run_due(monotonic_ns());
}

void UringLoop::reap_completions() {
    // Only what is ready now: completions posted by handlers' new requests wait for the next
    // iteration, which keeps one busy connection from starving timers and the rest.
    unsigned ready = io_uring_cq_ready(&ring_);
    while (ready-- > 0) {
        io_uring_cqe* cqe = nullptr;
        if (io_uring_peek_cqe(&ring_, &cqe) != 0 || !cqe) break;
        const uint64_t user_data = cqe->user_data;
        const int res = cqe->res;
        const uint32_t flags = cqe->flags;
        io_uring_cqe_seen(&ring_, cqe);  // before the handler, which may throw
        dispatch(user_data, res, flags);
    }
}

void UringLoop::dispatch(uint64_t user_data, int res, uint32_t flags) {
    if (user_data == kIgnoreTag) return;
    if (user_data == kWakeTag) {
        arm_wake();  // re-armed first so an exception from on_wake cannot lose wake-ups
        if (wake_handler_) wake_handler_->on_wake();
        return;
    }
    Op& op = *reinterpret_cast<Op*>(user_data);
    FdState& f = *op.owner;
    const bool final = !(flags & IORING_CQE_F_MORE);
    if (final) {
        op.armed = false;
        --f.inflight;
    }
    switch (op.kind) {
        case OpKind::accept:
            on_accept_cqe(f, res, final);
            break;
        case OpKind::recv:
            on_recv_cqe(f, res, flags, final);
            if (!f.recv.armed && f.drain_handler && !f.detached) finish_drain(f);
            break;
        case OpKind::send:
            if (!f.detached && f.send_handler) f.send_handler->on_send_done(res);
            break;
        case OpKind::connect:
            if (!f.detached && f.connect_handler) f.connect_handler->on_connect_done(res);
            break;
        case OpKind::poll:
            on_poll_cqe(f, res, final);
            break;
    }
    release_if_idle(f);
}

void UringLoop::on_accept_cqe(FdState& f, int res, bool final) {
    // Re-arm before calling out: a handler that throws must not leave accepting half-dead.
    if (final && f.accepting && !f.detached) arm_accept(f);
    if (res >= 0) {
        // Connections accepted before the cancel took effect still go to the handler (it is
        // alive until on_accept_stopped); after cancel_all nobody owns them, so close them.
        if (f.detached || !f.accept_handler) {
            close(res);
        } else {
            f.accept_handler->on_accept(res);
        }
    } else if (res != -ECANCELED && f.accepting && !f.detached) {
        f.accept_handler->on_accept_error(res);
    }
    if (final && f.accept_stop_pending && !f.detached) {
        f.accept_stop_pending = false;
        if (f.accept_handler) f.accept_handler->on_accept_stopped();
    }
}

void UringLoop::on_recv_cqe(FdState& f, int res, uint32_t flags, bool final) {
    if (res > 0 && (flags & IORING_CQE_F_BUFFER)) {
        const unsigned bid = flags >> IORING_CQE_BUFFER_SHIFT;
        struct Recycle {  // the buffer goes back however the handler leaves
            UringLoop* loop;
            unsigned bid;
            ~Recycle() { loop->recycle_buffer(bid); }
        } recycle{this, bid};
        const char* data = buffers_ + size_t(bid) * kBufferSize;
        if (f.detached) return;
        // The multishot may have ended only because the buffer ring ran dry: re-arm before
        // the handler runs; the new SQE is submitted after this batch, so order is kept.
        if (final && f.receiving) arm_recv(f);
        if (f.receiving && f.stash.empty()) {
            f.recv_handler->on_receive(data, size_t(res));
        } else {
            f.stash.append(data, size_t(res));
            if (f.receiving) schedule(kFlushReceive, f);
        }
        return;
    }
    if (f.detached) return;
    if (res == 0) {
        end_receive(f, 0);
    } else if (res == -ENOBUFS || res == -ECANCELED) {
        // Ran dry, or a stop_receive() took effect: resume if receiving was (re)started.
        if (final && f.receiving && !f.recv.armed) arm_recv(f);
    } else if (res < 0) {
        end_receive(f, res);
    } else if (final && f.receiving) {
        arm_recv(f);
    }
}

void UringLoop::end_receive(FdState& f, int status) {
    if (f.receiving && f.stash.empty()) {
        f.receiving = false;
        f.recv_handler->on_receive_end(status);
        return;
    }
    // Stopped (or stash still undelivered): the end is told after the bytes, on resume.
    f.stash_ended = true;
    f.stash_status = status;
    if (f.receiving) schedule(kFlushReceive, f);
}

void UringLoop::on_poll_cqe(FdState& f, int res, bool final) {
    if (f.detached) return;
    // -ECANCELED ends an unwatch()ed poll; re-arm if the fd was watched again meanwhile.
    // Any other error is final for this fd: the handler's read will see it.
    if (final && f.readable && (res >= 0 || res == -ECANCELED)) arm_poll(f);
    if (res != -ECANCELED && f.readable) notify_readable(f);
}

void UringLoop::notify_readable(FdState& f) {
    f.readable->on_readable();
    // A multishot poll only fires on new wake-ups; the contract is level-triggered, so if the
    // handler left data behind, tell it again next iteration (one poll(2) per event; these
    // fds carry control traffic, not the data path).
    if (!f.readable || f.readable_scheduled) return;
    pollfd p{f.fd, POLLIN, 0};
    if (::poll(&p, 1, 0) > 0) schedule(kReadableAgain, f);
}

void UringLoop::schedule(int kind, FdState& f) {
    if (kind == kFlushReceive) {
        if (f.flush_scheduled) return;
        f.flush_scheduled = true;
    } else if (kind == kReadableAgain) {
        f.readable_scheduled = true;
    }
    deferred_.push_back(Deferred{kind, f.fd, f.serial, nullptr});
}

void UringLoop::run_deferred() {
    std::vector<Drained> drained;
    drained.swap(drained_);
    for (Drained& d : drained) d.handler->on_receive_drained(std::move(d.unread), d.ended, d.status);
    // Items queued while these run wait for the next iteration (which then does not block).
    std::vector<Deferred> batch;
    batch.swap(deferred_);
    for (size_t i = 0; i < batch.size(); ++i) {
        const Deferred d = batch[i];
        if (d.kind == kCancelled) {
            if (d.handler) d.handler->on_cancelled();
            continue;
        }
        FdState* f = find(d.fd);
        if (!f || f->serial != d.serial) continue;  // cancelled or replaced meanwhile
        if (d.kind == kFlushReceive) {
            f->flush_scheduled = false;
            flush_stash(*f);
        } else {
            f->readable_scheduled = false;
            if (f->readable) notify_readable(*f);
        }
        release_if_idle(*f);
    }
}

void UringLoop::flush_stash(FdState& f) {
    if (!f.receiving) return;
    if (!f.stash.empty()) {
        std::string data;
        data.swap(f.stash);
        f.recv_handler->on_receive(data.data(), data.size());
        if (!f.receiving || !f.stash.empty()) return;  // stopped again, or more arrived
    }
    if (f.stash_ended) {
        f.stash_ended = false;
        f.receiving = false;
        f.recv_handler->on_receive_end(f.stash_status);
    } else if (!f.recv.armed) {
        arm_recv(f);
    }
}

void UringLoop::reap_detached() {
    for (size_t i = 0; i < detached_.size();) {
        if (detached_[i]->inflight > 0) {
            ++i;
            continue;
        }
        deferred_.push_back(Deferred{kCancelled, detached_[i]->fd, 0, detached_[i]->cancel_handler});
        detached_[i] = std::move(detached_.back());
        detached_.pop_back();
    }
}

void UringLoop::release_if_idle(FdState& f) {
    // Forget an fd nothing is happening on, so a reused fd number starts clean.
    if (f.detached || f.inflight > 0 || f.accepting || f.accept_stop_pending || f.receiving ||
        f.readable || !f.stash.empty() || f.stash_ended || f.flush_scheduled ||
        f.readable_scheduled)
        return;
    fds_.erase(f.fd);
}

}  // namespace ringmaster
