// One complete HTTP/1.x request as the parser hands it over: a single owned buffer holding
// the request-target, the header names and values and the (de-chunked) body, with every field
// exposed as a view into that buffer. Nothing is decoded eagerly; see http_form_data.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ringmaster::http {

struct HttpHeader {
    std::string_view name;   // lower-cased by the parser ("content-type")
    std::string_view value;  // surrounding spaces/tabs removed
};

class HttpRequest {
public:
    // "GET", "POST"... (a static string, valid forever).
    std::string_view method() const { return method_; }
    // The request-target as sent: "/a/b?x=1", "*", or an absolute "http://h/p?q".
    std::string_view target() const { return span(target_); }
    // Path part of the target, not percent-decoded ("/a/b"). "*" for "OPTIONS *".
    std::string_view path() const { return span(path_); }
    // Query string without the '?', not decoded ("x=1"); empty if none.
    std::string_view query() const { return span(query_); }
    int version_major() const { return major_; }
    int version_minor() const { return minor_; }
    // "1.0" or "1.1".
    std::string_view protocol_version() const { return minor_ == 0 ? "1.0" : "1.1"; }

    // Headers in arrival order; repeated headers appear once per occurrence.
    size_t header_count() const { return headers_.size(); }
    HttpHeader header_at(size_t i) const {
        const Field& f = headers_[i];
        return {span(f.name), span(f.value)};
    }
    // First value of the header `name` (any case), or empty view if absent.
    std::string_view header(std::string_view name) const;
    bool has_header(std::string_view name) const;
    // Calls fn(value) for each occurrence of `name`, in order.
    template <class F>
    void for_each_header(std::string_view name, F&& fn) const {
        for (const Field& f : headers_)
            if (name_equals(span(f.name), name)) fn(span(f.value));
    }

    // The body, de-chunked when it came with Transfer-Encoding: chunked.
    std::string_view body() const { return span(body_); }
    bool chunked() const { return chunked_; }

    // Whether the connection may stay open after the answer: HTTP/1.1 unless
    // "Connection: close", HTTP/1.0 only with "Connection: keep-alive".
    bool keep_alive() const { return keep_alive_; }
    // Upgrade + "Connection: upgrade" were both present (WebSocket handshake candidate).
    // The parser stops after such a request; see HttpRequestParser::upgraded().
    bool is_upgrade() const { return upgrade_; }
    // "Expect: 100-continue" was sent (the glue may answer "100 Continue" early).
    bool expects_continue() const { return expect_continue_; }

    // Every byte this request owns (target, headers, body), for accounting.
    size_t buffer_size() const { return buffer_.size(); }

private:
    friend class HttpRequestParser;
    struct Span {
        uint32_t off = 0;
        uint32_t len = 0;
    };
    struct Field {
        Span name;
        Span value;
    };
    std::string_view span(Span s) const { return {buffer_.data() + s.off, s.len}; }
    static bool name_equals(std::string_view lower, std::string_view any);
    void clear();

    std::string buffer_;
    std::vector<Field> headers_;
    const char* method_ = "";
    Span target_, path_, query_, body_;
    uint8_t major_ = 1, minor_ = 1;
    bool keep_alive_ = false;
    bool upgrade_ = false;
    bool chunked_ = false;
    bool expect_continue_ = false;
};

}  // namespace ringmaster::http
