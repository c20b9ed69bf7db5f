// A byte-at-a-time state machine with an ASCII fast path: text messages are mostly ASCII, so
// eight bytes are checked at once whenever no character is in progress.
#include "ringmaster/protocol/utf8_validator.h"

#include <cstring>

namespace ringmaster::ws {

bool Utf8Validator::feed(std::string_view bytes) {
    if (!valid_) return false;
    const unsigned char* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const unsigned char* end = p + bytes.size();
    while (p < end) {
        if (need_ == 0) {
            while (end - p >= 8) {
                uint64_t word;
                std::memcpy(&word, p, 8);
                if (word & 0x8080808080808080ULL) break;
                p += 8;
            }
            if (p == end) break;
            unsigned char c = *p++;
            if (c < 0x80) continue;
            lo_ = 0x80, hi_ = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) {
                need_ = 1;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need_ = 2;
                if (c == 0xE0) lo_ = 0xA0;  // overlong
                if (c == 0xED) hi_ = 0x9F;  // UTF-16 surrogates
            } else if (c >= 0xF0 && c <= 0xF4) {
                need_ = 3;
                if (c == 0xF0) lo_ = 0x90;  // overlong
                if (c == 0xF4) hi_ = 0x8F;  // beyond U+10FFFF
            } else {
                return valid_ = false;
            }
        } else {
            unsigned char c = *p++;
            if (c < lo_ || c > hi_) return valid_ = false;
            lo_ = 0x80, hi_ = 0xBF;
            --need_;
        }
    }
    return true;
}

bool is_valid_utf8(std::string_view bytes) {
    Utf8Validator v;
    return v.feed(bytes) && v.complete();
}

}  // namespace ringmaster::ws
