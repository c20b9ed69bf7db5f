// WebSocket framing: encoder/decoder round trips with 7/16/64-bit lengths, fragmentation,
// control frames, every protocol error with its close code, and the client role.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "ringmaster/protocol/websocket_frame.h"

using namespace ringmaster::ws;
using Type = WsEvent::Type;

namespace {

// Raw frame from the client side, with a fixed mask so invalid frames can be built too.
std::string raw_frame(uint8_t first_byte, std::string_view payload, bool masked = true) {
    uint8_t header[kMaxFrameHeader];
    const uint8_t key[4] = {0x37, 0xfa, 0x21, 0x3d};
    size_t n = encode_frame_header(static_cast<Opcode>(first_byte & 0x0F), payload.size(),
                                   first_byte & 0x80, masked ? key : nullptr, header);
    header[0] = first_byte;
    std::string out(reinterpret_cast<char*>(header), n);
    size_t start = out.size();
    out.append(payload);
    if (masked) apply_mask(out.data() + start, payload.size(), key);
    return out;
}

std::string client(Opcode op, std::string_view payload, bool fin = true) {
    return encode_frame(op, payload, Role::client, fin);
}

struct Got {
    Type type;
    std::string payload;
    uint16_t code;
    std::string reply;
};

// Feeds `stream` in `step`-byte pieces and collects every event.
std::vector<Got> decode(std::string_view stream, size_t step = 0, size_t max = 1 << 20,
                        Role role = Role::server) {
    FrameDecoder d(role, max);
    std::vector<Got> out;
    if (step == 0) step = stream.size() ? stream.size() : 1;
    for (size_t i = 0; i < stream.size(); i += step) {
        d.feed(stream.substr(i, step));
        for (WsEvent e = d.next(); e.type != Type::need_more; e = d.next())
            out.push_back({e.type, std::string(e.payload), e.close_code, std::string(e.reply)});
    }
    return out;
}

Got single_error(std::string_view stream, size_t max = 1 << 20) {
    std::vector<Got> ev = decode(stream, 0, max);
    REQUIRE_FALSE(ev.empty());
    CHECK(ev.back().type == Type::error);
    return ev.back();
}

}  // namespace

TEST_CASE("header lengths switch at 126 and 65536", "[websocket]") {
    uint8_t h[kMaxFrameHeader];
    CHECK(encode_frame_header(Opcode::text, 125, true, nullptr, h) == 2);
    CHECK(h[0] == 0x81);
    CHECK(h[1] == 125);
    CHECK(encode_frame_header(Opcode::binary, 126, true, nullptr, h) == 4);
    CHECK(h[1] == 126);
    CHECK(encode_frame_header(Opcode::binary, 65535, false, nullptr, h) == 4);
    CHECK(h[0] == 0x02);
    CHECK(encode_frame_header(Opcode::binary, 65536, true, nullptr, h) == 10);
    CHECK(h[1] == 127);
    CHECK(h[7] == 1);  // 0x0000000000010000 big-endian
    const uint8_t key[4] = {1, 2, 3, 4};
    CHECK(encode_frame_header(Opcode::text, 5, true, key, h) == 6);
    CHECK(h[1] == (0x80 | 5));
}

TEST_CASE("RFC 6455 5.7 examples", "[websocket]") {
    // Unmasked "Hello" from a server, decoded by a client.
    std::vector<Got> ev = decode("\x81\x05\x48\x65\x6c\x6c\x6f", 0, 1 << 20, Role::client);
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].type == Type::text);
    CHECK(ev[0].payload == "Hello");
    // Masked "Hello" from a client.
    ev = decode("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58");
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].payload == "Hello");
    CHECK(encode_frame(Opcode::text, "Hello") == "\x81\x05Hello");
}

TEST_CASE("messages of all three length forms round-trip under any split", "[websocket]") {
    for (size_t size : {0, 1, 125, 126, 65535, 65536, 70000}) {
        std::string payload(size, 'x');
        for (size_t i = 0; i < size; ++i) payload[i] = static_cast<char>(i * 7);
        std::string stream = client(Opcode::binary, payload) + client(Opcode::text, "after");
        for (size_t step : {size_t{0}, size_t{1}, size_t{1000}}) {
            if (step == 1 && size > 200) continue;  // byte by byte only for small frames
            INFO("size " << size << " step " << step);
            std::vector<Got> ev = decode(stream, step);
            REQUIRE(ev.size() == 2);
            CHECK(ev[0].type == Type::binary);
            CHECK(ev[0].payload == payload);
            CHECK(ev[1].type == Type::text);
            CHECK(ev[1].payload == "after");
        }
    }
}

TEST_CASE("fragments are reassembled with control frames between them", "[websocket]") {
    std::string stream = client(Opcode::text, "Hel", false) + client(Opcode::ping, "p1") +
                         client(Opcode::continuation, "lo ", false) +
                         client(Opcode::pong, "p2") + client(Opcode::continuation, "world", true) +
                         client(Opcode::binary, "b1", false) + client(Opcode::continuation, "b2");
    for (size_t step : {0, 1, 3}) {
        std::vector<Got> ev = decode(stream, step);
        REQUIRE(ev.size() == 4);
        CHECK(ev[0].type == Type::ping);
        CHECK(ev[0].payload == "p1");
        CHECK(ev[0].reply == encode_frame(Opcode::pong, "p1"));
        CHECK(ev[1].type == Type::pong);
        CHECK(ev[1].payload == "p2");
        CHECK(ev[1].reply.empty());
        CHECK(ev[2].type == Type::text);
        CHECK(ev[2].payload == "Hello world");
        CHECK(ev[3].type == Type::binary);
        CHECK(ev[3].payload == "b1b2");
    }
}

TEST_CASE("mid_message and buffered track partial input", "[websocket]") {
    FrameDecoder d(Role::server);
    CHECK_FALSE(d.mid_message());
    std::string f = client(Opcode::text, "abc");
    d.feed(f.substr(0, 3));
    CHECK(d.next().type == Type::need_more);
    CHECK(d.mid_message());
    CHECK(d.buffered() == 3);
    d.feed(f.substr(3));
    CHECK(d.next().type == Type::text);
    CHECK(d.next().type == Type::need_more);
    CHECK_FALSE(d.mid_message());
    d.feed(client(Opcode::text, "a", false));
    CHECK(d.next().type == Type::need_more);
    CHECK(d.mid_message());
}

TEST_CASE("close frames: code, reason, echo", "[websocket]") {
    std::string payload = std::string("\x03\xe8", 2) + "bye";
    std::vector<Got> ev = decode(client(Opcode::close, payload) + client(Opcode::text, "ignored"));
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].type == Type::close);
    CHECK(ev[0].code == 1000);
    CHECK(ev[0].payload == "bye");
    CHECK(ev[0].reply == std::string("\x88\x02\x03\xe8", 4));
    ev = decode(client(Opcode::close, ""));
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].code == close_code::no_status);
    CHECK(ev[0].reply == std::string("\x88\x00", 2));
    CHECK(decode(client(Opcode::close, std::string("\x0f\xa0", 2)))[0].code == 4000);
}

TEST_CASE("encode_close truncates long reasons at a character boundary", "[websocket]") {
    std::string reason;
    for (int i = 0; i < 50; ++i) reason += "\xc3\xa9";  // 100 bytes of 'é'
    reason = "x" + reason + reason;                      // 201 bytes, odd offset
    std::string f = encode_close(1001, reason);
    REQUIRE(f.size() <= 2 + 125);
    CHECK(f[1] <= 125);
    CHECK(is_valid_utf8(f.substr(4)));
    CHECK(encode_close(0) == std::string("\x88\x00", 2));
}

TEST_CASE("protocol violations close with 1002", "[websocket]") {
    CHECK(single_error(raw_frame(0x81, "hi", false)).code == close_code::protocol_error);  // unmasked
    CHECK(single_error(raw_frame(0xC1, "hi")).code == close_code::protocol_error);   // RSV1
    CHECK(single_error(raw_frame(0xA1, "hi")).code == close_code::protocol_error);   // RSV2
    CHECK(single_error(raw_frame(0x83, "hi")).code == close_code::protocol_error);   // opcode 3
    CHECK(single_error(raw_frame(0x8B, "hi")).code == close_code::protocol_error);   // opcode 0xB
    CHECK(single_error(raw_frame(0x09, "hi")).code == close_code::protocol_error);   // fragmented ping
    CHECK(single_error(raw_frame(0x89, std::string(126, 'p'))).code == close_code::protocol_error);
    CHECK(single_error(raw_frame(0x80, "cont")).code == close_code::protocol_error);  // orphan continuation
    CHECK(single_error(raw_frame(0x01, "a") + raw_frame(0x81, "b")).code == close_code::protocol_error);
    CHECK(single_error(raw_frame(0x88, "\x03")).code == close_code::protocol_error);  // 1-byte close
    for (uint16_t bad : {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000}) {
        std::string p{static_cast<char>(bad >> 8), static_cast<char>(bad & 0xFF)};
        INFO("code " << bad);
        CHECK(single_error(raw_frame(0x88, p)).code == close_code::protocol_error);
    }
    // 64-bit length with the top bit set.
    CHECK(single_error(std::string("\x82\xff\x80\x00\x00\x00\x00\x00\x00\x00", 10)).code ==
          close_code::protocol_error);
}

TEST_CASE("the error event carries the close frame and the decoder stops", "[websocket]") {
    FrameDecoder d(Role::server);
    d.feed(raw_frame(0x81, "hi", false) + client(Opcode::text, "later"));
    WsEvent e = d.next();
    REQUIRE(e.type == Type::error);
    CHECK(e.close_code == 1002);
    CHECK_FALSE(e.error.empty());
    REQUIRE(e.reply.size() >= 4);
    CHECK(static_cast<uint8_t>(e.reply[0]) == 0x88);
    CHECK(e.reply.substr(2, 2) == "\x03\xea");
    CHECK(d.failed());
    CHECK(d.next().type == Type::need_more);
    d.feed(client(Opcode::text, "more"));
    CHECK(d.next().type == Type::need_more);
}

TEST_CASE("invalid UTF-8 closes with 1007, also when split across fragments", "[websocket]") {
    CHECK(single_error(client(Opcode::text, "\xc3\x28")).code == close_code::invalid_payload);
    CHECK(single_error(client(Opcode::text, "\xed\xa0\x80")).code == close_code::invalid_payload);  // surrogate
    CHECK(single_error(client(Opcode::text, "\xc0\xaf")).code == close_code::invalid_payload);  // overlong
    CHECK(single_error(client(Opcode::text, "\xf4\x90\x80\x80")).code == close_code::invalid_payload);
    CHECK(single_error(client(Opcode::text, "ok\xe2\x82")).code == close_code::invalid_payload);  // truncated
    // A valid character split across fragments is fine...
    std::vector<Got> ev = decode(client(Opcode::text, "\xe2\x82", false) +
                                 client(Opcode::continuation, "\xac!"));
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].payload == "\xe2\x82\xac!");
    // ...an invalid one is refused as soon as the bad byte arrives, before the message ends.
    FrameDecoder d(Role::server);
    d.feed(client(Opcode::text, "\xe2\x82", false) + client(Opcode::continuation, "\x28", false));
    WsEvent e = d.next();
    CHECK(e.type == Type::error);
    CHECK(e.close_code == close_code::invalid_payload);
    // Close reasons must be UTF-8 too; binary messages are not checked.
    CHECK(single_error(client(Opcode::close, "\x03\xe8\xff")).code == close_code::invalid_payload);
    CHECK(decode(client(Opcode::binary, "\xff\xfe"))[0].type == Type::binary);
}

TEST_CASE("message size limit closes with 1009 before the payload arrives", "[websocket]") {
    std::string big = client(Opcode::binary, std::string(100, 'a'));
    CHECK(single_error(big.substr(0, 4), 99).code == close_code::message_too_big);
    CHECK(decode(big, 0, 100)[0].type == Type::binary);
    // Fragments count together.
    std::string frags = client(Opcode::text, std::string(60, 'a'), false) +
                        client(Opcode::continuation, std::string(60, 'b'));
    CHECK(single_error(frags, 100).code == close_code::message_too_big);
    CHECK(decode(frags, 0, 120)[0].payload.size() == 120);
}

TEST_CASE("client role: server frames must be unmasked, replies are masked", "[websocket]") {
    std::string ping = encode_frame(Opcode::ping, "hb");
    std::vector<Got> ev = decode(ping + encode_frame(Opcode::text, "yo"), 0, 1 << 20, Role::client);
    REQUIRE(ev.size() == 2);
    CHECK(ev[0].type == Type::ping);
    // The pong a client sends is masked: decodable by a server-role decoder.
    REQUIRE(ev[0].reply.size() == 2 + 4 + 2);
    CHECK((static_cast<uint8_t>(ev[0].reply[1]) & 0x80) != 0);
    std::vector<Got> back = decode(ev[0].reply);
    REQUIRE(back.size() == 1);
    CHECK(back[0].type == Type::pong);
    CHECK(back[0].payload == "hb");
    CHECK(ev[1].payload == "yo");
    CHECK(decode(client(Opcode::text, "masked"), 0, 1 << 20, Role::client)[0].type == Type::error);
}

TEST_CASE("Utf8Validator accepts the whole range and checks incrementally", "[websocket]") {
    CHECK(is_valid_utf8("plain ascii that is longer than eight bytes"));
    CHECK(is_valid_utf8("\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf"));
    CHECK_FALSE(is_valid_utf8("\x80"));
    CHECK_FALSE(is_valid_utf8("\xf5\x80\x80\x80"));
    CHECK_FALSE(is_valid_utf8("\xe0\x80\x80"));
    Utf8Validator v;
    CHECK(v.feed("\xf0\x9f"));
    CHECK_FALSE(v.complete());
    CHECK(v.feed("\x98\x80"));
    CHECK(v.complete());
}
