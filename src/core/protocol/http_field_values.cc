// Header-value parsing helpers; see the header for the conventions they follow.
#include "ringmaster/protocol/http_field_values.h"

namespace ringmaster::http {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

bool has_token(std::string_view list, std::string_view token) {
    while (!list.empty()) {
        size_t comma = list.find(',');
        if (iequals(trim(list.substr(0, comma)), token)) return true;
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return false;
}

ContentType split_content_type(std::string_view value) {
    ContentType ct;
    size_t semi = value.find(';');
    ct.mime = trim(value.substr(0, semi));
    while (semi != std::string_view::npos) {
        value.remove_prefix(semi + 1);
        size_t eq = value.find('=');
        if (eq == std::string_view::npos) break;
        std::string_view name = trim(value.substr(0, eq));
        value.remove_prefix(eq + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        std::string_view param;
        if (!value.empty() && value.front() == '"') {
            // Quoted string: runs to the next unescaped quote.
            size_t i = 1;
            while (i < value.size() && value[i] != '"') i += value[i] == '\\' ? 2 : 1;
            param = value.substr(1, std::min(i, value.size()) - 1);
            value.remove_prefix(std::min(i + 1, value.size()));
            semi = value.find(';');
        } else {
            semi = value.find(';');
            param = trim(value.substr(0, semi));
        }
        if (iequals(name, "charset") && ct.charset.empty()) ct.charset = param;
        else if (iequals(name, "boundary") && ct.boundary.empty()) ct.boundary = param;
    }
    return ct;
}

}  // namespace ringmaster::http
