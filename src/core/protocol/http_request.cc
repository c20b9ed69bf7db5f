// HttpRequest lookups. The parser fills the fields (it is a friend); this file only reads them.
#include "ringmaster/protocol/http_request.h"

namespace ringmaster::http {

bool HttpRequest::name_equals(std::string_view lower, std::string_view any) {
    if (lower.size() != any.size()) return false;
    for (size_t i = 0; i < any.size(); ++i) {
        char c = any[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
        if (c != lower[i]) return false;
    }
    return true;
}

std::string_view HttpRequest::header(std::string_view name) const {
    for (const Field& f : headers_)
        if (name_equals(span(f.name), name)) return span(f.value);
    return {};
}

bool HttpRequest::has_header(std::string_view name) const {
    for (const Field& f : headers_)
        if (name_equals(span(f.name), name)) return true;
    return false;
}

void HttpRequest::clear() {
    buffer_.clear();
    headers_.clear();
    method_ = "";
    target_ = path_ = query_ = body_ = Span{};
    major_ = 1, minor_ = 1;
    keep_alive_ = upgrade_ = chunked_ = expect_continue_ = false;
}

}  // namespace ringmaster::http
