// Percent-decoding and application/x-www-form-urlencoded splitting (query strings, POST
// bodies). The result is a flat list of decoded (key, value) pairs: the glue hands each to
// PHP's php_register_variable_safe(), which applies PHP's own bracket rules ("a[]=1",
// "a[b]=1" -> nested arrays) exactly as $_GET/$_POST do.
#pragma once

#include <string>
#include <string_view>

namespace ringmaster::http {

// Decodes %XX escapes (malformed ones are kept as is, like PHP's urldecode()); with
// `plus_as_space`, '+' becomes ' ' (form encoding; rawurldecode() semantics without it).
std::string url_decode(std::string_view in, bool plus_as_space = true);
void url_decode_into(std::string_view in, bool plus_as_space, std::string& out);

// Calls fn(key, value) for each '&'-separated pair, decoded. A pair without '=' has an empty
// value; empty pairs ("a=1&&b=2") and pairs with an empty key are skipped, as PHP does. The
// views passed to fn are valid only during the call.
template <class F>
void for_each_url_encoded(std::string_view text, F&& fn) {
    std::string key, value;
    while (!text.empty()) {
        size_t amp = text.find('&');
        std::string_view pair = text.substr(0, amp);
        text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
        size_t eq = pair.find('=');
        if (pair.empty() || eq == 0) continue;
        key.clear(), value.clear();
        url_decode_into(pair.substr(0, eq), true, key);
        if (eq != std::string_view::npos) url_decode_into(pair.substr(eq + 1), true, value);
        fn(std::string_view(key), std::string_view(value));
    }
}

}  // namespace ringmaster::http
