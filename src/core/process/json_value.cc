// A small recursive-descent JSON reader: inputs come from our own processes and are
// bounded, so simplicity beats speed here. Depth is capped so hostile input cannot
// exhaust the stack.
#include "json_value.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace ringmaster {

std::string json_quote(std::string_view text) {
    std::string out = "\"";
    for (char ch : text) {
        unsigned char c = static_cast<unsigned char>(ch);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += ch;
                }
        }
    }
    out += '"';
    return out;
}

namespace {

class Reader {
public:
    explicit Reader(std::string_view t) : text_(t) {}

    JsonValue document() {
        JsonValue v = value(0);
        skip_space();
        if (pos_ != text_.size()) fail();
        return v;
    }

private:
    [[noreturn]] void fail() const {
        throw std::runtime_error("invalid JSON at offset " + std::to_string(pos_));
    }
    void skip_space() {
        while (pos_ < text_.size() &&
               (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\r' ||
                text_[pos_] == '\t')) {
            ++pos_;
        }
    }
    char peek() {
        skip_space();
        if (pos_ >= text_.size()) fail();
        return text_[pos_];
    }
    void expect(char c) {
        if (peek() != c) fail();
        ++pos_;
    }
    bool literal(std::string_view word) {
        if (text_.substr(pos_, word.size()) != word) return false;
        pos_ += word.size();
        return true;
    }

    JsonValue value(int depth) {
        if (depth > 64) fail();
        JsonValue v;
        char c = peek();
        if (c == '{') {
            v.kind = JsonValue::Kind::object;
            ++pos_;
            if (peek() == '}') {
                ++pos_;
                return v;
            }
            for (;;) {
                if (peek() != '"') fail();
                std::string key = string_body();
                expect(':');
                v.members.emplace_back(std::move(key), value(depth + 1));
                char next = peek();
                ++pos_;
                if (next == '}') return v;
                if (next != ',') fail();
            }
        }
        if (c == '[') {
            v.kind = JsonValue::Kind::array;
            ++pos_;
            if (peek() == ']') {
                ++pos_;
                return v;
            }
            for (;;) {
                v.items.push_back(value(depth + 1));
                char next = peek();
                ++pos_;
                if (next == ']') return v;
                if (next != ',') fail();
            }
        }
        if (c == '"') {
            v.kind = JsonValue::Kind::string;
            v.string = string_body();
            return v;
        }
        if (literal("true")) {
            v.kind = JsonValue::Kind::boolean;
            v.boolean = true;
            return v;
        }
        if (literal("false")) {
            v.kind = JsonValue::Kind::boolean;
            return v;
        }
        if (literal("null")) return v;
        return number();
    }

    JsonValue number() {
        size_t start = pos_;
        while (pos_ < text_.size() && std::string_view("+-0123456789.eE").find(text_[pos_]) !=
                                          std::string_view::npos) {
            ++pos_;
        }
        if (start == pos_) fail();
        std::string digits(text_.substr(start, pos_ - start));
        char* end = nullptr;
        JsonValue v;
        v.kind = JsonValue::Kind::number;
        v.number = std::strtod(digits.c_str(), &end);
        if (end != digits.c_str() + digits.size()) fail();
        return v;
    }

    static void append_utf8(std::string& out, unsigned cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    unsigned hex4() {
        if (pos_ + 4 > text_.size()) fail();
        unsigned v = 0;
        for (int i = 0; i < 4; ++i) {
            char c = text_[pos_++];
            v <<= 4;
            if (c >= '0' && c <= '9') v |= static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned>(c - 'A' + 10);
            else fail();
        }
        return v;
    }

    std::string string_body() {
        ++pos_;  // opening quote
        std::string out;
        while (pos_ < text_.size()) {
            char c = text_[pos_++];
            if (c == '"') return out;
            if (c != '\\') {
                out += c;
                continue;
            }
            if (pos_ >= text_.size()) fail();
            char e = text_[pos_++];
            switch (e) {
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                case '/': out += '/'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': {
                    unsigned cp = hex4();
                    if (cp >= 0xD800 && cp < 0xDC00 && text_.substr(pos_, 2) == "\\u") {
                        pos_ += 2;
                        unsigned low = hex4();
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    }
                    append_utf8(out, cp);
                    break;
                }
                default: fail();
            }
        }
        fail();
    }

    std::string_view text_;
    size_t pos_ = 0;
};

}  // namespace

JsonValue JsonValue::parse(std::string_view text) { return Reader(text).document(); }

const JsonValue* JsonValue::find(std::string_view key) const {
    for (const auto& [k, v] : members) {
        if (k == key) return &v;
    }
    return nullptr;
}

double JsonValue::number_or(std::string_view key, double fallback) const {
    const JsonValue* v = find(key);
    return v && v->kind == Kind::number ? v->number : fallback;
}

std::string JsonValue::string_or(std::string_view key, const std::string& fallback) const {
    const JsonValue* v = find(key);
    return v && v->kind == Kind::string ? v->string : fallback;
}

bool JsonValue::bool_or(std::string_view key, bool fallback) const {
    const JsonValue* v = find(key);
    return v && v->kind == Kind::boolean ? v->boolean : fallback;
}

std::string JsonValue::to_text() const {
    switch (kind) {
        case Kind::null: return "null";
        case Kind::boolean: return boolean ? "true" : "false";
        case Kind::number: {
            if (std::fabs(number) < 1e15 && number == std::floor(number)) {
                return std::to_string(static_cast<long long>(number));
            }
            char buf[32];
            std::snprintf(buf, sizeof buf, "%g", number);
            return buf;
        }
        case Kind::string: return string;
        case Kind::array: {
            std::string out = "[";
            for (size_t i = 0; i < items.size(); ++i) {
                if (i) out += ",";
                out += items[i].kind == Kind::string ? json_quote(items[i].string)
                                                     : items[i].to_text();
            }
            return out + "]";
        }
        case Kind::object: {
            std::string out = "{";
            for (size_t i = 0; i < members.size(); ++i) {
                if (i) out += ",";
                const JsonValue& v = members[i].second;
                out += json_quote(members[i].first) + ":" +
                       (v.kind == Kind::string ? json_quote(v.string) : v.to_text());
            }
            return out + "}";
        }
    }
    return "";
}

}  // namespace ringmaster
