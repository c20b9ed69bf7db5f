// Incremental UTF-8 validation (RFC 3629: no overlongs, no surrogates, nothing past U+10FFFF)
// for WebSocket text messages, whose fragments may split a character anywhere.
#pragma once

#include <cstdint>
#include <string_view>

namespace ringmaster::ws {

class Utf8Validator {
public:
    // Checks the next piece of the text. Returns false, and stays false, once invalid.
    bool feed(std::string_view bytes);
    // True when everything fed so far is valid and no character is left unfinished.
    bool complete() const { return valid_ && need_ == 0; }
    bool valid() const { return valid_; }
    void reset() { need_ = 0, lo_ = 0x80, hi_ = 0xBF, valid_ = true; }

private:
    uint8_t need_ = 0;                // continuation bytes still expected
    uint8_t lo_ = 0x80, hi_ = 0xBF;   // allowed range of the next continuation byte
    bool valid_ = true;
};

// Whole-string convenience.
bool is_valid_utf8(std::string_view bytes);

}  // namespace ringmaster::ws
