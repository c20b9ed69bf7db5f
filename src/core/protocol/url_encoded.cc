// Percent-decoding, following PHP's urldecode(): invalid escapes pass through unchanged.
#include "ringmaster/protocol/url_encoded.h"

namespace ringmaster::http {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

void url_decode_into(std::string_view in, bool plus_as_space, std::string& out) {
    out.reserve(out.size() + in.size());
    for (size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '+' && plus_as_space) {
            out.push_back(' ');
        } else if (c == '%' && i + 2 < in.size() && hex_value(in[i + 1]) >= 0 &&
                   hex_value(in[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2])));
            i += 2;
        } else {
            out.push_back(c);
        }
    }
}

std::string url_decode(std::string_view in, bool plus_as_space) {
    std::string out;
    url_decode_into(in, plus_as_space, out);
    return out;
}

}  // namespace ringmaster::http
