// The little JSON the process tree needs: quoting strings for the replies it builds, and
// reading back what workers (status_json, connections_json) and the server send.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ringmaster {

// `text` as a JSON string literal, quotes included. Invalid UTF-8 is passed through.
std::string json_quote(std::string_view text);

class JsonValue {
public:
    enum class Kind { null, boolean, number, string, array, object };

    // Throws std::runtime_error("invalid JSON at offset N") on malformed input.
    static JsonValue parse(std::string_view text);

    Kind kind = Kind::null;
    bool boolean = false;
    double number = 0;
    std::string string;
    std::vector<JsonValue> items;                             // array
    std::vector<std::pair<std::string, JsonValue>> members;  // object, in document order

    // Member of an object, or nullptr.
    const JsonValue* find(std::string_view key) const;
    // Conveniences for reading optional fields with a fallback.
    double number_or(std::string_view key, double fallback) const;
    std::string string_or(std::string_view key, const std::string& fallback) const;
    bool bool_or(std::string_view key, bool fallback) const;
    // Compact text of this value (used to show a field of unknown type in a table).
    std::string to_text() const;
};

}  // namespace ringmaster
