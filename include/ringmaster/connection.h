// One TCP (or unix) connection in a worker: its socket, its codec, its queue of outgoing
// chunks and its lifecycle. It turns loop completions into events for the layer above (the
// PHP glue) and enforces the send-buffer and package limits. Accepted and outgoing
// connections share this class.
#pragma once

#include <sys/uio.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "ringmaster/codec.h"
#include "ringmaster/event_loop.h"
#include "ringmaster/out_chunk.h"
#include "ringmaster/send_queue.h"

namespace ringmaster {

class Connection;

// What the layer above hears about a connection. One implementation per Worker (accepted
// connections) or per outgoing connection.
class ConnectionEvents {
public:
    virtual ~ConnectionEvents() = default;
    virtual void on_connected(Connection& c) = 0;  // accepted, or outgoing connect succeeded
    virtual void on_message(Connection& c, std::string_view message) = 0;
    virtual void on_close(Connection& c) = 0;      // once, after the socket is closed
    // code: Workerman-compatible error codes (see ConnectionError).
    virtual void on_error(Connection& c, int code, const std::string& message) = 0;
    virtual void on_buffer_full(Connection& c) = 0;
    virtual void on_buffer_drain(Connection& c) = 0;
    // The connection object is about to be freed: drop every pointer to it.
    virtual void on_released(Connection& c) = 0;
    // http:// requests and websocket:// events; the defaults suit raw protocols.
    virtual void on_http_request(Connection& c, http::HttpRequest&& request) { (void)c, (void)request; }
    // False refuses the handshake (the callback closed the connection).
    virtual bool on_websocket_connect(Connection& c, const http::HttpRequest& request) {
        (void)c, (void)request;
        return true;
    }
    virtual void on_websocket_message(Connection& c, std::string_view message, bool binary) {
        (void)binary;
        on_message(c, message);
    }
    virtual void on_websocket_ping(Connection& c, std::string_view payload) { (void)c, (void)payload; }
    virtual void on_websocket_pong(Connection& c, std::string_view payload) { (void)c, (void)payload; }
    // ws:// client: the handshake succeeded; messages may be sent now.
    virtual void on_websocket_established(Connection& c) { (void)c; }
};

// Workerman's error codes, so onError handlers written for it keep working.
enum ConnectionError {
    kConnectFail = 1,
    kSendFail = 2,
    kProtocolError = 3,  // Ringmaster: malformed or oversized input
};

enum class ConnectionState { connecting, established, closing, closed };

struct ConnectionCounters {
    uint64_t bytes_in = 0;
    uint64_t bytes_out = 0;
    uint64_t messages_in = 0;
};

// Takes the socket of an idle connection a retiring worker gives away (connection handover).
class HandoverSink {
public:
    virtual ~HandoverSink() = default;
    // `fd` is still open and nothing is reading it; the sink passes it on (SCM_RIGHTS makes
    // a copy) and the connection closes its own copy afterwards. False: it could not, and
    // the connection is just closed.
    virtual bool hand_over(int fd, Connection& c) = 0;
};

// Called once per connection when it is freed, so the worker can drop it from its registry.
class ConnectionRegistry {
public:
    virtual ~ConnectionRegistry() = default;
    virtual void connection_ended(Connection& c) = 0;
    // Sends queued during a callback are submitted together once the callback returns.
    virtual void schedule_flush(Connection& c) = 0;
    // Everything queued has been sent and no message is half-received (a retiring worker
    // closes or hands over such connections).
    virtual void connection_idle(Connection& c) { (void)c; }
};

class Connection final : private SocketHandler, private CodecOutput {
public:
    static constexpr size_t kDefaultMaxSendBuffer = 1024 * 1024;
    static constexpr size_t kDefaultMaxPackage = 10 * 1024 * 1024;

    Connection(uint64_t id, int fd, EventLoop& loop, std::unique_ptr<Codec> codec,
               ConnectionEvents* events, ConnectionRegistry* registry);
    ~Connection() override;

    // Accepted sockets: starts receiving and reports on_connected.
    void start_accepted();
    // Outgoing sockets: starts the non-blocking connect.
    void start_connect(const sockaddr* addr, socklen_t len);

    // Queues a message framed by the codec. Returns false if it was dropped (connection
    // closing/closed, or the send buffer is full: then on_error(kSendFail) is reported).
    bool send_message(OutChunk payload);
    // Queues bytes as they are, without framing.
    bool send_raw(OutChunk bytes);
    // Sends what is queued, then closes (Workerman's close()).
    void close();
    // Closes now, dropping queued data (Workerman's destroy()).
    void destroy();
    // close(), preceded by the protocol's goodbye (WebSocket: a close frame, 1001 when
    // `restarting`, else 1000).
    void close_gracefully(bool restarting);
    // Gives this idle connection's socket to `sink` without losing a byte: stops receiving;
    // if the peer sent nothing meanwhile the socket goes to the sink, otherwise what came is
    // served here and the caller may try again once the connection is idle. False if the
    // connection is not idle now.
    bool begin_handover(HandoverSink* sink);
    bool handing_over() const { return handover_ != nullptr; }
    void pause_receive();
    void resume_receive();
    // Submits the queued chunks if nothing is in flight (called by the registry's flush).
    void flush();
    // http://: the answer to the current request is queued; the next request may come.
    void response_sent() { codec_->response_sent(*this); }

    uint64_t id() const { return id_; }
    int fd() const { return fd_; }
    ConnectionState state() const { return state_; }
    const char* state_name() const;
    bool receiving_paused() const { return paused_; }
    size_t queued_bytes() const { return queued_bytes_; }
    size_t buffered_input() const { return codec_->buffered(); }
    bool idle() const;  // nothing queued, nothing half-received
    const ConnectionCounters& counters() const { return counters_; }
    Codec& codec() { return *codec_; }
    ConnectionEvents* events() const { return events_; }
    void set_events(ConnectionEvents* events) { events_ = events; }

    size_t max_send_buffer = kDefaultMaxSendBuffer;
    void* user_data = nullptr;  // the glue's object for this connection

private:
    // SocketHandler
    void on_receive(const char* data, size_t len) override;
    void on_receive_end(int error) override;
    void on_send_done(ssize_t result) override;
    void on_connect_done(int result) override;
    void on_cancelled() override;
    void on_receive_drained(std::string&& unread, bool ended, int status) override;
    // CodecOutput
    void deliver(std::string_view message) override;
    void reply(OutChunk chunk) override;
    void protocol_error(int code, const std::string& reason) override;
    void deliver_request(http::HttpRequest&& request) override;
    bool accept_websocket(const http::HttpRequest& request) override;
    void reply_first(OutChunk chunk) override;
    void deliver_websocket(std::string_view message, bool binary) override;
    void websocket_ping(std::string_view payload) override;
    void websocket_pong(std::string_view payload) override;
    void websocket_closed(uint16_t code, std::string_view reason) override;
    void websocket_established() override;

    bool accepts_user_data();
    bool enqueue(OutChunk chunk, bool user_data_part);
    void submit_send();
    void begin_teardown();

    uint64_t id_;
    int fd_;
    EventLoop& loop_;
    std::unique_ptr<Codec> codec_;
    ConnectionEvents* events_;
    ConnectionRegistry* registry_;
    ConnectionState state_ = ConnectionState::connecting;
    ConnectionCounters counters_;

    SendQueue queue_;
    size_t queued_bytes_ = 0;
    IovArray iov_;
    static constexpr size_t kCoalesceMax = 256;  // fits one OutChunk::copy_of block
    bool send_in_flight_ = false;
    bool flush_scheduled_ = false;
    bool buffer_full_reported_ = false;
    bool paused_ = false;
    bool receiving_ = false;
    bool tearing_down_ = false;
    bool close_reported_ = false;
    HandoverSink* handover_ = nullptr;  // set while a handover is under way
    bool handed_off_ = false;           // committed: the socket goes to handover_
};

}  // namespace ringmaster
