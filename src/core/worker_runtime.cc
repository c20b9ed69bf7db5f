// WorkerRuntime: listeners, the connection registry and the drain of a retiring worker.
#include "ringmaster/worker_runtime.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "ringmaster/log.h"

namespace ringmaster {

// Accepts on one listening socket and hands each new socket to a Connection.
class WorkerRuntime::Listener final : public AcceptHandler {
public:
    Listener(WorkerRuntime& rt, int fd, ListenerHooks* hooks) : rt_(rt), fd_(fd), hooks_(hooks) {}
    void start() {
        accepting_ = true;
        rt_.loop().start_accept(fd_, this);
    }
    void stop() {
        if (!accepting_) return;
        accepting_ = false;
        stop_pending_ = true;
        rt_.loop().stop_accept(fd_);
    }
    // Until the kernel has dropped the accept, it holds the listening socket: a worker that
    // exited now would leave it accepting after the master closed its copy.
    void on_accept_stopped() override {
        stop_pending_ = false;
        rt_.drain_step();
    }
    bool stop_pending() const { return stop_pending_; }
    void on_accept(int fd) override {
        // Also after stop(): accepted before the cancel took effect, so served, not reset.
        rt_.accept_socket(fd, hooks_);
    }
    void on_accept_error(int error) override {
        // EMFILE/ENFILE: the backlog keeps the client waiting; say so once per burst.
        if (error != -last_error_) log_warning(std::string("accept failed: ") + strerror(-error));
        last_error_ = -error;
    }
    int fd() const { return fd_; }
    bool owned = false;  // opened by listen() inside the worker: closed by the runtime

private:
    WorkerRuntime& rt_;
    int fd_;
    ListenerHooks* hooks_;
    bool accepting_ = false;
    bool stop_pending_ = false;
    int last_error_ = 0;
};

// Fires periodically while draining, and once more at the deadline.
class WorkerRuntime::DrainTimer final : public TimerHandler {
public:
    explicit DrainTimer(WorkerRuntime& rt) : rt_(rt) {}
    void on_timer(uint64_t) override {
        id = 0;
        rt_.drain_step();
    }
    uint64_t id = 0;

private:
    WorkerRuntime& rt_;
};

WorkerRuntime::WorkerRuntime(std::unique_ptr<EventLoop> loop) : loop_(std::move(loop)) {
    loop_->set_before_wait(this);
}

WorkerRuntime::~WorkerRuntime() {
    loop_->set_before_wait(nullptr);
    for (auto& l : listeners_)
        if (l->owned) ::close(l->fd());
}

void WorkerRuntime::add_listener(int listen_fd, ListenerHooks* hooks) {
    listeners_.push_back(std::make_unique<Listener>(*this, listen_fd, hooks));
    listeners_.back()->start();
}

int WorkerRuntime::listen(const Address& address, bool reuse_port, ListenerHooks* hooks) {
    ListenOptions opts;
    opts.reuse_port = reuse_port;
    int fd = open_listen_socket(address, opts);
    add_listener(fd, hooks);
    listeners_.back()->owned = true;
    return fd;
}

void WorkerRuntime::stop_accepting() {
    for (auto& l : listeners_) l->stop();
}

void WorkerRuntime::stop_accepting_fd(int listen_fd) {
    for (auto it = listeners_.begin(); it != listeners_.end(); ++it)
        if ((*it)->fd() == listen_fd) {
            (*it)->stop();
            return;
        }
}

Connection* WorkerRuntime::accept_socket(int fd, ListenerHooks* hooks) {
    Connection* c = adopt(fd, hooks->make_codec(), hooks->events());
    hooks->configure(*c);
    c->start_accepted();
    return c;
}

Connection* WorkerRuntime::adopt(int fd, std::unique_ptr<Codec> codec, ConnectionEvents* events) {
    uint64_t id = next_id_++;
    auto conn = std::make_unique<Connection>(id, fd, *loop_, std::move(codec), events, this);
    Connection* raw = conn.get();
    connections_.emplace(id, std::move(conn));
    return raw;
}

Connection* WorkerRuntime::connect(const Address& address, std::unique_ptr<Codec> codec,
                                   ConnectionEvents* events) {
    sockaddr_storage ss;
    socklen_t len = address.to_sockaddr(&ss);
    int fd = ::socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error(std::string("socket() failed: ") + strerror(errno));
    Connection* c = adopt(fd, std::move(codec), events);
    c->start_connect(reinterpret_cast<sockaddr*>(&ss), len);
    return c;
}

Connection* WorkerRuntime::find(uint64_t id) const {
    auto it = connections_.find(id);
    return it == connections_.end() ? nullptr : it->second.get();
}

void WorkerRuntime::for_each_connection(const std::function<void(Connection&)>& fn) const {
    for (auto& [id, c] : connections_) fn(*c);
}

void WorkerRuntime::connection_ended(Connection& c) {
    // Drop it from the flush list first: it may have been scheduled in this same iteration.
    for (auto& p : to_flush_)
        if (p == &c) p = nullptr;
    connections_.erase(c.id());
    if (draining_ && connections_.empty()) drain_step();
}

void WorkerRuntime::schedule_flush(Connection& c) { to_flush_.push_back(&c); }

void WorkerRuntime::flush_pending() {
    // flush() can schedule nothing new (it only submits), so one pass is enough; index-based
    // because a callback run from flush could append.
    for (size_t i = 0; i < to_flush_.size(); ++i)
        if (to_flush_[i]) to_flush_[i]->flush();
    to_flush_.clear();
}

// ---- drain ----------------------------------------------------------------------------------

void WorkerRuntime::begin_drain(unsigned deadline_ms, std::function<void()> on_drained) {
    if (draining_) return;
    draining_ = true;
    on_drained_ = std::move(on_drained);
    drain_deadline_ns_ = deadline_ms ? monotonic_ns() + uint64_t(deadline_ms) * 1000000 : 0;
    drain_timer_ = std::make_unique<DrainTimer>(*this);
    stop_accepting();
    drain_step();
}

void WorkerRuntime::drain_step() {
    if (!draining_ || !on_drained_) return;
    bool past_deadline = drain_deadline_ns_ && monotonic_ns() >= drain_deadline_ns_;
    // Collect first: retiring a connection never frees it synchronously, but the map is
    // clearer left alone while we walk it.
    std::vector<Connection*> due;
    for (auto& [id, c] : connections_) {
        if (c->state() == ConnectionState::closed) continue;
        if (past_deadline || c->idle()) due.push_back(c.get());
    }
    for (Connection* c : due) {
        if (past_deadline)
            c->destroy();
        else
            retire_idle(*c);
    }
    bool accepts_ending = false;
    for (auto& l : listeners_) accepts_ending = accepts_ending || l->stop_pending();
    if (connections_.empty() && (past_deadline || !accepts_ending)) {
        auto done = std::move(on_drained_);
        on_drained_ = nullptr;
        if (drain_timer_->id) loop_->cancel_timer(drain_timer_->id);
        done();
        return;
    }
    // A connection that empties its send queue says so (connection_idle); one that goes idle
    // otherwise (a message answered with nothing) is found by this 5 ms poll. Draining is
    // rare and short, so the poll costs nothing measurable.
    if (!drain_timer_->id) drain_timer_->id = loop_->add_timer(5 * 1000000, drain_timer_.get());
}

void WorkerRuntime::connection_idle(Connection& c) {
    if (draining_ && on_drained_) retire_idle(c);
}

// An idle connection of a retiring worker: keep-alive HTTP goes to the replacement with its
// socket untouched, so a request the client is sending right now is not lost; everything
// else is closed at a message boundary.
void WorkerRuntime::retire_idle(Connection& c) {
    if (c.state() != ConnectionState::established || c.handing_over()) return;
    if (handover_sink_ && c.codec().kind() == ProtocolKind::http) {
        c.begin_handover(handover_sink_);
        return;
    }
    c.close_gracefully(/*restarting=*/true);
}

void WorkerRuntime::destroy_all() {
    std::vector<Connection*> all;
    for (auto& [id, c] : connections_) all.push_back(c.get());
    for (Connection* c : all) c->destroy();
}

}  // namespace ringmaster
