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
};

// The built-in stream framings. `max_package_size` bounds one message (0 = unbounded).
std::unique_ptr<Codec> make_raw_codec();                        // tcp://: every chunk
std::unique_ptr<Codec> make_text_codec(size_t max_package_size);   // text://: "\n"-delimited
std::unique_ptr<Codec> make_frame_codec(size_t max_package_size);  // frame://: 4-byte BE length

}  // namespace ringmaster
