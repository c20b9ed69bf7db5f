// libFuzzer harness for WebSocket: the frame decoder in both roles under random splits (both
// splits must yield the same events), and the client handshake reader.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "ringmaster/protocol/utf8_validator.h"
#include "ringmaster/protocol/websocket_frame.h"
#include "ringmaster/protocol/websocket_handshake.h"

using namespace ringmaster::ws;

namespace {

std::vector<std::string> run(std::string_view input, size_t step, Role role, size_t max) {
    FrameDecoder d(role, max);
    std::vector<std::string> events;
    for (size_t i = 0; i < input.size(); i += step) {
        d.feed(input.substr(i, step));
        for (WsEvent e = d.next(); e.type != WsEvent::Type::need_more; e = d.next()) {
            if (e.type == WsEvent::Type::text && !is_valid_utf8(e.payload)) abort();
            if ((e.type == WsEvent::Type::text || e.type == WsEvent::Type::binary) && max &&
                e.payload.size() > max)
                abort();
            std::string s(1, static_cast<char>('0' + static_cast<int>(e.type)));
            s += std::to_string(e.close_code);
            s += ':';
            s += e.payload;
            events.push_back(std::move(s));
        }
    }
    return events;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2) return 0;
    const Role role = (data[0] & 1) ? Role::client : Role::server;
    const size_t step = 1 + (data[0] >> 1) % 32;
    const size_t max = data[1] < 128 ? data[1] * 8 : 1 << 20;
    std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);
    if (run(input, input.size() ? input.size() : 1, role, max) != run(input, step, role, max))
        abort();

    ClientHandshake h("dGhlIHNhbXBsZSBub25jZQ==", 512);
    for (size_t i = 0; i < input.size(); i += step) h.feed(input.substr(i, step));
    if (h.state() == ClientHandshake::State::accepted) {
        std::string rest = h.take_leftover();
        run(rest, rest.size() ? rest.size() : 1, Role::client, max);
    }
    return 0;
}
