// The stream framings (text, frame, raw): any split or coalescing of the byte stream gives
// the same messages, and limits close the connection before buffering what they forbid.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "ringmaster/codec.h"

using namespace ringmaster;

namespace {

struct Collector final : CodecOutput {
    std::vector<std::string> messages;
    std::vector<std::string> errors;
    void deliver(std::string_view m) override { messages.emplace_back(m); }
    void reply(OutChunk) override {}
    void protocol_error(int code, const std::string& reason) override {
        errors.push_back(std::to_string(code) + " " + reason);
    }
};

// Feeds `stream` to a fresh codec in pieces of `piece` bytes (0: all at once).
Collector feed(std::unique_ptr<Codec> codec, const std::string& stream, size_t piece) {
    Collector out;
    if (piece == 0) piece = stream.size() ? stream.size() : 1;
    for (size_t i = 0; i < stream.size(); i += piece)
        codec->feed(stream.data() + i, std::min(piece, stream.size() - i), out);
    return out;
}

std::string frame_of(const std::string& payload) {
    uint32_t total = uint32_t(payload.size() + 4);
    std::string f{char(total >> 24), char(total >> 16), char(total >> 8), char(total)};
    return f + payload;
}

}  // namespace

TEST_CASE("text: lines split anywhere or coalesced give the same messages", "[framing]") {
    std::string stream = "abc\ndef\r\n\nlong line with spaces\n";
    std::vector<std::string> want = {"abc", "def", "", "long line with spaces"};
    for (size_t piece : {0, 1, 2, 3, 5, 7, 64}) {
        INFO("piece " << piece);
        Collector out = feed(make_text_codec(0), stream, piece);
        CHECK(out.messages == want);
        CHECK(out.errors.empty());
    }
}

TEST_CASE("text: a partial line is held and counted as mid-message", "[framing]") {
    auto codec = make_text_codec(0);
    Collector out;
    codec->feed("hel", 3, out);
    CHECK(out.messages.empty());
    CHECK(codec->mid_message());
    CHECK(codec->buffered() == 3);
    codec->feed("lo\nx", 4, out);
    CHECK(out.messages == std::vector<std::string>{"hello"});
    CHECK(codec->buffered() == 1);
    std::string head, tail;
    codec->frame("payload", &head, &tail);
    CHECK(head.empty());
    CHECK(tail == "\n");
}

TEST_CASE("text: maxPackageSize refuses an endless line without buffering it", "[framing]") {
    for (size_t piece : {0, 1, 100}) {
        INFO("piece " << piece);
        Collector out = feed(make_text_codec(16), "ok\n" + std::string(1000, 'x'), piece);
        CHECK(out.messages == std::vector<std::string>{"ok"});
        REQUIRE(out.errors.size() == 1);
        CHECK(out.errors[0].rfind("413", 0) == 0);
    }
    // A line of exactly the limit (newline included) is fine; one byte more is not.
    CHECK(feed(make_text_codec(4), "abc\n", 0).errors.empty());
    CHECK(feed(make_text_codec(4), "abcd\n", 0).errors.size() == 1);
}

TEST_CASE("text: the limit can change on a live connection", "[framing]") {
    auto codec = make_text_codec(0);
    Collector out;
    codec->feed("0123456789\n", 11, out);
    codec->set_max_package_size(5);
    codec->feed("0123456789\n", 11, out);
    CHECK(out.messages.size() == 1);
    CHECK(out.errors.size() == 1);
}

TEST_CASE("frame: length prefix that counts itself, any split", "[framing]") {
    std::string big(70000, 'z');
    std::string stream = frame_of("one") + frame_of("") + frame_of(big) + frame_of("four");
    for (size_t piece : {0, 1, 3, 4, 5, 1000, 65536}) {
        INFO("piece " << piece);
        Collector out = feed(make_frame_codec(0), stream, piece);
        REQUIRE(out.messages.size() == 4);
        CHECK(out.messages[0] == "one");
        CHECK(out.messages[1].empty());
        CHECK(out.messages[2] == big);
        CHECK(out.messages[3] == "four");
        CHECK(out.errors.empty());
    }
    std::string head, tail;
    make_frame_codec(0)->frame("abc", &head, &tail);
    CHECK(head == std::string("\0\0\0\7", 4));
    CHECK(tail.empty());
}

TEST_CASE("frame: oversized or impossible lengths close before buffering", "[framing]") {
    // 1 GiB announced: refused from the header alone.
    Collector big = feed(make_frame_codec(1024), std::string("\x40\0\0\0", 4) + "xx", 1);
    REQUIRE(big.errors.size() == 1);
    CHECK(big.errors[0].rfind("413", 0) == 0);
    // A length below the 4-byte header itself is a protocol error.
    Collector tiny = feed(make_frame_codec(0), std::string("\0\0\0\2", 4), 0);
    REQUIRE(tiny.errors.size() == 1);
    CHECK(tiny.errors[0].rfind("400", 0) == 0);
    // Nothing is delivered after the error, even if more valid frames follow.
    Collector after = feed(make_frame_codec(8), std::string("\0\0\0\x20", 4) + frame_of("ok"), 0);
    CHECK(after.messages.empty());
}

TEST_CASE("raw: every chunk is one message", "[framing]") {
    auto codec = make_raw_codec();
    Collector out;
    codec->feed("ab", 2, out);
    codec->feed("c", 1, out);
    CHECK(out.messages == std::vector<std::string>{"ab", "c"});
    CHECK_FALSE(codec->mid_message());
}
