// How a connection turns received bytes into messages and messages into bytes. One codec
// object per connection holds that connection's protocol state (partial input, handshake
// stage), so the state is small, explicit and can later travel with a handed-over socket.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "ringmaster/out_chunk.h"

namespace ringmaster {

class Connection;
namespace http {
class HttpRequest;
}

enum class ProtocolKind { tcp, text, frame, http, websocket, user };

// Where a codec puts what it decoded. The connection implements it.
class CodecOutput {
public:
    virtual ~CodecOutput() = default;
    // One complete message for onMessage (text line without its newline, frame payload,
    // raw chunk). The view is valid only during the call.
    virtual void deliver(std::string_view message) = 0;
    // Bytes the protocol itself must answer with (pong, handshake, error response).
    virtual void reply(OutChunk chunk) = 0;
    // The peer broke the protocol or exceeded a limit: report `reason` through onError and
    // close the connection after any reply already queued.
    virtual void protocol_error(int code, const std::string& reason) = 0;
    // One complete HTTP request for onMessage. The next one is delivered only after the
    // answer to this one was sent (see Codec::response_sent), so answers keep request order.
    virtual void deliver_request(http::HttpRequest&& request) { (void)request; }
    // A WebSocket opening handshake arrived: true accepts it (onWebSocketConnect did not
    // close the connection). Sends made meanwhile wait behind the 101 answer.
    virtual bool accept_websocket(const http::HttpRequest& request) { (void)request; return true; }
    // Like reply(), but ahead of anything queued and not yet submitted (the 101 answer).
    virtual void reply_first(OutChunk chunk) { reply(std::move(chunk)); }
    // A WebSocket message (text or binary) or control frame worth telling PHP about.
    virtual void deliver_websocket(std::string_view message, bool /*binary*/) { deliver(message); }
    virtual void websocket_ping(std::string_view payload) { (void)payload; }
    virtual void websocket_pong(std::string_view payload) { (void)payload; }
    // The peer's close frame (the echo was already queued): close after sending.
    virtual void websocket_closed(uint16_t code, std::string_view reason) { (void)code, (void)reason; }
    // ws:// client: the server accepted the opening handshake.
    virtual void websocket_established() {}
};

class Codec {
public:
    virtual ~Codec() = default;
    virtual ProtocolKind kind() const = 0;
    // Consumes `len` bytes (any split of the stream) and emits complete messages in order.
    // Stops early once protocol_error was called.
    virtual void feed(const char* data, size_t len, CodecOutput& out) = 0;
    // True while part of a message has arrived but not all of it: a retiring worker must not
    // close such a connection.
    virtual bool mid_message() const = 0;
    // Bytes received but not yet delivered (status, connection handover).
    virtual size_t buffered() const = 0;
    // Frames one outgoing message: returns the head to send before `payload` and the tail
    // after it (either may be empty), so the payload itself is queued without a copy.
    virtual void frame(std::string_view payload, std::string* head, std::string* tail) {
        (void)payload, (void)head, (void)tail;
    }
    // HTTP: the answer to the request last delivered has been queued; deliver the next one.
    virtual void response_sent(CodecOutput& out) { (void)out; }
    // Bytes to send before the server closes the connection: WebSocket's close frame (1000,
    // or 1001 "going away" when a retiring worker closes it); empty for protocols without one.
    virtual std::string goodbye(bool restarting) {
        (void)restarting;
        return {};
    }
    // $connection->maxPackageSize changed (0 = unbounded). Stream framings apply it to the
    // next message; http/websocket keep the limit they were created with.
    virtual void set_max_package_size(size_t max) { (void)max; }
    // WebSocket: binary (true) or text (false) frames for outgoing messages.
    virtual void set_binary(bool binary) { (void)binary; }
    virtual bool binary() const { return false; }
    // Hands over feeding (e.g. after a response, pipelined requests held back): lets the
    // codec deliver what it already holds.
    virtual void resume(CodecOutput& out) { (void)out; }
};

// The built-in stream framings. `max_package_size` bounds one message (0 = unbounded).
std::unique_ptr<Codec> make_raw_codec();                        // tcp://: every chunk
std::unique_ptr<Codec> make_text_codec(size_t max_package_size);   // text://: "\n"-delimited
std::unique_ptr<Codec> make_frame_codec(size_t max_package_size);  // frame://: 4-byte BE length
std::unique_ptr<Codec> make_http_codec(size_t max_package_size);   // http://: HTTP/1.1 requests
std::unique_ptr<Codec> make_websocket_codec(size_t max_package_size);  // websocket://: RFC 6455
// ws:// client: `request` is the opening handshake it sent, `key` its Sec-WebSocket-Key.
std::unique_ptr<Codec> make_websocket_client_codec(std::string key, size_t max_package_size);

// The HTTP request being answered on an http:// connection, or null (for the glue that
// builds responses: keep-alive and version come from it).
struct HttpExchange {
    bool keep_alive = true;
    int version_minor = 1;
    bool head_method = false;  // HEAD: the head is sent without the body
    bool streaming = false;    // a chunked response is being sent: Chunks follow
    bool close_after = false;  // the response under way ends with Connection: close
};
HttpExchange* http_exchange(Codec& codec);

}  // namespace ringmaster
