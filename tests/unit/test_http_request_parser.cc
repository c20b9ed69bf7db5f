// HttpRequestParser: framing of the byte stream into requests (any split, pipelining),
// the fields of each request, keep-alive rules, and the upgrade hand-off.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "ringmaster/protocol/http_request_parser.h"

using ringmaster::http::HttpLimits;
using ringmaster::http::HttpRequest;
using ringmaster::http::HttpRequestParser;

namespace {

// A flattened view of a request, so results of different splits can be compared.
struct Seen {
    std::string method, target, path, query, version, body;
    std::vector<std::pair<std::string, std::string>> headers;
    bool keep_alive = false, upgrade = false;
    bool operator==(const Seen&) const = default;
};

Seen flatten(const HttpRequest& r) {
    Seen s{std::string(r.method()), std::string(r.target()), std::string(r.path()),
           std::string(r.query()), std::string(r.protocol_version()), std::string(r.body()),
           {}, r.keep_alive(), r.is_upgrade()};
    for (size_t i = 0; i < r.header_count(); ++i)
        s.headers.emplace_back(r.header_at(i).name, r.header_at(i).value);
    return s;
}

struct Outcome {
    std::vector<Seen> requests;
    int error = 0;
};

// Feeds `input` in pieces of `step` bytes (0 = all at once), draining requests as they come.
Outcome parse(std::string_view input, size_t step = 0, HttpLimits limits = {}) {
    HttpRequestParser p(limits);
    Outcome out;
    if (step == 0) step = input.size() ? input.size() : 1;
    for (size_t i = 0; i < input.size(); i += step) {
        p.feed(input.substr(i, step));
        while (p.has_request()) out.requests.push_back(flatten(p.take_request()));
        if (p.failed()) break;
    }
    out.error = p.error().status;
    return out;
}

const std::string kGet =
    "GET /hello/world?name=ring&x=1 HTTP/1.1\r\n"
    "Host: example.com\r\n"
    "User-Agent: test\r\n"
    "Accept: */*\r\n"
    "\r\n";

}  // namespace

TEST_CASE("a simple GET exposes its fields", "[http]") {
    Outcome o = parse(kGet);
    REQUIRE(o.error == 0);
    REQUIRE(o.requests.size() == 1);
    const Seen& r = o.requests[0];
    CHECK(r.method == "GET");
    CHECK(r.target == "/hello/world?name=ring&x=1");
    CHECK(r.path == "/hello/world");
    CHECK(r.query == "name=ring&x=1");
    CHECK(r.version == "1.1");
    CHECK(r.body.empty());
    CHECK(r.keep_alive);
    CHECK_FALSE(r.upgrade);
    REQUIRE(r.headers.size() == 3);
    CHECK(r.headers[0] == std::make_pair(std::string("host"), std::string("example.com")));
    CHECK(r.headers[2] == std::make_pair(std::string("accept"), std::string("*/*")));
}

TEST_CASE("header lookup is case-insensitive and keeps repeats in order", "[http]") {
    HttpRequestParser p;
    REQUIRE(p.feed("GET / HTTP/1.1\r\nHost: h\r\nX-Tag: one\r\nx-tag:   two  \r\nEmpty:\r\n\r\n"));
    REQUIRE(p.has_request());
    HttpRequest r = p.take_request();
    CHECK(r.header("X-TAG") == "one");
    CHECK(r.header("empty").empty());
    CHECK(r.has_header("Empty"));
    CHECK_FALSE(r.has_header("missing"));
    std::vector<std::string> tags;
    r.for_each_header("x-tag", [&](std::string_view v) { tags.emplace_back(v); });
    CHECK(tags == std::vector<std::string>{"one", "two"});
}

TEST_CASE("any split of the stream yields the same requests", "[http]") {
    const std::string stream = kGet +
                               "POST /form HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n"
                               "Content-Type: text/plain\r\n\r\nhello world" +
                               "PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "5\r\nhello\r\n1;ext=1\r\n \r\n5\r\nworld\r\n0\r\nTrailer: x\r\n\r\n" +
                               "GET /last HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
    Outcome whole = parse(stream);
    REQUIRE(whole.error == 0);
    REQUIRE(whole.requests.size() == 4);
    CHECK(whole.requests[1].body == "hello world");
    CHECK(whole.requests[2].body == "hello world");
    CHECK(whole.requests[3].path == "/last");
    CHECK_FALSE(whole.requests[3].keep_alive);
    for (size_t step : {1, 2, 3, 7, 64}) {
        INFO("step " << step);
        Outcome split = parse(stream, step);
        CHECK(split.error == 0);
        CHECK(split.requests == whole.requests);
    }
}

TEST_CASE("pipelined requests are queued in order and held back past the queue limit", "[http]") {
    HttpLimits limits;
    limits.max_queued_requests = 2;
    HttpRequestParser p(limits);
    std::string five;
    for (int i = 0; i < 5; ++i) five += "GET /" + std::to_string(i) + " HTTP/1.1\r\nHost: h\r\n\r\n";
    REQUIRE(p.feed(five));
    CHECK(p.queued() == 2);
    CHECK(p.backlogged());
    CHECK(p.mid_request());
    std::vector<std::string> paths;
    while (p.has_request()) paths.emplace_back(p.take_request().path());
    CHECK(paths == std::vector<std::string>{"/0", "/1", "/2", "/3", "/4"});
    CHECK_FALSE(p.backlogged());
    CHECK_FALSE(p.mid_request());
}

TEST_CASE("mid_request tells whether a request is partly received", "[http]") {
    HttpRequestParser p;
    CHECK_FALSE(p.mid_request());
    p.feed("GE");
    CHECK(p.mid_request());
    p.feed("T / HTTP/1.1\r\nHost: h\r\n\r\n");
    CHECK_FALSE(p.mid_request());
    REQUIRE(p.has_request());
    p.take_request();
    p.feed("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nab");
    CHECK(p.mid_request());
    CHECK_FALSE(p.has_request());
    p.feed("cd");
    CHECK_FALSE(p.mid_request());
    REQUIRE(p.has_request());
    CHECK(p.take_request().body() == "abcd");
}

TEST_CASE("keep-alive follows the HTTP version and the Connection header", "[http]") {
    auto ka = [](std::string head) {
        Outcome o = parse(head + "\r\n");
        REQUIRE(o.requests.size() == 1);
        return o.requests[0].keep_alive;
    };
    CHECK(ka("GET / HTTP/1.1\r\nHost: h\r\n"));
    CHECK_FALSE(ka("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n"));
    CHECK_FALSE(ka("GET / HTTP/1.1\r\nHost: h\r\nConnection: Close\r\n"));
    CHECK_FALSE(ka("GET / HTTP/1.0\r\n"));
    CHECK(ka("GET / HTTP/1.0\r\nConnection: keep-alive\r\n"));
    CHECK(ka("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n"));
    Outcome o = parse("GET / HTTP/1.0\r\n\r\n");
    CHECK(o.requests[0].version == "1.0");
}

TEST_CASE("bytes after a Connection: close request are ignored", "[http]") {
    HttpRequestParser p;
    CHECK(p.feed("GET /a HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\nGET /b HTTP/1.1\r\n"));
    CHECK_FALSE(p.failed());
    CHECK(p.queued() == 1);
    CHECK_FALSE(p.mid_request());
}

TEST_CASE("absolute-form and asterisk targets", "[http]") {
    Outcome o = parse("GET http://example.com:8080/p/q?z=9 HTTP/1.1\r\nHost: example.com\r\n\r\n"
                      "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n"
                      "GET /only#frag HTTP/1.1\r\nHost: h\r\n\r\n");
    REQUIRE(o.error == 0);
    REQUIRE(o.requests.size() == 3);
    CHECK(o.requests[0].path == "/p/q");
    CHECK(o.requests[0].query == "z=9");
    CHECK(o.requests[1].path == "*");
    CHECK(o.requests[2].path == "/only");
    CHECK(o.requests[2].query.empty());
}

TEST_CASE("an upgrade request stops HTTP parsing and leaves the rest to the new protocol",
          "[http]") {
    HttpRequestParser p;
    const std::string head =
        "GET /chat HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    REQUIRE(p.feed(head + "\x81\x85"));
    CHECK(p.upgraded());
    REQUIRE(p.has_request());
    HttpRequest r = p.take_request();
    CHECK(r.is_upgrade());
    p.feed("more");
    CHECK(p.take_leftover() == "\x81\x85more");
    CHECK_FALSE(p.has_request());
}

TEST_CASE("a declined upgrade goes back to HTTP", "[http]") {
    HttpRequestParser p;
    REQUIRE(p.feed("GET / HTTP/1.1\r\nHost: h\r\nUpgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                   "\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n"));
    REQUIRE(p.upgraded());
    REQUIRE(p.take_request().is_upgrade());
    REQUIRE(p.resume_after_declined_upgrade());
    REQUIRE(p.has_request());
    CHECK(p.take_request().path() == "/next");
}

TEST_CASE("Expect: 100-continue is reported", "[http]") {
    HttpRequestParser p;
    p.feed("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
    CHECK(p.mid_request());
    p.feed("abc");
    REQUIRE(p.has_request());
    CHECK(p.take_request().expects_continue());
}

TEST_CASE("recycled requests are reused without keeping stale data", "[http]") {
    HttpRequestParser p;
    p.feed("POST /a HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nContent-Length: 3\r\n\r\nabc");
    HttpRequest first = p.take_request();
    p.recycle(std::move(first));
    p.feed("GET /b HTTP/1.1\r\nHost: h2\r\n\r\n");
    HttpRequest second = p.take_request();
    CHECK(second.path() == "/b");
    CHECK(second.header_count() == 1);
    CHECK(second.header("host") == "h2");
    CHECK(second.body().empty());
}

TEST_CASE("take_continue: once per HTTP/1.1 request whose announced body is still awaited", "[http]") {
    HttpRequestParser p;
    p.feed("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
    CHECK(p.take_continue());
    CHECK_FALSE(p.take_continue());
    p.feed("abc");
    REQUIRE(p.has_request());
    p.take_request();

    // The body arrived with the head: nothing to wait for.
    p.feed("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx");
    CHECK_FALSE(p.take_continue());
    p.take_request();

    // No body announced, an HTTP/1.0 client, or no expectation: no interim answer.
    HttpRequestParser none;
    none.feed("GET / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n");
    CHECK_FALSE(none.take_continue());
    HttpRequestParser old;
    old.feed("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
    CHECK_FALSE(old.take_continue());
    HttpRequestParser plain;
    plain.feed("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n");
    CHECK_FALSE(plain.take_continue());

    // A chunked body counts as announced.
    HttpRequestParser chunked;
    chunked.feed("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n");
    CHECK(chunked.take_continue());
}
