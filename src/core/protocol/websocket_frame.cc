// Frame decoding works in place on one input buffer: a complete frame is unmasked where it
// lies and an unfragmented message is returned as a view into it, so the common case copies
// nothing beyond the initial feed(). Only fragmented messages are gathered in message_.
#include "ringmaster/protocol/websocket_frame.h"

#include <openssl/rand.h>

#include <cstring>
#include <stdexcept>

namespace ringmaster::ws {
namespace {

bool is_known_opcode(uint8_t op) { return op <= 0x2 || (op >= 0x8 && op <= 0xA); }

uint64_t read_be(const uint8_t* p, int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
    return v;
}

void random_mask(uint8_t (&key)[4]) {
    if (RAND_bytes(key, 4) != 1) throw std::runtime_error("RAND_bytes failed");
}

}  // namespace

bool is_valid_close_code(uint16_t code) {
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
           (code >= 3000 && code <= 4999);
}

void apply_mask(char* data, size_t len, const uint8_t* key, size_t offset) {
    uint8_t k8[8];
    for (size_t j = 0; j < 8; ++j) k8[j] = key[(offset + j) & 3];
    uint64_t kw;
    std::memcpy(&kw, k8, 8);
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        std::memcpy(&w, data + i, 8);
        w ^= kw;
        std::memcpy(data + i, &w, 8);
    }
    for (; i < len; ++i) data[i] = static_cast<char>(data[i] ^ k8[i & 7]);
}

size_t encode_frame_header(Opcode op, uint64_t payload_len, bool fin, const uint8_t* mask_key,
                           uint8_t (&out)[kMaxFrameHeader]) {
    out[0] = static_cast<uint8_t>((fin ? 0x80 : 0) | static_cast<uint8_t>(op));
    uint8_t mask_bit = mask_key ? 0x80 : 0;
    size_t n = 2;
    if (payload_len < 126) {
        out[1] = static_cast<uint8_t>(mask_bit | payload_len);
    } else if (payload_len <= 0xFFFF) {
        out[1] = mask_bit | 126;
        out[2] = static_cast<uint8_t>(payload_len >> 8);
        out[3] = static_cast<uint8_t>(payload_len);
        n = 4;
    } else {
        out[1] = mask_bit | 127;
        for (int i = 0; i < 8; ++i) out[2 + i] = static_cast<uint8_t>(payload_len >> (56 - 8 * i));
        n = 10;
    }
    if (mask_key) {
        std::memcpy(out + n, mask_key, 4);
        n += 4;
    }
    return n;
}

void append_frame(std::string& out, Opcode op, std::string_view payload, Role sender, bool fin) {
    uint8_t header[kMaxFrameHeader];
    uint8_t key[4];
    const bool masked = sender == Role::client;
    if (masked) random_mask(key);
    size_t n = encode_frame_header(op, payload.size(), fin, masked ? key : nullptr, header);
    out.append(reinterpret_cast<const char*>(header), n);
    size_t start = out.size();
    out.append(payload);
    if (masked) apply_mask(out.data() + start, payload.size(), key);
}

std::string encode_close(uint16_t code, std::string_view reason, Role sender) {
    std::string payload;
    if (code != 0 && code != close_code::no_status) {
        if (reason.size() > 123) {
            size_t cut = 123;
            // Do not split a UTF-8 sequence: back up over continuation bytes.
            while (cut > 0 && (static_cast<unsigned char>(reason[cut]) & 0xC0) == 0x80) --cut;
            reason = reason.substr(0, cut);
        }
        payload.push_back(static_cast<char>(code >> 8));
        payload.push_back(static_cast<char>(code & 0xFF));
        payload.append(reason);
    }
    return encode_frame(Opcode::close, payload, sender);
}

FrameDecoder::FrameDecoder(Role role, size_t max_message_bytes, bool auto_pong)
    : role_(role), max_message_(max_message_bytes), auto_pong_(auto_pong) {}

void FrameDecoder::feed(std::string_view bytes) {
    if (failed_ || closed_) return;  // nothing after a close or an error is ever read
    if (pos_ == in_.size()) {
        in_.clear();
        pos_ = 0;
    } else if (pos_ > 0) {
        in_.erase(0, pos_);
        pos_ = 0;
    }
    in_.append(bytes);
}

bool FrameDecoder::mid_message() const {
    return !failed_ && !closed_ && (in_message_ || pos_ < in_.size());
}

WsEvent FrameDecoder::fail(uint16_t code, std::string_view why) {
    failed_ = true;
    reply_ = encode_close(code, why, role_);
    WsEvent e;
    e.type = WsEvent::Type::error;
    e.close_code = code;
    e.error = why;
    e.reply = reply_;
    return e;
}

WsEvent FrameDecoder::on_control(Opcode op, std::string_view payload) {
    WsEvent e;
    e.payload = payload;
    if (op == Opcode::ping) {
        e.type = WsEvent::Type::ping;
        if (auto_pong_) {
            reply_.clear();
            append_frame(reply_, Opcode::pong, payload, role_);
            e.reply = reply_;
        }
        return e;
    }
    if (op == Opcode::pong) {
        e.type = WsEvent::Type::pong;
        return e;
    }
    // Close: an empty body means "no status"; one byte cannot hold a code.
    uint16_t code = close_code::no_status;
    if (payload.size() == 1) return fail(close_code::protocol_error, "close frame of one byte");
    if (payload.size() >= 2) {
        code = static_cast<uint16_t>(read_be(reinterpret_cast<const uint8_t*>(payload.data()), 2));
        if (!is_valid_close_code(code)) return fail(close_code::protocol_error, "invalid close code");
        e.payload = payload.substr(2);
        if (!is_valid_utf8(e.payload))
            return fail(close_code::invalid_payload, "close reason is not UTF-8");
    }
    closed_ = true;
    reply_ = encode_close(code, {}, role_);
    e.type = WsEvent::Type::close;
    e.close_code = code;
    e.reply = reply_;
    return e;
}

WsEvent FrameDecoder::next() {
    if (drop_message_) {
        message_.clear();
        drop_message_ = false;
    }
    while (!failed_ && !closed_) {
        const size_t avail = in_.size() - pos_;
        if (avail < 2) break;
        const uint8_t* h = reinterpret_cast<const uint8_t*>(in_.data()) + pos_;
        const bool fin = h[0] & 0x80;
        const uint8_t op = h[0] & 0x0F;
        const bool masked = h[1] & 0x80;
        const bool control = op & 0x8;
        uint64_t len = h[1] & 0x7F;

        // Everything checkable from the first two bytes is checked before waiting for more.
        if (h[0] & 0x70) return fail(close_code::protocol_error, "reserved bits set");
        if (!is_known_opcode(op)) return fail(close_code::protocol_error, "unknown opcode");
        if (control && !fin) return fail(close_code::protocol_error, "fragmented control frame");
        if (control && len > 125) return fail(close_code::protocol_error, "control frame too long");
        if (role_ == Role::server && !masked)
            return fail(close_code::protocol_error, "client frame not masked");
        if (role_ == Role::client && masked)
            return fail(close_code::protocol_error, "server frame masked");
        if (!control && op == 0 && !in_message_)
            return fail(close_code::protocol_error, "continuation without a message");
        if (!control && op != 0 && in_message_)
            return fail(close_code::protocol_error, "new message inside a fragmented one");

        size_t header_len = 2;
        if (len == 126) {
            if (avail < 4) break;
            len = read_be(h + 2, 2);
            header_len = 4;
        } else if (len == 127) {
            if (avail < 10) break;
            len = read_be(h + 2, 8);
            if (len >> 63) return fail(close_code::protocol_error, "frame length out of range");
            header_len = 10;
        }
        if (!control && max_message_ != 0) {
            size_t so_far = in_message_ ? message_.size() : 0;
            if (len > max_message_ - so_far)
                return fail(close_code::message_too_big, "message too big");
        }
        if (masked) header_len += 4;
        if (avail < header_len || avail - header_len < len) break;

        char* payload = in_.data() + pos_ + header_len;
        if (masked) apply_mask(payload, len, h + header_len - 4);
        pos_ += header_len + len;
        std::string_view data(payload, len);

        if (control) return on_control(static_cast<Opcode>(op), data);

        if (op != 0) {  // first frame of a message
            message_is_text_ = op == static_cast<uint8_t>(Opcode::text);
            utf8_.reset();
        }
        if (message_is_text_ && !utf8_.feed(data))
            return fail(close_code::invalid_payload, "text is not UTF-8");
        if (!fin) {
            if (op != 0) message_.assign(data);
            else message_.append(data);
            in_message_ = true;
            continue;
        }
        if (message_is_text_ && !utf8_.complete())
            return fail(close_code::invalid_payload, "text is not UTF-8");
        WsEvent e;
        e.type = message_is_text_ ? WsEvent::Type::text : WsEvent::Type::binary;
        if (op == 0) {
            message_.append(data);
            e.payload = message_;
            drop_message_ = true;
            in_message_ = false;
        } else {
            e.payload = data;
        }
        return e;
    }
    return WsEvent{};
}

}  // namespace ringmaster::ws
