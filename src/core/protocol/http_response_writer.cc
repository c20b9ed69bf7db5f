// Response heads are assembled with appends into a buffer that lives as long as the writer
// (one per worker or connection), so after warm-up no response allocates.
#include "ringmaster/protocol/http_response_writer.h"

#include <charconv>
#include <ctime>

#include "ringmaster/protocol/http_field_values.h"

namespace ringmaster::http {
namespace {

// RFC 7230 tchar.
bool is_token(std::string_view s) {
    if (s.empty()) return false;
    for (unsigned char c : s) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) continue;
        if (std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) ==
            std::string_view::npos)
            return false;
    }
    return true;
}

bool is_safe_value(std::string_view s) {
    for (char c : s)
        if (c == '\r' || c == '\n' || c == '\0') return false;
    return true;
}

bool has_no_body(int status) { return (status >= 100 && status < 200) || status == 204 || status == 304; }

constexpr std::string_view kServer = "Server: ringmaster\r\n";
constexpr std::string_view kDefaultType = "Content-Type: text/html;charset=utf-8\r\n";

}  // namespace

std::string_view reason_phrase(int status) {
    switch (status) {
        case 100: return "Continue";
        case 101: return "Switching Protocols";
        case 102: return "Processing";
        case 103: return "Early Hints";
        case 200: return "OK";
        case 201: return "Created";
        case 202: return "Accepted";
        case 203: return "Non-Authoritative Information";
        case 204: return "No Content";
        case 205: return "Reset Content";
        case 206: return "Partial Content";
        case 207: return "Multi-Status";
        case 208: return "Already Reported";
        case 226: return "IM Used";
        case 300: return "Multiple Choices";
        case 301: return "Moved Permanently";
        case 302: return "Found";
        case 303: return "See Other";
        case 304: return "Not Modified";
        case 305: return "Use Proxy";
        case 307: return "Temporary Redirect";
        case 308: return "Permanent Redirect";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 402: return "Payment Required";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 406: return "Not Acceptable";
        case 407: return "Proxy Authentication Required";
        case 408: return "Request Timeout";
        case 409: return "Conflict";
        case 410: return "Gone";
        case 411: return "Length Required";
        case 412: return "Precondition Failed";
        case 413: return "Payload Too Large";
        case 414: return "URI Too Long";
        case 415: return "Unsupported Media Type";
        case 416: return "Range Not Satisfiable";
        case 417: return "Expectation Failed";
        case 418: return "I'm a teapot";
        case 421: return "Misdirected Request";
        case 422: return "Unprocessable Entity";
        case 423: return "Locked";
        case 424: return "Failed Dependency";
        case 425: return "Too Early";
        case 426: return "Upgrade Required";
        case 428: return "Precondition Required";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        case 451: return "Unavailable For Legal Reasons";
        case 500: return "Internal Server Error";
        case 501: return "Not Implemented";
        case 502: return "Bad Gateway";
        case 503: return "Service Unavailable";
        case 504: return "Gateway Timeout";
        case 505: return "HTTP Version Not Supported";
        case 506: return "Variant Also Negotiates";
        case 507: return "Insufficient Storage";
        case 508: return "Loop Detected";
        case 510: return "Not Extended";
        case 511: return "Network Authentication Required";
        default: return "Unknown";
    }
}

std::string_view http_date_now() {
    // strftime would follow setlocale(), which PHP code may change: format by hand.
    static constexpr char kDays[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr char kMonths[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    thread_local time_t cached_second = -1;
    thread_local char text[30];
    time_t now = time(nullptr);
    if (now != cached_second) {
        struct tm tm;
        gmtime_r(&now, &tm);
        auto two = [](char* p, int v) { p[0] = static_cast<char>('0' + v / 10), p[1] = static_cast<char>('0' + v % 10); };
        std::string_view day = kDays[tm.tm_wday], month = kMonths[tm.tm_mon];
        char* p = text;
        p = std::copy(day.begin(), day.end(), p);
        *p++ = ',', *p++ = ' ';
        two(p, tm.tm_mday), p += 2;
        *p++ = ' ';
        p = std::copy(month.begin(), month.end(), p);
        *p++ = ' ';
        int year = tm.tm_year + 1900;
        two(p, year / 100 % 100), two(p + 2, year % 100), p += 4;
        *p++ = ' ';
        two(p, tm.tm_hour), p[2] = ':', two(p + 3, tm.tm_min), p[5] = ':', two(p + 6, tm.tm_sec);
        p += 8;
        std::string_view gmt = " GMT";
        std::copy(gmt.begin(), gmt.end(), p);
        cached_second = now;
    }
    return {text, 29};
}

void HttpResponseWriter::append_number(size_t n) {
    char tmp[24];
    auto r = std::to_chars(tmp, tmp + sizeof tmp, n);
    buf_.append(tmp, static_cast<size_t>(r.ptr - tmp));
}

void HttpResponseWriter::status_line(int status, int version_minor, std::string_view reason) {
    buf_.append(version_minor == 0 ? "HTTP/1.0 " : "HTTP/1.1 ");
    if (status < 100 || status > 999) status = 500;
    append_number(static_cast<size_t>(status));
    buf_.push_back(' ');
    buf_.append(reason.empty() || !is_safe_value(reason) ? reason_phrase(status) : reason);
    buf_.append("\r\n");
}

void HttpResponseWriter::begin(int status, int version_minor, std::string_view reason) {
    buf_.clear();
    status_ = status;
    minor_ = version_minor == 0 ? 0 : 1;
    force_close_ = has_server_ = has_date_ = has_content_type_ = false;
    status_line(status, minor_, reason);
}

bool HttpResponseWriter::add_header(std::string_view name, std::string_view value) {
    if (!is_token(name) || !is_safe_value(value)) return false;
    if (iequals(name, "content-length") || iequals(name, "transfer-encoding")) return true;
    if (iequals(name, "connection")) {
        // Only "close" is honoured: keeping alive is decided by the request.
        if (has_token(value, "close")) force_close_ = true;
        return true;
    }
    if (iequals(name, "server")) has_server_ = true;
    if (iequals(name, "date")) has_date_ = true;
    if (iequals(name, "content-type")) has_content_type_ = true;
    buf_.append(name);
    buf_.append(": ");
    buf_.append(value);
    buf_.append("\r\n");
    return true;
}

void HttpResponseWriter::append_fixed_headers(bool server, bool date) {
    if (server) buf_.append(kServer);
    if (date) {
        buf_.append("Date: ");
        buf_.append(http_date_now());
        buf_.append("\r\n");
    }
}

std::string_view HttpResponseWriter::finish(BodyFraming framing, size_t body_len,
                                            bool keep_alive) {
    append_fixed_headers(!has_server_, !has_date_);
    keep_alive_ = keep_alive && !force_close_;
    if (!has_no_body(status_)) {
        if (!has_content_type_) buf_.append(kDefaultType);
        if (framing == BodyFraming::chunked && minor_ == 0) framing = BodyFraming::until_close;
        switch (framing) {
            case BodyFraming::content_length:
                buf_.append("Content-Length: ");
                append_number(body_len);
                buf_.append("\r\n");
                break;
            case BodyFraming::chunked:
                buf_.append("Transfer-Encoding: chunked\r\n");
                break;
            case BodyFraming::until_close:
                keep_alive_ = false;
                break;
        }
    }
    buf_.append(keep_alive_ ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n");
    return buf_;
}

std::string_view HttpResponseWriter::simple_head(size_t body_len, bool keep_alive,
                                                 int version_minor) {
    buf_.clear();
    status_ = 200;
    minor_ = version_minor == 0 ? 0 : 1;
    keep_alive_ = keep_alive;
    buf_.append(minor_ == 0 ? "HTTP/1.0 200 OK\r\n" : "HTTP/1.1 200 OK\r\n");
    append_fixed_headers(true, true);
    buf_.append(kDefaultType);
    buf_.append("Content-Length: ");
    append_number(body_len);
    buf_.append(keep_alive ? "\r\nConnection: keep-alive\r\n\r\n" : "\r\nConnection: close\r\n\r\n");
    return buf_;
}

std::string_view HttpResponseWriter::error_response(int status, int version_minor) {
    begin(status, version_minor);
    std::string_view reason = reason_phrase(status);
    add_header("Content-Type", "text/plain;charset=utf-8");
    char code[4] = {static_cast<char>('0' + status / 100 % 10), static_cast<char>('0' + status / 10 % 10),
                    static_cast<char>('0' + status % 10), ' '};
    finish(BodyFraming::content_length, has_no_body(status) ? 0 : 4 + reason.size(), false);
    if (!has_no_body(status)) {
        buf_.append(code, 4);
        buf_.append(reason);
    }
    return buf_;
}

std::string_view chunk_header(size_t len, char (&out)[kChunkHeaderMax]) {
    auto r = std::to_chars(out, out + kChunkHeaderMax - 2, len, 16);
    r.ptr[0] = '\r', r.ptr[1] = '\n';
    return {out, static_cast<size_t>(r.ptr + 2 - out)};
}

}  // namespace ringmaster::http
