// Per-connection HTTP/1.1 request parser (libhttp-parser underneath). Feed it the byte stream
// split anywhere; it queues complete HttpRequest objects in arrival order, enforces the size
// limits, and after the first violation stays failed with the HTTP status to answer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ringmaster/protocol/http_request.h"

struct http_parser;  // libhttp-parser, kept out of this header

namespace ringmaster::http {

struct HttpLimits {
    // Request line + all header lines, CRLFs included. Past it: 431. (libhttp-parser caps a
    // single header block at 80 KiB on its own, so larger values behave as 80 KiB.)
    size_t max_head_bytes = 16 * 1024;
    // Past it: 431.
    size_t max_header_count = 100;
    // Body bytes after de-chunking (Workerman's maxPackageSize). A larger Content-Length is
    // refused with 413 before any body byte is buffered; a chunked body fails once it passes.
    // Clamped to 2 GiB.
    size_t max_body_bytes = 10 * 1024 * 1024;
    // Requests parsed ahead and queued before the parser holds further input back (pipelining).
    size_t max_queued_requests = 16;
    // RFC 7230 5.4: HTTP/1.1 requests without exactly one Host header get 400.
    bool require_host = true;
};

struct HttpError {
    int status = 0;           // 400, 413, 431, 501, 505
    std::string_view reason;  // short text for logs / onError (static string)
};

class HttpRequestParser {
public:
    explicit HttpRequestParser(const HttpLimits& limits = {});
    ~HttpRequestParser();
    HttpRequestParser(const HttpRequestParser&) = delete;
    HttpRequestParser& operator=(const HttpRequestParser&) = delete;

    // Consumes all of `bytes`. Returns false once the stream is broken (see error()). Requests
    // completed before the broken one stay queued and should be answered first. Input beyond
    // max_queued_requests, or after an upgrade request, is kept (copied) until take_request()
    // or take_leftover() releases it.
    bool feed(std::string_view bytes);

    // Complete requests waiting to be answered, oldest first.
    bool has_request() const { return head_ < queue_.size(); }
    size_t queued() const { return queue_.size() - head_; }
    // Pops the oldest request (precondition: has_request()). Resumes parsing held-back input.
    HttpRequest take_request();
    // Hands an answered request back so its buffers are reused for the next one parsed in
    // this thread, by any connection (this is what makes steady-state parsing allocation-free:
    // the request usually dies in the glue, long after the parser that made it moved on).
    static void recycle(HttpRequest&& done);

    bool failed() const { return error_.status != 0; }
    const HttpError& error() const { return error_; }

    // Part of a request has arrived (or unparsed input is held back): closing now could cut a
    // request in flight.
    bool mid_request() const;
    // Input is being held back because the queue is full: stop reading until it drains.
    bool backlogged() const { return !held_.empty() && !upgraded_ && !failed(); }

    // "Expect: 100-continue" (HTTP/1.1, a body announced): true once per request, while its
    // body is still awaited, so the codec can send the interim "100 Continue" when this
    // request is the next to be answered. Clients otherwise stall before sending the body.
    bool take_continue();

    // The last queued request was an Upgrade (is_upgrade()); HTTP parsing stopped after it and
    // the bytes that followed belong to the new protocol.
    bool upgraded() const { return upgraded_; }
    std::string take_leftover();
    // The glue declined the upgrade and answered in HTTP: go on parsing the held bytes as HTTP.
    bool resume_after_declined_upgrade();

    const HttpLimits& limits() const { return limits_; }

private:
    struct Callbacks;
    friend struct Callbacks;
    enum class Phase : uint8_t { idle, head, body };

    size_t consume(std::string_view bytes);
    bool can_parse() const;
    bool parse_step(std::string_view bytes, size_t* used);
    // Records the first error; `earlier_in_stream` lets a byte-level check replace an error
    // the library reported at a later position of the same call.
    bool fail(int status, std::string_view reason, bool earlier_in_stream = false);
    bool check_head_bytes(std::string_view head_part);
    bool check_chunked_bytes(std::string_view body_part);
    bool finish_head();
    void finish_message();

    HttpLimits limits_;
    std::unique_ptr<::http_parser> parser_;
    HttpRequest current_;
    std::vector<HttpRequest> queue_;
    size_t head_ = 0;
    std::string held_;  // input not yet parsed (queue full, upgrade, or failure)
    HttpError error_;
    Phase phase_ = Phase::idle;
    enum class LastData : uint8_t { none, url, field, value } last_ = LastData::none;
    size_t head_bytes_ = 0;
    size_t body_limit_ = 0;
    char prev_head_char_ = '\n';
    // Request-line check: spaces seen and how much of "HTTP/" matched.
    uint8_t line_spaces_ = 0;
    uint8_t proto_matched_ = 0;
    bool in_request_line_ = true;
    size_t header_lines_ = 0;
    size_t line_len_ = 0;  // bytes of the current head line so far, CR included
    // Chunked framing check (Debian builds libhttp-parser non-strict, which tolerates
    // malformed chunk delimiters: a request-smuggling vector).
    uint8_t chunk_state_ = 0;
    uint64_t chunk_left_ = 0;
    uint64_t chunk_body_bytes_ = 0;
    bool upgraded_ = false;
    bool continue_due_ = false;  // see take_continue()
    bool closed_ = false;  // a "Connection: close" request ended the stream: ignore the rest
};

}  // namespace ringmaster::http
