// HttpResponseWriter: status lines, default and caller headers, framing, keep-alive decisions,
// header-injection refusal, chunk pieces and error responses.
#include <catch2/catch.hpp>

#include <string>

#include "ringmaster/protocol/http_response_writer.h"

using namespace ringmaster::http;

namespace {
bool contains(std::string_view hay, std::string_view needle) {
    return hay.find(needle) != std::string_view::npos;
}
}  // namespace

TEST_CASE("reason phrases", "[http][response]") {
    CHECK(reason_phrase(200) == "OK");
    CHECK(reason_phrase(404) == "Not Found");
    CHECK(reason_phrase(413) == "Payload Too Large");
    CHECK(reason_phrase(431) == "Request Header Fields Too Large");
    CHECK(reason_phrase(101) == "Switching Protocols");
    CHECK(reason_phrase(799) == "Unknown");
}

TEST_CASE("Date is an IMF-fixdate", "[http][response]") {
    std::string_view d = http_date_now();
    REQUIRE(d.size() == 29);
    CHECK(d.substr(3, 2) == ", ");
    CHECK(d.substr(25) == " GMT");
    CHECK(d[19] == ':');
    CHECK(d[22] == ':');
}

TEST_CASE("the simple head is a complete 200 with Content-Length", "[http][response]") {
    HttpResponseWriter w;
    std::string head(w.simple_head(5, true));
    CHECK(head.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(contains(head, "\r\nServer: ringmaster\r\n"));
    CHECK(contains(head, "\r\nDate: "));
    CHECK(contains(head, "\r\nContent-Type: text/html;charset=utf-8\r\n"));
    CHECK(contains(head, "\r\nContent-Length: 5\r\n"));
    CHECK(contains(head, "\r\nConnection: keep-alive\r\n\r\n"));
    CHECK(head.size() - head.rfind("\r\n\r\n") == 4);
    std::string closing(w.simple_head(0, false, 0));
    CHECK(closing.rfind("HTTP/1.0 200 OK\r\n", 0) == 0);
    CHECK(contains(closing, "Connection: close\r\n\r\n"));
    CHECK_FALSE(w.keep_alive());
}

TEST_CASE("caller headers replace defaults; framing headers belong to the writer",
          "[http][response]") {
    HttpResponseWriter w;
    w.begin(404);
    CHECK(w.add_header("Content-Type", "application/json"));
    CHECK(w.add_header("Server", "mine"));
    CHECK(w.add_header("Content-Length", "999"));
    CHECK(w.add_header("Set-Cookie", "a=1"));
    CHECK(w.add_header("Set-Cookie", "b=2"));
    std::string head(w.finish(7, true));
    CHECK(head.rfind("HTTP/1.1 404 Not Found\r\n", 0) == 0);
    CHECK(contains(head, "Content-Type: application/json\r\n"));
    CHECK_FALSE(contains(head, "text/html"));
    CHECK(contains(head, "Server: mine\r\n"));
    CHECK_FALSE(contains(head, "ringmaster"));
    CHECK(contains(head, "Content-Length: 7\r\n"));
    CHECK_FALSE(contains(head, "999"));
    CHECK(contains(head, "Set-Cookie: a=1\r\nSet-Cookie: b=2\r\n"));
    CHECK(w.keep_alive());
}

TEST_CASE("header injection is refused", "[http][response]") {
    HttpResponseWriter w;
    w.begin(200);
    CHECK_FALSE(w.add_header("X-A", "v\r\nSet-Cookie: evil=1"));
    CHECK_FALSE(w.add_header("X-A", "v\nx"));
    CHECK_FALSE(w.add_header("X-A", std::string_view("v\0x", 3)));
    CHECK_FALSE(w.add_header("X A", "v"));
    CHECK_FALSE(w.add_header("X:A", "v"));
    CHECK_FALSE(w.add_header("", "v"));
    w.begin(200, 1, "OK\r\nX-Evil: 1");
    std::string head(w.finish(0, true));
    CHECK_FALSE(contains(head, "Evil"));
    CHECK(head.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
}

TEST_CASE("Connection: close from the caller closes", "[http][response]") {
    HttpResponseWriter w;
    w.begin(200);
    w.add_header("Connection", "Close");
    std::string head(w.finish(0, true));
    CHECK(contains(head, "Connection: close\r\n"));
    CHECK_FALSE(w.keep_alive());
}

TEST_CASE("chunked framing, and its HTTP/1.0 fallback", "[http][response]") {
    HttpResponseWriter w;
    w.begin(200);
    std::string head(w.finish(BodyFraming::chunked, 0, true));
    CHECK(contains(head, "Transfer-Encoding: chunked\r\n"));
    CHECK_FALSE(contains(head, "Content-Length"));
    CHECK(w.keep_alive());
    w.begin(200, 0);
    std::string old(w.finish(BodyFraming::chunked, 0, true));
    CHECK_FALSE(contains(old, "Transfer-Encoding"));
    CHECK(contains(old, "Connection: close"));
    CHECK_FALSE(w.keep_alive());
    char buf[kChunkHeaderMax];
    CHECK(chunk_header(255, buf) == "ff\r\n");
    CHECK(chunk_header(1, buf) == "1\r\n");
    CHECK(kLastChunk == "0\r\n\r\n");
}

TEST_CASE("no framing header for 1xx, 204 and 304", "[http][response]") {
    HttpResponseWriter w;
    for (int status : {101, 204, 304}) {
        w.begin(status);
        std::string head(w.finish(10, true));
        CHECK_FALSE(contains(head, "Content-Length"));
        CHECK_FALSE(contains(head, "Content-Type"));
    }
}

TEST_CASE("error responses are complete and close the connection", "[http][response]") {
    HttpResponseWriter w;
    for (int status : {400, 413, 431, 501, 505}) {
        std::string r(w.error_response(status));
        std::string expect_body = std::to_string(status) + " " + std::string(reason_phrase(status));
        CHECK(r.rfind("HTTP/1.1 " + expect_body + "\r\n", 0) == 0);
        CHECK(contains(r, "Connection: close\r\n"));
        CHECK(contains(r, "Content-Length: " + std::to_string(expect_body.size()) + "\r\n"));
        CHECK(r.substr(r.size() - expect_body.size()) == expect_body);
        CHECK_FALSE(w.keep_alive());
    }
}
