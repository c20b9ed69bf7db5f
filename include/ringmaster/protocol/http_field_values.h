// Small parsers for the values of individual HTTP header fields: comma-separated token lists
// (Connection, Upgrade), Content-Type with its parameters, and the Cookie header. They return
// views into the value they were given and allocate nothing.
#pragma once

#include <string_view>

namespace ringmaster::http {

// Case-insensitive: does the comma-separated list contain `token`? ("keep-alive, Upgrade")
bool has_token(std::string_view list, std::string_view token);

// Content-Type split into its parts. Quoted parameter values are returned without the quotes
// (backslash escapes are left as they are: boundaries and charsets never need them).
struct ContentType {
    std::string_view mime;      // "multipart/form-data" as sent (compare case-insensitively)
    std::string_view charset;   // "utf-8" or empty
    std::string_view boundary;  // multipart boundary or empty
};
ContentType split_content_type(std::string_view value);

// Case-insensitive equality, for mime types and the like.
bool iequals(std::string_view a, std::string_view b);

// Calls fn(name, value) for each "name=value" pair of a Cookie header, in order, trimmed but
// not decoded: PHP decodes cookie values with urldecode() ('+' is a space); use
// url_decode(value, true) from url_encoded.h for that. Pairs without '=' are skipped.
template <class F>
void for_each_cookie(std::string_view header, F&& fn) {
    while (!header.empty()) {
        size_t end = header.find(';');
        std::string_view item = header.substr(0, end);
        header = end == std::string_view::npos ? std::string_view{} : header.substr(end + 1);
        size_t eq = item.find('=');
        if (eq == std::string_view::npos) continue;
        auto trim = [](std::string_view s) {
            while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
            while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
            return s;
        };
        std::string_view name = trim(item.substr(0, eq));
        std::string_view value = trim(item.substr(eq + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
            value = value.substr(1, value.size() - 2);
        if (!name.empty()) fn(name, value);
    }
}

}  // namespace ringmaster::http
