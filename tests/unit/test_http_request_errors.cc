// HttpRequestParser against hostile and oversized input: every limit and every refusal must
// produce the right status, leave earlier requests answerable, and keep the parser failed.
#include <catch2/catch.hpp>

#include <string>

#include "ringmaster/protocol/http_request_parser.h"

using ringmaster::http::HttpLimits;
using ringmaster::http::HttpRequestParser;

namespace {

// Status the parser settles on for `input`, fed whole and byte by byte (which must agree).
int status_of(std::string_view input, HttpLimits limits = {}) {
    HttpRequestParser whole(limits);
    whole.feed(input);
    HttpRequestParser bytes(limits);
    for (char c : input) {
        if (!bytes.feed(std::string_view(&c, 1))) break;
    }
    INFO("input: " << std::string(input));
    CHECK(whole.error().status == bytes.error().status);
    CHECK(whole.queued() == bytes.queued());
    if (whole.error().status == 0) CHECK(whole.queued() == 1);
    return whole.error().status;
}

}  // namespace

TEST_CASE("well-formed requests have no error", "[http][errors]") {
    CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\n\r\n") == 0);
    CHECK(status_of("GET / HTTP/1.0\r\n\r\n") == 0);
    CHECK(status_of("\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n") == 0);
}

TEST_CASE("malformed request lines get 400", "[http][errors]") {
    CHECK(status_of("GET\r\n\r\n") == 400);
    CHECK(status_of("GET / HTTP/1.1 extra\r\nHost: a\r\n\r\n") == 400);
    CHECK(status_of("GET /a b HTTP/1.1\r\nHost: a\r\n\r\n") == 400);
    CHECK(status_of("G@T / HTTP/1.1\r\nHost: a\r\n\r\n") == 400);
    CHECK(status_of("GET / HTTQ/1.1\r\nHost: a\r\n\r\n") == 400);
    CHECK(status_of("GET / HTTP/1.x\r\nHost: a\r\n\r\n") == 400);
    CHECK(status_of(std::string("GET /\0 HTTP/1.1\r\nHost: a\r\n\r\n", 28)) == 400);
    CHECK(status_of("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03") == 400);  // TLS hello
}

TEST_CASE("unsupported versions and methods", "[http][errors]") {
    CHECK(status_of("GET / HTTP/2.0\r\nHost: a\r\n\r\n") == 505);
    CHECK(status_of("GET / HTTP/1.2\r\nHost: a\r\n\r\n") == 505);
    CHECK(status_of("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n") == 501);
}

TEST_CASE("Host is required once in HTTP/1.1", "[http][errors]") {
    CHECK(status_of("GET / HTTP/1.1\r\n\r\n") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") == 400);
    CHECK(status_of("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n") == 400);
    HttpLimits lax;
    lax.require_host = false;
    CHECK(status_of("GET / HTTP/1.1\r\n\r\n", lax) == 0);
}

TEST_CASE("header injection and bad characters get 400", "[http][errors]") {
    // Bare CR inside a value (CR-only line break), NUL and control bytes.
    CHECK(status_of("GET / HTTP/1.1\r\nHost: a\rX-Evil: 1\r\n\r\n") == 400);
    CHECK(status_of(std::string("GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n", 29)) == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nX: \x01\r\n\r\n") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nBad Name: v\r\n\r\n") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\n: novalue\r\n\r\n") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nX(y): v\r\n\r\n") == 400);
}

TEST_CASE("bare LF and obs-fold are refused", "[http][errors]") {
    CHECK(status_of("GET / HTTP/1.1\nHost: a\n\n") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: a\n\r\n") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\n\n") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n") == 400);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n\tb\r\n\r\n") == 400);
}

TEST_CASE("request smuggling shapes get 400 or 501", "[http][errors]") {
    CHECK(status_of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n") == 400);
    CHECK(status_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                    "Content-Length: 3\r\n\r\n0\r\n\r\n") == 400);
    CHECK(status_of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd") ==
          400);
    CHECK(status_of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc") ==
          400);
    CHECK(status_of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n") == 400);
    CHECK(status_of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n") == 400);
    CHECK(status_of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n") ==
          400);
    CHECK(status_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n") == 501);
    CHECK(status_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n") ==
          501);
    CHECK(status_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n") == 501);
    CHECK(status_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") == 400);
    CHECK(status_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX") == 400);
}

TEST_CASE("chunked framing is checked strictly", "[http][errors]") {
    const std::string head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
    CHECK(status_of(head + "3\r\nabc\r\n0\r\n\r\n") == 0);
    CHECK(status_of(head + "3\r\nabcXY0\r\n\r\n") == 400);   // data not followed by CRLF
    CHECK(status_of(head + "3\nabc\r\n0\r\n\r\n") == 400);    // bare LF after size
    CHECK(status_of(head + "3\r\nabc\n0\r\n\r\n") == 400);    // bare LF after data
    CHECK(status_of(head + "0\r\n\n") == 400);                 // bare LF ending the body
    CHECK(status_of(head + "0\r\nX: 1\n\r\n") == 400);         // bare LF in a trailer
    CHECK(status_of(head + "-3\r\nabc\r\n0\r\n\r\n") == 400);
}

TEST_CASE("chunked trailers are not merged into the headers", "[http]") {
    HttpRequestParser p;
    REQUIRE(p.feed("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "2\r\nhi\r\n0\r\nContent-Length: 99\r\nX-T: 1\r\n\r\n"));
    REQUIRE(p.has_request());
    auto r = p.take_request();
    CHECK(r.body() == "hi");
    CHECK(r.chunked());
    CHECK_FALSE(r.has_header("content-length"));
    CHECK_FALSE(r.has_header("x-t"));
    CHECK(r.header_count() == 2);
}

TEST_CASE("head size limit gives 431 at the exact byte", "[http][errors]") {
    HttpLimits limits;
    limits.max_head_bytes = 64;
    std::string head = "GET / HTTP/1.1\r\nHost: a\r\n";  // 25 bytes
    std::string pad = "X: " + std::string(64 - 25 - 2 - 5, 'v') + "\r\n";
    std::string exact = head + pad + "\r\n";
    REQUIRE(exact.size() == 64);
    CHECK(status_of(exact, limits) == 0);
    std::string over = head + "X: " + std::string(64 - 25 - 2 - 4, 'v') + "\r\n\r\n";
    REQUIRE(over.size() == 65);
    CHECK(status_of(over, limits) == 431);
    // A head that never ends is refused without buffering it all.
    HttpRequestParser p(limits);
    std::string endless = "GET /" + std::string(1 << 20, 'a');
    CHECK_FALSE(p.feed(endless));
    CHECK(p.error().status == 431);
}

TEST_CASE("header count limit gives 431", "[http][errors]") {
    HttpLimits limits;
    limits.max_header_count = 3;
    CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nB: 1\r\nC: 1\r\n\r\n", limits) == 0);
    CHECK(status_of("GET / HTTP/1.1\r\nHost: a\r\nB: 1\r\nC: 1\r\nD: 1\r\n\r\n", limits) == 431);
}

TEST_CASE("body limit: 413 from Content-Length before the body, and for chunked bodies",
          "[http][errors]") {
    HttpLimits limits;
    limits.max_body_bytes = 10;
    CHECK(status_of("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789", limits) == 0);
    // Refused as soon as the head is complete: no body byte was sent.
    HttpRequestParser p(limits);
    CHECK_FALSE(p.feed("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n"));
    CHECK(p.error().status == 413);
    CHECK(status_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "a\r\n0123456789\r\n0\r\n\r\n",
                    limits) == 0);
    CHECK(status_of("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "a\r\n0123456789\r\n1\r\nX\r\n0\r\n\r\n",
                    limits) == 413);
}

TEST_CASE("after an error earlier requests stay queued and the parser stays failed",
          "[http][errors]") {
    HttpRequestParser p;
    CHECK_FALSE(p.feed("GET /ok HTTP/1.1\r\nHost: a\r\n\r\nBROKEN\r\n\r\n"));
    CHECK(p.failed());
    CHECK(p.error().status == 400);
    CHECK_FALSE(p.error().reason.empty());
    REQUIRE(p.has_request());
    CHECK(p.take_request().path() == "/ok");
    CHECK_FALSE(p.feed("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
    CHECK_FALSE(p.has_request());
    CHECK_FALSE(p.mid_request());
}
