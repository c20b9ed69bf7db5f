// HttpRequestParser on top of libhttp-parser. The C parser does the grammar; this file copies
// the pieces into the request's buffer, enforces our limits and maps failures to statuses.
// The C parser is paused at the end of every head and every message so that limits are checked
// at exact byte positions and each call returns at a request boundary.
#include "ringmaster/protocol/http_request_parser.h"

#include <http_parser.h>

#include <algorithm>
#include <climits>
#include <cstring>

namespace ringmaster::http {
namespace {

constexpr size_t kMaxSpare = 64;  // per thread: enough for every request in flight at once
constexpr size_t kMaxSpareCapacity = 64 * 1024;

std::vector<HttpRequest>& spare_requests() {
    thread_local std::vector<HttpRequest> spare;
    return spare;
}
constexpr size_t kBodyCeiling = size_t{2} << 30;  // offsets are 32-bit

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        unsigned char x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
        if (x >= 'A' && x <= 'Z') x += 32;
        if (y >= 'A' && y <= 'Z') y += 32;
        if (x != y) return false;
    }
    return true;
}

std::string_view trim_ows(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// RFC 7230 tchar; the non-strict library lets spaces and separators through.
bool is_token(std::string_view s) {
    if (s.empty()) return false;
    for (unsigned char c : s) {
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) continue;
        if (std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) == std::string_view::npos)
            return false;
    }
    return true;
}

// field-value: visible characters, obs-text, SP and HTAB; no other control byte.
bool is_field_value(std::string_view s) {
    for (unsigned char c : s)
        if ((c < 0x20 && c != '\t') || c == 0x7F) return false;
    return true;
}

}  // namespace

// Static trampolines from the C callbacks into the parser object.
struct HttpRequestParser::Callbacks {
    static HttpRequestParser& self(::http_parser* p) {
        return *static_cast<HttpRequestParser*>(p->data);
    }

    static int on_message_begin(::http_parser* p) {
        self(p).phase_ = Phase::head;
        return 0;
    }

    static int on_url(::http_parser* p, const char* at, size_t len) {
        HttpRequest& r = self(p).current_;
        if (r.target_.len == 0) r.target_.off = static_cast<uint32_t>(r.buffer_.size());
        r.buffer_.append(at, len);
        r.target_.len += static_cast<uint32_t>(len);
        self(p).last_ = LastData::url;
        return 0;
    }

    static int on_header_field(::http_parser* p, const char* at, size_t len) {
        HttpRequestParser& s = self(p);
        HttpRequest& r = s.current_;
        if (s.phase_ == Phase::body) return 0;  // chunked trailers are dropped, never merged
        if (s.last_ != LastData::field) {
            // The header count limit is enforced by check_head_bytes(); the head size limit
            // bounds this vector meanwhile.
            r.headers_.emplace_back();
            r.headers_.back().name.off = static_cast<uint32_t>(r.buffer_.size());
            s.last_ = LastData::field;
        }
        // Lower-case on the way in: lookups get cheaper and PHP sees Workerman's keys.
        size_t old = r.buffer_.size();
        r.buffer_.append(at, len);
        for (size_t i = old; i < r.buffer_.size(); ++i) {
            char& c = r.buffer_[i];
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
        }
        r.headers_.back().name.len += static_cast<uint32_t>(len);
        return 0;
    }

    static int on_header_value(::http_parser* p, const char* at, size_t len) {
        HttpRequestParser& s = self(p);
        HttpRequest& r = s.current_;
        if (s.phase_ == Phase::body) return 0;
        if (s.last_ != LastData::value) {
            r.headers_.back().value.off = static_cast<uint32_t>(r.buffer_.size());
            s.last_ = LastData::value;
        }
        r.buffer_.append(at, len);
        r.headers_.back().value.len += static_cast<uint32_t>(len);
        return 0;
    }

    static int on_headers_complete(::http_parser* p) {
        // Any value but 0, 1 and 2 is an error here (1 and 2 mean "no body").
        if (!self(p).finish_head()) return -1;
        http_parser_pause(p, 1);
        return 0;
    }

    static int on_body(::http_parser* p, const char* at, size_t len) {
        HttpRequestParser& s = self(p);
        HttpRequest& r = s.current_;
        if (r.body_.len + len > s.body_limit_) return s.fail(413, "body too large") ? 0 : 1;
        r.buffer_.append(at, len);
        r.body_.len += static_cast<uint32_t>(len);
        return 0;
    }

    static int on_message_complete(::http_parser* p) {
        self(p).finish_message();
        http_parser_pause(p, 1);
        return 0;
    }

    static const http_parser_settings& settings() {
        static const http_parser_settings s = [] {
            http_parser_settings t;
            http_parser_settings_init(&t);
            t.on_message_begin = on_message_begin;
            t.on_url = on_url;
            t.on_header_field = on_header_field;
            t.on_header_value = on_header_value;
            t.on_headers_complete = on_headers_complete;
            t.on_body = on_body;
            t.on_message_complete = on_message_complete;
            return t;
        }();
        return s;
    }
};

HttpRequestParser::HttpRequestParser(const HttpLimits& limits)
    : limits_(limits), parser_(std::make_unique<::http_parser>()) {
    limits_.max_body_bytes = std::min(limits_.max_body_bytes, kBodyCeiling);
    if (limits_.max_queued_requests == 0) limits_.max_queued_requests = 1;
    http_parser_init(parser_.get(), HTTP_REQUEST);
    parser_->data = this;
}

HttpRequestParser::~HttpRequestParser() = default;

bool HttpRequestParser::fail(int status, std::string_view reason, bool earlier_in_stream) {
    if (error_.status == 0 || earlier_in_stream) error_ = HttpError{status, reason};
    return false;
}

bool HttpRequestParser::can_parse() const {
    return !failed() && !upgraded_ && !closed_ && queued() < limits_.max_queued_requests;
}

bool HttpRequestParser::feed(std::string_view bytes) {
    if (failed()) return false;
    if (closed_) return true;
    if (!held_.empty() || !can_parse()) {
        held_.append(bytes);
        if (can_parse()) held_.erase(0, consume(held_));
    } else {
        size_t used = consume(bytes);
        if (used < bytes.size() && !failed() && !closed_) held_.assign(bytes.substr(used));
    }
    if (closed_) held_.clear();
    return !failed();
}

size_t HttpRequestParser::consume(std::string_view bytes) {
    size_t pos = 0;
    while (pos < bytes.size() && can_parse()) {
        size_t used = 0;
        if (!parse_step(bytes.substr(pos), &used)) break;
        pos += used;
    }
    return pos;
}

// One http_parser_execute call. While in the head, the input is cut so that at most one byte
// beyond the head limit is ever examined, which makes the 431 check exact and bounds memory.
bool HttpRequestParser::parse_step(std::string_view bytes, size_t* used) {
    const bool in_head = phase_ != Phase::body;
    size_t len = bytes.size();
    if (in_head) len = std::min(len, limits_.max_head_bytes - head_bytes_ + 1);

    size_t n = http_parser_execute(parser_.get(), &Callbacks::settings(), bytes.data(), len);
    *used = n;
    const auto err = HTTP_PARSER_ERRNO(parser_.get());
    if (err == HPE_PAUSED) http_parser_pause(parser_.get(), 0);

    // Our byte-level checks cover exactly the bytes the library consumed, also when it stopped
    // on an error: a fault they find lies earlier in the stream and wins (see fail()), so the
    // outcome does not depend on how the input was split.
    if (in_head) {
        // When the head just completed, the parser stopped on its final LF: check that too.
        size_t scanned = (!failed() && phase_ == Phase::body && n < len) ? n + 1 : n;
        check_head_bytes(bytes.substr(0, scanned));
    } else if (current_.chunked_ ||
               (!queue_.empty() && phase_ == Phase::idle && queue_.back().chunked_)) {
        // The first body call starts on the head's final LF, already checked.
        std::string_view part = bytes.substr(0, n);
        if (chunk_state_ == 0 && !part.empty()) part.remove_prefix(1), chunk_state_ = 1;
        const bool completed = phase_ == Phase::idle;
        // The library may have completed (and we queued) the message before the check ran.
        if (!check_chunked_bytes(part) && completed) queue_.pop_back();
    }
    if (failed()) return false;
    if (err == HPE_OK || err == HPE_PAUSED) return true;

    switch (err) {
        case HPE_CLOSED_CONNECTION:
            // Bytes after a request that asked to close: the answer will close, drop them.
            closed_ = true;
            return false;
        case HPE_HEADER_OVERFLOW:
            return fail(431, "request head too large");
        case HPE_INVALID_CONTENT_LENGTH:
        case HPE_UNEXPECTED_CONTENT_LENGTH:
            return fail(400, "invalid or conflicting Content-Length");
        case HPE_INVALID_TRANSFER_ENCODING:
            return fail(501, "unsupported Transfer-Encoding");
        case HPE_INVALID_METHOD:
            return fail(400, "invalid method");
        case HPE_INVALID_URL:
            return fail(400, "invalid request target");
        case HPE_INVALID_VERSION:
            return fail(400, "invalid HTTP version");
        case HPE_INVALID_HEADER_TOKEN:
            return fail(400, "invalid character in header");
        case HPE_INVALID_CHUNK_SIZE:
            return fail(400, "invalid chunk size");
        default:
            return fail(400, "malformed request");
    }
}

// Enforces the head size and rejects line endings libhttp-parser tolerates: a bare LF (an
// ambiguity request smugglers use) and obs-fold continuation lines (RFC 7230 3.2.4 allows 400).
bool HttpRequestParser::check_head_bytes(std::string_view head_part) {
    head_bytes_ += head_part.size();
    const char* p = head_part.data();
    const char* const end = p + head_part.size();
    char prev = prev_head_char_;
    while (p < end) {
        if (in_request_line_ && line_len_ == 0 && line_spaces_ == 0 && prev == '\n') {
            // Fast path: the whole request line is here. Same verdicts as the loop below:
            // CRLF-terminated, and the word after the second space starts with "HTTP/".
            const char* nl = static_cast<const char*>(memchr(p, '\n', size_t(end - p)));
            std::string_view line = nl ? std::string_view(p, size_t(nl - p)) : std::string_view();
            size_t sp1 = line.find(' ');
            size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
            if (nl && sp2 != std::string_view::npos) {
                // In the order the loop would find them: a wrong protocol letter comes before
                // the line end; at the line end, a bare LF before a protocol cut short.
                std::string_view proto = line.substr(sp2 + 1);
                proto = proto.substr(0, std::min(proto.find(' '), size_t(5)));
                if (proto != std::string_view("HTTP/").substr(0, proto.size()))
                    return fail(400, "invalid HTTP version", true);
                if (nl[-1] != '\r') return fail(400, "bare LF in request head", true);
                if (proto.size() < 5) return fail(400, "invalid HTTP version", true);
                in_request_line_ = false;
                line_spaces_ = 2;
                proto_matched_ = 5;
                p = nl + 1;
                continue;
            }
        }
        if (in_request_line_) {
            // The request line, byte by byte (it is short): libhttp-parser (non-strict build)
            // accepts any letters in place of "HTTP/".
            char c = *p++;
            if (c == '\n' && prev != '\r') return fail(400, "bare LF in request head", true);
            line_len_ = c == '\n' ? 0 : line_len_ + 1;
            prev = c;
            if (c == ' ') {
                ++line_spaces_;
            } else if (c == '\n' && line_spaces_ > 0) {
                if (proto_matched_ != 5) return fail(400, "invalid HTTP version", true);
                in_request_line_ = false;
            } else if (line_spaces_ == 2 && proto_matched_ < 5) {
                if (c != "HTTP/"[proto_matched_]) return fail(400, "invalid HTTP version", true);
                ++proto_matched_;
            }
            continue;
        }
        // Header lines: only where a line starts and ends matters, so jump from LF to LF.
        if (prev == '\n' && (*p == ' ' || *p == '\t'))
            return fail(400, "obsolete line folding", true);
        const char* nl = static_cast<const char*>(memchr(p, '\n', size_t(end - p)));
        if (!nl) {
            line_len_ += size_t(end - p);
            prev = end[-1];
            break;
        }
        if ((nl > p ? nl[-1] : prev) != '\r') return fail(400, "bare LF in request head", true);
        line_len_ += size_t(nl - p);
        // Header lines are counted where they end, a position that does not depend on how
        // the input was split (the library's callbacks fire at chunk ends). The empty line
        // that ends the head ("\r" only) is not one.
        if (line_len_ > 1 && ++header_lines_ > limits_.max_header_count)
            return fail(431, "too many header fields", true);
        line_len_ = 0;
        prev = '\n';
        p = nl + 1;
    }
    prev_head_char_ = prev;
    if (head_bytes_ > limits_.max_head_bytes) return fail(431, "request head too large", true);
    return true;
}

// Runs in on_headers_complete: validates what the grammar cannot and fills derived fields.
// Returns false (with error() set) to stop the C parser.
bool HttpRequestParser::finish_head() {
    ::http_parser* p = parser_.get();
    HttpRequest& r = current_;
    for (HttpRequest::Field& f : r.headers_) {
        if (!is_token(r.span(f.name))) return fail(400, "invalid header name");
        if (!is_field_value(r.span(f.value))) return fail(400, "invalid character in header");
        std::string_view v = trim_ows(r.span(f.value));
        f.value.off = static_cast<uint32_t>(v.data() - r.buffer_.data());
        f.value.len = static_cast<uint32_t>(v.size());
    }
    r.method_ = http_method_str(static_cast<http_method>(p->method));
    r.major_ = static_cast<uint8_t>(p->http_major);
    r.minor_ = static_cast<uint8_t>(p->http_minor);
    if (p->http_major != 1 || p->http_minor > 1) return fail(505, "HTTP version not supported");
    if (p->method == HTTP_CONNECT) return fail(501, "CONNECT not supported");

    size_t hosts = 0;
    bool saw_te = false;
    bool te_ok = true;
    for (size_t i = 0; i < r.header_count(); ++i) {
        HttpHeader h = r.header_at(i);
        if (h.name == "host") {
            ++hosts;
        } else if (h.name == "transfer-encoding") {
            // Only a single plain "chunked" is understood; anything else would leave the body
            // encoded in a way we cannot undo (RFC 7230 3.3.1: 501).
            te_ok = te_ok && !saw_te && iequals(h.value, "chunked");
            saw_te = true;
        } else if (h.name == "expect") {
            r.expect_continue_ = iequals(h.value, "100-continue");
        }
    }
    if ((limits_.require_host && r.minor_ == 1) ? hosts != 1 : hosts > 1)
        return fail(400, "missing or repeated Host header");
    if (saw_te && !te_ok) return fail(501, "unsupported Transfer-Encoding");

    r.chunked_ = (p->flags & F_CHUNKED) != 0;
    body_limit_ = limits_.max_body_bytes;
    if (!r.chunked_ && p->content_length != ULLONG_MAX && p->content_length > 0) {
        if (p->content_length > body_limit_) return fail(413, "body too large");
        r.buffer_.reserve(r.buffer_.size() + p->content_length);
    }
    r.body_.off = static_cast<uint32_t>(r.buffer_.size());
    chunk_state_ = 0;
    chunk_left_ = 0;
    chunk_body_bytes_ = 0;
    r.keep_alive_ = http_should_keep_alive(p) != 0;
    r.upgrade_ = p->upgrade != 0;
    // RFC 9110 10.1.1: an HTTP/1.0 client's expectation is ignored.
    continue_due_ = r.expect_continue_ && r.minor_ == 1 &&
                    (r.chunked_ || (p->content_length != ULLONG_MAX && p->content_length > 0));

    // Split the target into path and query. Origin-form is the common case; absolute-form
    // goes through the library's URL parser.
    std::string_view target = r.span(r.target_);
    if (!target.empty() && target[0] != '/' && target[0] != '*') {
        http_parser_url u;
        http_parser_url_init(&u);
        if (http_parser_parse_url(target.data(), target.size(), 0, &u) != 0)
            return fail(400, "invalid request target");
        if (u.field_set & (1 << UF_PATH))
            r.path_ = {r.target_.off + u.field_data[UF_PATH].off, u.field_data[UF_PATH].len};
        else
            r.path_ = {r.target_.off, 0};
        if (u.field_set & (1 << UF_QUERY))
            r.query_ = {r.target_.off + u.field_data[UF_QUERY].off, u.field_data[UF_QUERY].len};
    } else {
        size_t end = target.find_first_of("?#");
        r.path_ = {r.target_.off, static_cast<uint32_t>(std::min(end, target.size()))};
        if (end != std::string_view::npos && target[end] == '?') {
            size_t qend = target.find('#', end + 1);
            if (qend == std::string_view::npos) qend = target.size();
            r.query_ = {static_cast<uint32_t>(r.target_.off + end + 1),
                        static_cast<uint32_t>(qend - end - 1)};
        }
    }
    phase_ = Phase::body;
    return true;
}

void HttpRequestParser::finish_message() {
    continue_due_ = false;  // the body came without waiting for "100 Continue"
    if (current_.upgrade_) upgraded_ = true;
    // The answer to a non-keep-alive request closes the connection: what follows is unread.
    // (Debian builds libhttp-parser non-strict, so it would go on parsing on its own.)
    else if (!current_.keep_alive_) closed_ = true;
    queue_.push_back(std::move(current_));
    std::vector<HttpRequest>& spare = spare_requests();
    if (!spare.empty()) {
        current_ = std::move(spare.back());
        spare.pop_back();
    } else {
        current_ = HttpRequest{};
    }
    current_.clear();
    phase_ = Phase::idle;
    last_ = LastData::none;
    head_bytes_ = 0;
    prev_head_char_ = '\n';
    line_spaces_ = proto_matched_ = 0;
    in_request_line_ = true;
    header_lines_ = 0;
    line_len_ = 0;
}

// Shadow check of the chunked framing the library just consumed:
//   chunk = 1*HEXDIG [ ";" ext ] CRLF data CRLF ; last = "0" [ext] CRLF *(trailer CRLF) CRLF
// The library extracts the data; this only refuses what a strict reading would refuse.
bool HttpRequestParser::check_chunked_bytes(std::string_view part) {
    enum : uint8_t { kSizeFirst = 1, kSize, kExt, kSizeLf, kData, kDataCr, kDataLf, kTrailerStart,
                     kTrailer, kTrailerLf, kFinalLf, kDone };
    for (size_t i = 0; i < part.size(); ++i) {
        char c = part[i];
        bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        switch (chunk_state_) {
            case kSizeFirst:
                if (!hex) return fail(400, "invalid chunk size", true);
                chunk_left_ = 0;
                [[fallthrough]];
            case kSize:
                if (hex) {
                    if (chunk_left_ >> 59) return fail(400, "invalid chunk size", true);
                    chunk_left_ = chunk_left_ * 16 + static_cast<uint64_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
                    chunk_state_ = kSize;
                } else if (c == ';' || c == ' ' || c == '\t') {
                    chunk_state_ = kExt;
                } else if (c == '\r') {
                    chunk_state_ = kSizeLf;
                } else {
                    return fail(400, "invalid chunk size", true);
                }
                break;
            case kExt:
                if (c == '\r') chunk_state_ = kSizeLf;
                else if (c == '\n' || c == 0) return fail(400, "invalid chunk extension", true);
                break;
            case kSizeLf:
                if (c != '\n') return fail(400, "bare CR in chunk size line", true);
                chunk_state_ = chunk_left_ == 0 ? kTrailerStart : kData;
                break;
            case kData: {
                size_t take = static_cast<size_t>(std::min<uint64_t>(chunk_left_, part.size() - i));
                chunk_left_ -= take;
                i += take - 1;
                // Also checked in on_body, but only here at a split-independent position.
                chunk_body_bytes_ += take;
                if (chunk_body_bytes_ > body_limit_) return fail(413, "body too large", true);
                if (chunk_left_ == 0) chunk_state_ = kDataCr;
                break;
            }
            case kDataCr:
                if (c != '\r') return fail(400, "chunk data not followed by CRLF", true);
                chunk_state_ = kDataLf;
                break;
            case kDataLf:
                if (c != '\n') return fail(400, "chunk data not followed by CRLF", true);
                chunk_state_ = kSizeFirst;
                break;
            case kTrailerStart:
                chunk_state_ = c == '\r' ? kFinalLf : kTrailer;
                if (c == '\n') return fail(400, "bare LF in chunked trailer", true);
                break;
            case kTrailer:
                if (c == '\r') chunk_state_ = kTrailerLf;
                else if (c == '\n') return fail(400, "bare LF in chunked trailer", true);
                break;
            case kTrailerLf:
                if (c != '\n') return fail(400, "bare CR in chunked trailer", true);
                chunk_state_ = kTrailerStart;
                break;
            case kFinalLf:
                if (c != '\n') return fail(400, "bare CR in chunked trailer", true);
                chunk_state_ = kDone;
                break;
            default:
                return fail(400, "malformed chunked body", true);
        }
    }
    return true;
}

HttpRequest HttpRequestParser::take_request() {
    HttpRequest r = std::move(queue_[head_++]);
    if (head_ == queue_.size()) queue_.clear(), head_ = 0;
    if (!held_.empty() && can_parse()) held_.erase(0, consume(held_));
    return r;
}

void HttpRequestParser::recycle(HttpRequest&& done) {
    std::vector<HttpRequest>& spare = spare_requests();
    if (spare.size() >= kMaxSpare || done.buffer_.capacity() > kMaxSpareCapacity) return;
    spare.push_back(std::move(done));
}

bool HttpRequestParser::take_continue() {
    if (!continue_due_ || failed() || phase_ != Phase::body) return false;
    continue_due_ = false;
    return true;
}

bool HttpRequestParser::mid_request() const {
    if (failed() || closed_) return false;
    return phase_ != Phase::idle || (!held_.empty() && !upgraded_);
}

std::string HttpRequestParser::take_leftover() {
    std::string out;
    out.swap(held_);
    return out;
}

bool HttpRequestParser::resume_after_declined_upgrade() {
    if (!upgraded_ || failed()) return !failed();
    upgraded_ = false;
    // libhttp-parser treats everything after an upgrade as foreign: start it afresh.
    http_parser_init(parser_.get(), HTTP_REQUEST);
    parser_->data = this;
    if (!held_.empty() && can_parse()) held_.erase(0, consume(held_));
    return !failed();
}

}  // namespace ringmaster::http
