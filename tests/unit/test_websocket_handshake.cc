// WebSocket opening handshake: RFC 6455's accept-key vector, validation of client requests,
// the 101/400/426 answers, and the client side reading the server's answer.
#include <catch2/catch.hpp>

#include <string>

#include "ringmaster/protocol/http_request_parser.h"
#include "ringmaster/protocol/websocket_handshake.h"

using namespace ringmaster;

namespace {

http::HttpRequest request(const std::string& head) {
    http::HttpRequestParser p;
    p.feed(head + "\r\n");
    REQUIRE(p.has_request());
    return p.take_request();
}

const std::string kGood =
    "GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\n"
    "Connection: keep-alive, Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: chat, superchat\r\n";

std::string replace(std::string s, const std::string& from, const std::string& to) {
    size_t at = s.find(from);
    REQUIRE(at != std::string::npos);
    return s.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("accept key of RFC 6455's example", "[websocket][handshake]") {
    CHECK(ws::accept_key_for("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST_CASE("a valid upgrade request is accepted with a 101", "[websocket][handshake]") {
    http::HttpRequest r = request(kGood);
    CHECK(r.is_upgrade());
    ws::UpgradeCheck c = ws::check_upgrade_request(r);
    REQUIRE(c.ok);
    CHECK(c.key == "dGhlIHNhbXBsZSBub25jZQ==");
    CHECK(c.protocols == "chat, superchat");
    std::string resp = ws::accept_response(c.key, "chat");
    CHECK(resp.rfind("HTTP/1.1 101 Switching Protocols\r\n", 0) == 0);
    CHECK(resp.find("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n") != std::string::npos);
    CHECK(resp.find("\r\nSec-WebSocket-Protocol: chat\r\n") != std::string::npos);
    CHECK(resp.find("\r\nUpgrade: websocket\r\n") != std::string::npos);
    CHECK(resp.substr(resp.size() - 4) == "\r\n\r\n");
}

TEST_CASE("invalid upgrade requests are refused", "[websocket][handshake]") {
    auto status = [](const std::string& head) {
        ws::UpgradeCheck c = ws::check_upgrade_request(request(head));
        CHECK_FALSE(c.ok);
        CHECK_FALSE(c.error.empty());
        return c.status;
    };
    CHECK(status(replace(kGood, "GET", "POST")) == 400);
    CHECK(status(replace(kGood, "Upgrade: websocket", "Upgrade: h2c")) == 400);
    CHECK(status(replace(kGood, "keep-alive, Upgrade", "keep-alive")) == 400);
    CHECK(status(replace(kGood, "Version: 13", "Version: 8")) == 426);
    CHECK(status(replace(kGood, "Sec-WebSocket-Version: 13\r\n", "")) == 426);
    CHECK(status(replace(kGood, "dGhlIHNhbXBsZSBub25jZQ==", "short")) == 400);
    CHECK(status(replace(kGood, "dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25jZQ")) == 400);
    CHECK(status(replace(kGood, "dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub2!jZQ==")) == 400);
    CHECK(status(replace(kGood, "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", "")) == 400);

    ws::UpgradeCheck c = ws::check_upgrade_request(request(replace(kGood, "Version: 13", "Version: 8")));
    std::string rej = ws::reject_response(c);
    CHECK(rej.rfind("HTTP/1.1 426 Upgrade Required\r\n", 0) == 0);
    CHECK(rej.find("Sec-WebSocket-Version: 13\r\n") != std::string::npos);
}

TEST_CASE("client keys are fresh base64 of 16 bytes", "[websocket][handshake]") {
    std::string a = ws::make_client_key(), b = ws::make_client_key();
    CHECK(a.size() == 24);
    CHECK(a.substr(22) == "==");
    CHECK(a != b);
}

TEST_CASE("client request is a valid upgrade request for our own server side",
          "[websocket][handshake]") {
    std::string key = ws::make_client_key();
    std::string req = ws::client_request("example.com:8080", "/ws?x=1", key, "Origin: http://a\r\n");
    http::HttpRequestParser p;
    REQUIRE(p.feed(req));
    REQUIRE(p.has_request());
    http::HttpRequest r = p.take_request();
    CHECK(r.path() == "/ws");
    CHECK(r.header("host") == "example.com:8080");
    CHECK(r.header("origin") == "http://a");
    CHECK(ws::check_upgrade_request(r).ok);
}

TEST_CASE("client accepts the right 101 and keeps the bytes after it", "[websocket][handshake]") {
    std::string key = "dGhlIHNhbXBsZSBub25jZQ==";
    std::string resp = ws::accept_response(key) + "\x81\x02hi";
    for (size_t step : {resp.size(), size_t{1}, size_t{5}}) {
        ws::ClientHandshake h(key);
        for (size_t i = 0; i < resp.size(); i += step) h.feed(std::string_view(resp).substr(i, step));
        CHECK(h.state() == ws::ClientHandshake::State::accepted);
        CHECK(h.status() == 101);
        CHECK(h.take_leftover() == "\x81\x02hi");
    }
}

TEST_CASE("client rejects wrong answers", "[websocket][handshake]") {
    std::string key = "dGhlIHNhbXBsZSBub25jZQ==";
    auto state_of = [&](const std::string& resp) {
        ws::ClientHandshake h(key);
        h.feed(resp);
        return h.state();
    };
    using S = ws::ClientHandshake::State;
    std::string good = ws::accept_response(key);
    CHECK(state_of(good) == S::accepted);
    CHECK(state_of(replace(good, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "s3pPLMBiTxaQ9kYGzzhZRbK+xOX=")) == S::rejected);
    CHECK(state_of("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n") == S::rejected);
    CHECK(state_of(replace(good, "Upgrade: websocket\r\n", "")) == S::rejected);
    CHECK(state_of("garbage\r\n\r\n") == S::rejected);
    CHECK(state_of("HTTP/1.1 101 Switching") == S::pending);
    ws::ClientHandshake big(key, 64);
    CHECK(big.feed("HTTP/1.1 101 Switching Protocols\r\nX: " + std::string(100, 'a')) == S::rejected);
}
