// RFC 6455 framing: a pull-style decoder that turns the byte stream into messages, pings,
// pongs and a close (reassembling fragments, validating masks, opcodes, sizes and UTF-8), and
// encoders for the frames a server or a client sends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ringmaster/protocol/utf8_validator.h"

namespace ringmaster::ws {

enum class Opcode : uint8_t {
    continuation = 0x0,
    text = 0x1,
    binary = 0x2,
    close = 0x8,
    ping = 0x9,
    pong = 0xA,
};

// Which end of the connection this codec runs on. Client-to-server frames are masked,
// server-to-client frames are not (RFC 6455 5.1).
enum class Role { server, client };

namespace close_code {
inline constexpr uint16_t normal = 1000;
inline constexpr uint16_t going_away = 1001;
inline constexpr uint16_t protocol_error = 1002;
inline constexpr uint16_t unsupported_data = 1003;
inline constexpr uint16_t no_status = 1005;  // never sent: "the close frame had no code"
inline constexpr uint16_t abnormal = 1006;   // never sent: "closed without a close frame"
inline constexpr uint16_t invalid_payload = 1007;
inline constexpr uint16_t policy_violation = 1008;
inline constexpr uint16_t message_too_big = 1009;
inline constexpr uint16_t internal_error = 1011;
}  // namespace close_code

// True for codes a peer may put in a close frame (1000-1003, 1007-1014, 3000-4999).
bool is_valid_close_code(uint16_t code);

struct WsEvent {
    enum class Type : uint8_t {
        need_more,  // nothing complete yet (also returned forever after close or error)
        text,       // complete text message (valid UTF-8) in payload
        binary,     // complete binary message in payload
        ping,       // payload = ping data; reply holds the pong
        pong,       // payload = pong data
        close,      // peer closed: close_code (1005 if none), payload = reason; reply = echo
        error,      // protocol violation: close_code to close with, error text; reply = close
    };
    Type type = Type::need_more;
    std::string_view payload;
    uint16_t close_code = 0;
    std::string_view error;
    // Frame to send back right away (already encoded for this side), or empty.
    std::string_view reply;
};

class FrameDecoder {
public:
    // `max_message_bytes` bounds one reassembled message (Workerman's maxPackageSize); 0 means
    // unbounded. With `auto_pong`, ping events carry the pong frame in `reply`.
    explicit FrameDecoder(Role role, size_t max_message_bytes = 10 * 1024 * 1024,
                          bool auto_pong = true);

    // Appends received bytes (copied).
    void feed(std::string_view bytes);
    // Next event. Views (payload, reply, error) stay valid until the next feed() or next().
    // Call until it returns need_more.
    WsEvent next();

    // A frame or a fragmented message has partly arrived.
    bool mid_message() const;
    // Bytes received but not yet returned as events (status, connection handover).
    size_t buffered() const { return in_.size() - pos_ + message_.size(); }
    bool closed() const { return closed_; }  // a close frame was received
    bool failed() const { return failed_; }

private:
    WsEvent fail(uint16_t code, std::string_view why);
    WsEvent on_control(Opcode op, std::string_view payload);

    Role role_;
    size_t max_message_;
    bool auto_pong_;
    std::string in_;
    size_t pos_ = 0;
    std::string message_;  // fragments of the message in progress
    bool in_message_ = false;
    bool message_is_text_ = false;
    bool drop_message_ = false;  // message_ was returned: clear it on the next call
    Utf8Validator utf8_;
    std::string reply_;
    bool closed_ = false;
    bool failed_ = false;
};

// Largest frame header: 2 + 8 (length) + 4 (mask key).
inline constexpr size_t kMaxFrameHeader = 14;

// Writes the header of a frame carrying `payload_len` bytes. Server frames: mask_key nullptr,
// then send the payload as is (no copy). Returns the header length.
size_t encode_frame_header(Opcode op, uint64_t payload_len, bool fin, const uint8_t* mask_key,
                           uint8_t (&out)[kMaxFrameHeader]);

// Appends a whole frame to `out`. `sender` = Role::client masks it with a fresh random key.
void append_frame(std::string& out, Opcode op, std::string_view payload, Role sender,
                  bool fin = true);
inline std::string encode_frame(Opcode op, std::string_view payload, Role sender = Role::server,
                                bool fin = true) {
    std::string out;
    append_frame(out, op, payload, sender, fin);
    return out;
}
// A close frame; `reason` is cut to fit the 125-byte control frame limit (at a UTF-8 boundary).
// code 0 (or 1005) sends a close frame without a body.
std::string encode_close(uint16_t code, std::string_view reason = {}, Role sender = Role::server);

// XORs `data` with the 4-byte key, starting at key position `offset % 4`.
void apply_mask(char* data, size_t len, const uint8_t* key, size_t offset = 0);

}  // namespace ringmaster::ws
