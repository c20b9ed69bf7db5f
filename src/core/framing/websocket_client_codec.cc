// ws:// from a worker: reads the server's 101 answer, then the server's (unmasked) frames.
// Outgoing frames are masked, which changes their bytes, so the glue encodes them whole
// (encode_frame with Role::client) instead of using frame().
#include "ringmaster/codec.h"
#include "ringmaster/protocol/websocket_frame.h"
#include "ringmaster/protocol/websocket_handshake.h"

namespace ringmaster {
namespace {

class WebSocketClientCodec final : public Codec {
public:
    WebSocketClientCodec(std::string key, size_t max)
        : handshake_(std::make_unique<ws::ClientHandshake>(std::move(key))),
          decoder_(ws::Role::client, max) {}
    ProtocolKind kind() const override { return ProtocolKind::websocket; }
    bool mid_message() const override { return handshake_ != nullptr || decoder_.mid_message(); }
    size_t buffered() const override { return decoder_.buffered(); }

    void feed(const char* data, size_t len, CodecOutput& out) override {
        if (done_) return;
        if (handshake_) {
            auto state = handshake_->feed(std::string_view(data, len));
            if (state == ws::ClientHandshake::State::pending) return;
            if (state == ws::ClientHandshake::State::rejected) {
                done_ = true;
                out.protocol_error(handshake_->status() ? handshake_->status() : 400,
                                   "WebSocket handshake refused: " + std::string(handshake_->error()));
                return;
            }
            std::string rest = handshake_->take_leftover();
            handshake_.reset();
            out.websocket_established();
            if (rest.empty()) return;
            decoder_.feed(rest);
        } else {
            decoder_.feed(std::string_view(data, len));
        }
        for (;;) {
            ws::WsEvent ev = decoder_.next();
            using T = ws::WsEvent::Type;
            if (ev.type == T::need_more) return;
            if (!ev.reply.empty() && (ev.type == T::ping || ev.type == T::close || ev.type == T::error))
                out.reply(OutChunk::from_string(std::string(ev.reply)));
            switch (ev.type) {
                case T::text: out.deliver_websocket(ev.payload, false); break;
                case T::binary: out.deliver_websocket(ev.payload, true); break;
                case T::ping: out.websocket_ping(ev.payload); break;
                case T::pong: out.websocket_pong(ev.payload); break;
                case T::close:
                    done_ = true;
                    out.websocket_closed(ev.close_code, ev.payload);
                    return;
                case T::error:
                    done_ = true;
                    out.protocol_error(ev.close_code, std::string(ev.error));
                    return;
                default: return;
            }
        }
    }
    bool established() const { return !handshake_; }
    std::string goodbye(bool) override {
        if (handshake_ || done_) return {};
        done_ = true;
        return ws::encode_close(ws::close_code::normal, {}, ws::Role::client);
    }

private:
    std::unique_ptr<ws::ClientHandshake> handshake_;
    ws::FrameDecoder decoder_;
    bool done_ = false;
};

}  // namespace

std::unique_ptr<Codec> make_websocket_client_codec(std::string key, size_t max) {
    return std::make_unique<WebSocketClientCodec>(std::move(key), max);
}

}  // namespace ringmaster
