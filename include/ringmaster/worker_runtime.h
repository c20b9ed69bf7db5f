// Everything one worker process runs on: its event loop, its listeners, the registry of its
// connections, the batch flush of queued sends, and the drain a retiring worker goes through.
// The glue drives it; it knows nothing of PHP.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "ringmaster/address.h"
#include "ringmaster/connection.h"
#include "ringmaster/event_loop.h"

namespace ringmaster {

// What a listener needs from the layer above for each accepted connection.
class ListenerHooks {
public:
    virtual ~ListenerHooks() = default;
    virtual std::unique_ptr<Codec> make_codec() = 0;
    virtual ConnectionEvents* events() = 0;
    // Applied to every accepted connection before on_connected.
    virtual void configure(Connection& c) { (void)c; }
};

class WorkerRuntime final : public ConnectionRegistry, private BeforeWaitHandler {
public:
    explicit WorkerRuntime(std::unique_ptr<EventLoop> loop);
    ~WorkerRuntime() override;

    EventLoop& loop() { return *loop_; }

    // Accepts on `listen_fd` (owned by the caller until the runtime stops accepting).
    void add_listener(int listen_fd, ListenerHooks* hooks);
    // Opens and accepts on `address` from inside the worker ($worker->listen()).
    int listen(const Address& address, bool reuse_port, ListenerHooks* hooks);
    // Serves `fd` as if `hooks`' listener had accepted it (a handed-over connection).
    Connection* accept_socket(int fd, ListenerHooks* hooks);
    // Stops every accept (a retiring worker); pending connections stay in the kernel queue
    // of the shared socket for the other workers.
    void stop_accepting();
    // Stops accepting on one listening socket ($worker->unlisten()).
    void stop_accepting_fd(int listen_fd);

    // Outgoing connection: a fresh non-blocking socket connecting to `address`.
    Connection* connect(const Address& address, std::unique_ptr<Codec> codec,
                        ConnectionEvents* events);

    Connection* find(uint64_t id) const;
    size_t connection_count() const { return connections_.size(); }
    uint64_t messages_total() const { return messages_total_; }
    void count_message() { ++messages_total_; }
    void for_each_connection(const std::function<void(Connection&)>& fn) const;

    // Retire: as each connection becomes idle it is handed over (HTTP keep-alive, when a
    // sink is set: the replacement takes the socket) or closed the way its protocol says
    // goodbye; `on_drained` runs once none is left (at once when there are none).
    // Connections still busy at the deadline are destroyed. deadline_ms 0 = no deadline.
    void begin_drain(unsigned deadline_ms, std::function<void()> on_drained);
    bool draining() const { return draining_; }
    // Where idle keep-alive connections go during a drain (null: they are closed).
    void set_handover_sink(HandoverSink* sink) { handover_sink_ = sink; }
    // Answers sent now must end their connection (draining with nobody to hand over to).
    bool closes_keep_alive() const { return draining_ && !handover_sink_; }

    // Destroys every connection (stop): their onClose still runs.
    void destroy_all();

    void run() { loop_->run(); }
    void stop() { loop_->stop(); }

    // ConnectionRegistry
    void connection_ended(Connection& c) override;
    void schedule_flush(Connection& c) override;
    void connection_idle(Connection& c) override;
    // Submits sends queued during the current callback (also called before the loop waits).
    void flush_pending();

private:
    class Listener;
    void before_wait() override { flush_pending(); }
    void drain_step();
    void retire_idle(Connection& c);
    Connection* adopt(int fd, std::unique_ptr<Codec> codec, ConnectionEvents* events);

    std::unique_ptr<EventLoop> loop_;
    std::vector<std::unique_ptr<Listener>> listeners_;
    std::unordered_map<uint64_t, std::unique_ptr<Connection>> connections_;
    std::vector<Connection*> to_flush_;
    uint64_t next_id_ = 1;
    uint64_t messages_total_ = 0;

    bool draining_ = false;
    uint64_t drain_deadline_ns_ = 0;
    std::function<void()> on_drained_;
    HandoverSink* handover_sink_ = nullptr;
    class DrainTimer;
    std::unique_ptr<DrainTimer> drain_timer_;
};

}  // namespace ringmaster
