// Builds HTTP/1.x response heads into one reusable buffer so the body (a PHP string owned
// elsewhere) can follow in the same iovec without being copied. Also: reason phrases, the
// per-second Date cache, chunked-encoding pieces and complete error responses.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ringmaster::http {

// "OK", "Not Found"...; "Unknown" for codes without a registered phrase.
std::string_view reason_phrase(int status);

// RFC 7231 IMF-fixdate of the current second ("Sun, 06 Nov 1994 08:49:37 GMT"), formatted at
// most once per second per thread, and independent of the C locale.
std::string_view http_date_now();

// How the body that follows the head is delimited.
enum class BodyFraming {
    content_length,  // Content-Length: body_len
    chunked,         // Transfer-Encoding: chunked (HTTP/1.1); see chunk_header()
    until_close,     // no length: the connection closes after the body
};

class HttpResponseWriter {
public:
    // Starts a new head (the previous one is discarded, its capacity kept). `version_minor`
    // is the request's: an HTTP/1.0 client gets an HTTP/1.0 answer. An empty reason uses
    // reason_phrase(status).
    void begin(int status, int version_minor = 1, std::string_view reason = {});

    // Adds one header line. Returns false and adds nothing when the name is not a token or
    // the value holds CR, LF or NUL (response splitting). Content-Length and Transfer-Encoding
    // are ignored (framing belongs to finish()); "Connection: close" forces the close.
    // Server, Date and Content-Type given here replace the defaults.
    bool add_header(std::string_view name, std::string_view value);

    // Completes the head: Server, Date, Content-Type (text/html;charset=utf-8) unless given,
    // the framing header and Connection. `keep_alive` is the request's keep_alive(); the
    // effective choice is keep_alive() afterwards. 1xx/204/304 get no framing header.
    // Returns the head, valid until the next begin().
    std::string_view finish(BodyFraming framing, size_t body_len, bool keep_alive);
    std::string_view finish(size_t body_len, bool keep_alive) {
        return finish(BodyFraming::content_length, body_len, keep_alive);
    }

    // Fast path for send('string'): the whole head of a 200 text/html response in one go.
    std::string_view simple_head(size_t body_len, bool keep_alive, int version_minor = 1);

    // Complete response (head and short text body) for a parser error or any status:
    // "Connection: close", Content-Type text/plain.
    std::string_view error_response(int status, int version_minor = 1);

    std::string_view head() const { return buf_; }
    // Whether the connection stays open after this response.
    bool keep_alive() const { return keep_alive_; }

private:
    void status_line(int status, int version_minor, std::string_view reason);
    void append_number(size_t n);
    void append_fixed_headers(bool server, bool date);

    std::string buf_;
    int status_ = 200;
    int minor_ = 1;
    bool keep_alive_ = true;
    bool force_close_ = false;
    bool has_server_ = false, has_date_ = false, has_content_type_ = false;
};

// Chunked transfer coding: send chunk_header(n), then the n bytes, then kChunkEnd; finish the
// body with kLastChunk. A zero-length chunk must not be sent as data (it ends the body).
constexpr size_t kChunkHeaderMax = 20;
std::string_view chunk_header(size_t len, char (&out)[kChunkHeaderMax]);
inline constexpr std::string_view kChunkEnd = "\r\n";
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";

}  // namespace ringmaster::http
