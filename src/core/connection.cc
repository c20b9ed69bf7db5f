// Connection: the send queue, back-pressure, and a teardown that never frees memory the
// kernel may still be reading (chunks in flight live until their completion or cancellation).
#include "ringmaster/connection.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ringmaster {

Connection::Connection(uint64_t id, int fd, EventLoop& loop, std::unique_ptr<Codec> codec,
                       ConnectionEvents* events, ConnectionRegistry* registry)
    : id_(id), fd_(fd), loop_(loop), codec_(std::move(codec)), events_(events),
      registry_(registry) {}

Connection::~Connection() {
    if (fd_ >= 0) ::close(fd_);
}

const char* Connection::state_name() const {
    switch (state_) {
        case ConnectionState::connecting: return "connecting";
        case ConnectionState::established: return "established";
        case ConnectionState::closing: return "closing";
        case ConnectionState::closed: return "closed";
    }
    return "?";
}

bool Connection::idle() const {
    return queued_bytes_ == 0 && !send_in_flight_ && !codec_->mid_message() && !handover_;
}

void Connection::start_accepted() {
    state_ = ConnectionState::established;
    receiving_ = true;
    loop_.start_receive(fd_, this);
    events_->on_connected(*this);
}

void Connection::start_connect(const sockaddr* addr, socklen_t len) {
    state_ = ConnectionState::connecting;
    loop_.connect(fd_, addr, len, this);
}

void Connection::on_connect_done(int result) {
    if (state_ != ConnectionState::connecting) return;
    if (result < 0) {
        events_->on_error(*this, kConnectFail, std::string("connect failed: ") + strerror(-result));
        destroy();
        return;
    }
    state_ = ConnectionState::established;
    if (!paused_) {
        receiving_ = true;
        loop_.start_receive(fd_, this);
    }
    events_->on_connected(*this);
    // Data sent before the connection was up has been waiting in the queue.
    if (queued_bytes_ && !send_in_flight_) submit_send();
}

// ---- receiving ------------------------------------------------------------------------------

void Connection::on_receive(const char* data, size_t len) {
    if (state_ != ConnectionState::established) return;
    counters_.bytes_in += len;
    codec_->feed(data, len, *this);
}

void Connection::deliver(std::string_view message) {
    // Messages decoded after close()/destroy() in the same chunk are dropped, as a closed
    // Workerman connection drops the rest of its buffer.
    if (state_ != ConnectionState::established) return;
    ++counters_.messages_in;
    events_->on_message(*this, message);
}

void Connection::reply(OutChunk chunk) { enqueue(std::move(chunk), false); }

void Connection::protocol_error(int code, const std::string& reason) {
    if (state_ != ConnectionState::established) return;
    events_->on_error(*this, kProtocolError, reason);
    (void)code;  // HTTP codecs queue their 400/413/431 reply themselves before calling this
    close();
}

void Connection::deliver_request(http::HttpRequest&& request) {
    if (state_ != ConnectionState::established) return;
    ++counters_.messages_in;
    events_->on_http_request(*this, std::move(request));
}

bool Connection::accept_websocket(const http::HttpRequest& request) {
    if (state_ != ConnectionState::established) return false;
    return events_->on_websocket_connect(*this, request) && state_ == ConnectionState::established;
}

void Connection::reply_first(OutChunk chunk) {
    // Nothing queued is in the kernel's hands yet (sends are submitted before the loop
    // waits, and none was before the handshake), so the 101 can go first.
    if (send_in_flight_ || tearing_down_) return reply(std::move(chunk));
    queued_bytes_ += chunk.size();
    queue_.push_front(std::move(chunk));
    if (!flush_scheduled_) {
        flush_scheduled_ = true;
        registry_->schedule_flush(*this);
    }
}

void Connection::deliver_websocket(std::string_view message, bool binary) {
    if (state_ != ConnectionState::established) return;
    ++counters_.messages_in;
    events_->on_websocket_message(*this, message, binary);
}

void Connection::websocket_ping(std::string_view payload) {
    if (state_ == ConnectionState::established) events_->on_websocket_ping(*this, payload);
}

void Connection::websocket_pong(std::string_view payload) {
    if (state_ == ConnectionState::established) events_->on_websocket_pong(*this, payload);
}

void Connection::websocket_closed(uint16_t, std::string_view) { close(); }

void Connection::websocket_established() {
    if (state_ == ConnectionState::established) events_->on_websocket_established(*this);
}

void Connection::on_receive_end(int /*error*/) {
    receiving_ = false;
    // The peer is gone (or the socket failed): what is still queued cannot be delivered.
    if (state_ == ConnectionState::closed) return;
    destroy();
}

void Connection::pause_receive() {
    if (paused_) return;
    paused_ = true;
    if (receiving_) {
        receiving_ = false;
        loop_.stop_receive(fd_);
    }
}

void Connection::resume_receive() {
    if (!paused_) return;
    paused_ = false;
    if (state_ == ConnectionState::established && !receiving_) {
        receiving_ = true;
        loop_.start_receive(fd_, this);
    }
}

// ---- sending --------------------------------------------------------------------------------

// Workerman's rule: a send that finds the buffer already at its limit is dropped and
// reported; the send that crosses the limit is kept and raises onBufferFull.
bool Connection::accepts_user_data() {
    if (state_ == ConnectionState::closing || state_ == ConnectionState::closed) return false;
    if (queued_bytes_ >= max_send_buffer) {
        events_->on_error(*this, kSendFail, "send buffer full and drop package");
        return false;
    }
    return true;
}

bool Connection::send_message(OutChunk payload) {
    if (!accepts_user_data()) return false;
    std::string head, tail;
    codec_->frame(std::string_view(payload.data(), payload.size()), &head, &tail);
    if (!head.empty()) enqueue(OutChunk::copy_of(head), true);
    enqueue(std::move(payload), true);
    if (!tail.empty()) enqueue(OutChunk::copy_of(tail), true);
    return true;
}

bool Connection::send_raw(OutChunk bytes) {
    return accepts_user_data() && enqueue(std::move(bytes), true);
}

bool Connection::enqueue(OutChunk chunk, bool user_data_part) {
    if (state_ == ConnectionState::closed || tearing_down_) return false;
    if (chunk.size() == 0) return true;
    queued_bytes_ += chunk.size();
    queue_.push_back(std::move(chunk));
    if (user_data_part && !buffer_full_reported_ && queued_bytes_ >= max_send_buffer) {
        buffer_full_reported_ = true;
        events_->on_buffer_full(*this);
    }
    if (!send_in_flight_ && !flush_scheduled_ && state_ != ConnectionState::connecting) {
        flush_scheduled_ = true;
        registry_->schedule_flush(*this);
    }
    return true;
}

void Connection::flush() {
    flush_scheduled_ = false;
    if (!send_in_flight_ && queued_bytes_ && !tearing_down_ &&
        state_ != ConnectionState::connecting)
        submit_send();
}

void Connection::submit_send() {
    // A small answer queued in pieces (an HTTP head and a short body, a frame header and its
    // payload) goes out as one buffer: copying a few hundred bytes costs less than the
    // kernel's handling of a multi-part send.
    if (queue_.size() > 1 && queue_.size() <= size_t(IovArray::kMax) && queued_bytes_ <= kCoalesceMax) {
        char joined[kCoalesceMax];
        iovec parts[IovArray::kMax];
        int n = queue_.fill(parts, IovArray::kMax);
        size_t at = 0;
        for (int i = 0; i < n; ++i) {
            std::memcpy(joined + at, parts[i].iov_base, parts[i].iov_len);
            at += parts[i].iov_len;
        }
        queue_.clear();
        queue_.push_back(OutChunk::copy_of(std::string_view(joined, at)));
    }
    int wanted = int(std::min<size_t>(queue_.size(), IovArray::kMax));
    iovec* iov = iov_.get(wanted);
    int n = queue_.fill(iov, wanted);
    send_in_flight_ = true;
    loop_.send(fd_, iov, n, this);
}

void Connection::on_send_done(ssize_t result) {
    send_in_flight_ = false;
    if (result < 0) {
        if (tearing_down_) return;  // cancelled
        if (state_ != ConnectionState::closed) {
            events_->on_error(*this, kSendFail, std::string("client closed: ") + strerror(-result));
            destroy();
        }
        return;
    }
    counters_.bytes_out += size_t(result);
    size_t left = size_t(result);
    queued_bytes_ -= left;
    while (left && !queue_.empty()) {
        OutChunk& front = queue_.front();
        if (front.size() <= left) {
            left -= front.size();
            queue_.pop_front();
        } else {
            front.consume(left);
            left = 0;
        }
    }
    if (tearing_down_) return;
    if (!queue_.empty()) {
        submit_send();
        return;
    }
    if (buffer_full_reported_) {
        buffer_full_reported_ = false;
        events_->on_buffer_drain(*this);
    }
    if (state_ == ConnectionState::closing && queue_.empty()) {
        begin_teardown();
        return;
    }
    if (state_ == ConnectionState::established && idle()) registry_->connection_idle(*this);
}

// ---- closing --------------------------------------------------------------------------------

void Connection::close() {
    if (state_ == ConnectionState::closed || state_ == ConnectionState::closing) return;
    bool was_connecting = state_ == ConnectionState::connecting;
    state_ = ConnectionState::closing;
    if (receiving_) {
        receiving_ = false;
        loop_.stop_receive(fd_);
    }
    if (was_connecting || (queue_.empty() && !send_in_flight_)) {
        begin_teardown();
    } else if (!send_in_flight_) {
        flush_scheduled_ = false;
        submit_send();
    }
}

void Connection::destroy() {
    if (state_ == ConnectionState::closed) return;
    if (state_ != ConnectionState::closing) state_ = ConnectionState::closing;
    begin_teardown();
}

void Connection::close_gracefully(bool restarting) {
    std::string bye = codec_->goodbye(restarting);
    if (!bye.empty() && state_ == ConnectionState::established) enqueue(OutChunk::from_string(std::move(bye)), false);
    close();
}

bool Connection::begin_handover(HandoverSink* sink) {
    if (state_ != ConnectionState::established || !idle() || paused_ || tearing_down_) return false;
    handover_ = sink;
    receiving_ = false;
    loop_.drain_receive(fd_, this);
    return true;
}

void Connection::on_receive_drained(std::string&& unread, bool ended, int status) {
    if (!handover_) return;
    if (unread.empty() && !ended) {
        handed_off_ = true;  // nothing is reading the socket any more: it can go as it is
        begin_teardown();
        return;
    }
    // The peer spoke (or left) while we stopped: serve it here like any received data.
    handover_ = nullptr;
    if (!unread.empty()) {
        receiving_ = true;
        loop_.start_receive(fd_, this);
        on_receive(unread.data(), unread.size());
    }
    if (ended) on_receive_end(status);
}

void Connection::begin_teardown() {
    if (tearing_down_) return;
    tearing_down_ = true;
    receiving_ = false;
    // Cancels receive/send/connect; chunks the kernel may still read stay in queue_ until
    // on_cancelled says every completion is in.
    loop_.cancel_all(fd_, this);
}

void Connection::on_cancelled() {
    if (handed_off_ && !handover_->hand_over(fd_, *this)) {
        // Could not pass it on: the client sees an orderly close, never a reset.
        ::shutdown(fd_, SHUT_WR);
    }
    ::close(fd_);
    fd_ = -1;
    state_ = ConnectionState::closed;
    queue_.clear();
    queued_bytes_ = 0;
    if (!close_reported_) {
        close_reported_ = true;
        events_->on_close(*this);
    }
    events_->on_released(*this);
    registry_->connection_ended(*this);  // frees this object: nothing may follow
}

}  // namespace ringmaster
