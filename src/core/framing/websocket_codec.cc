// websocket://: the HTTP opening handshake (onWebSocketConnect may refuse it), then RFC 6455
// frames: messages to onMessage, pings answered at once, the close handshake echoed.
#include "ringmaster/codec.h"
#include "ringmaster/protocol/http_request_parser.h"
#include "ringmaster/protocol/http_response_writer.h"
#include "ringmaster/protocol/websocket_frame.h"
#include "ringmaster/protocol/websocket_handshake.h"

namespace ringmaster {
namespace {

class WebSocketCodec final : public Codec {
public:
    explicit WebSocketCodec(size_t max) : max_(max), decoder_(ws::Role::server, max) {
        http::HttpLimits limits;
        limits.max_body_bytes = 0;
        handshake_ = std::make_unique<http::HttpRequestParser>(limits);
    }
    ProtocolKind kind() const override { return ProtocolKind::websocket; }

    void feed(const char* data, size_t len, CodecOutput& out) override {
        if (done_) return;
        if (handshake_) {
            handshake_->feed(std::string_view(data, len));
            if (!finish_handshake(out)) return;
            return;
        }
        decoder_.feed(std::string_view(data, len));
        drain(out);
    }
    bool mid_message() const override {
        return handshake_ ? handshake_->mid_request() : decoder_.mid_message();
    }
    size_t buffered() const override { return handshake_ ? 0 : decoder_.buffered(); }
    void frame(std::string_view payload, std::string* head, std::string*) override {
        uint8_t h[ws::kMaxFrameHeader];
        size_t n = ws::encode_frame_header(binary_ ? ws::Opcode::binary : ws::Opcode::text,
                                           payload.size(), true, nullptr, h);
        head->assign(reinterpret_cast<char*>(h), n);
    }
    void set_binary(bool b) override { binary_ = b; }
    std::string goodbye(bool restarting) override {
        if (handshake_ || done_) return {};
        done_ = true;  // we close after sending: nothing more is read
        return restarting ? ws::encode_close(ws::close_code::going_away, "server restarting")
                          : ws::encode_close(ws::close_code::normal);
    }
    bool binary() const override { return binary_; }

private:
    // Returns true once frames flow; false while waiting or after refusing.
    bool finish_handshake(CodecOutput& out) {
        if (handshake_->failed()) {
            done_ = true;
            http::HttpResponseWriter w;
            out.reply(OutChunk::from_string(std::string(w.error_response(handshake_->error().status))));
            out.protocol_error(handshake_->error().status, std::string(handshake_->error().reason));
            return false;
        }
        if (!handshake_->has_request()) return false;
        http::HttpRequest req = handshake_->take_request();
        ws::UpgradeCheck check = ws::check_upgrade_request(req);
        if (!check.ok) {
            done_ = true;
            out.reply(OutChunk::from_string(ws::reject_response(check)));
            out.protocol_error(check.status, "WebSocket handshake refused: " + std::string(check.error));
            return false;
        }
        std::string leftover = handshake_->take_leftover();
        std::string accept = ws::accept_response(check.key);
        if (!out.accept_websocket(req)) {
            done_ = true;
            return false;
        }
        handshake_.reset();
        out.reply_first(OutChunk::from_string(std::move(accept)));
        if (!leftover.empty()) {
            decoder_.feed(leftover);
            drain(out);
        }
        return true;
    }

    void drain(CodecOutput& out) {
        for (;;) {
            ws::WsEvent ev = decoder_.next();
            switch (ev.type) {
                case ws::WsEvent::Type::need_more: return;
                case ws::WsEvent::Type::text: out.deliver_websocket(ev.payload, false); break;
                case ws::WsEvent::Type::binary: out.deliver_websocket(ev.payload, true); break;
                case ws::WsEvent::Type::ping:
                    if (!ev.reply.empty()) out.reply(OutChunk::from_string(std::string(ev.reply)));
                    out.websocket_ping(ev.payload);
                    break;
                case ws::WsEvent::Type::pong: out.websocket_pong(ev.payload); break;
                case ws::WsEvent::Type::close:
                    done_ = true;
                    if (!ev.reply.empty()) out.reply(OutChunk::from_string(std::string(ev.reply)));
                    out.websocket_closed(ev.close_code, ev.payload);
                    return;
                case ws::WsEvent::Type::error:
                    done_ = true;
                    if (!ev.reply.empty()) out.reply(OutChunk::from_string(std::string(ev.reply)));
                    out.protocol_error(ev.close_code, std::string(ev.error));
                    return;
            }
        }
    }

    size_t max_;
    std::unique_ptr<http::HttpRequestParser> handshake_;
    ws::FrameDecoder decoder_;
    bool binary_ = false;
    bool done_ = false;
};

}  // namespace

std::unique_ptr<Codec> make_websocket_codec(size_t max) {
    return std::make_unique<WebSocketCodec>(max);
}

}  // namespace ringmaster
