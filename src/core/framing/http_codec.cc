// http://: requests from HttpRequestParser, delivered one at a time. The next pipelined
// request waits until the answer to the current one has been queued, so answers always go
// out in request order even when the application answers later (from a timer, say).
#include <deque>

#include "ringmaster/codec.h"
#include "ringmaster/protocol/http_request_parser.h"
#include "ringmaster/protocol/http_response_writer.h"

namespace ringmaster {
namespace {

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

class HttpCodec final : public Codec {
public:
    explicit HttpCodec(size_t max_body) {
        http::HttpLimits limits;
        if (max_body) limits.max_body_bytes = max_body;
        parser_ = std::make_unique<http::HttpRequestParser>(limits);
    }
    ProtocolKind kind() const override { return ProtocolKind::http; }

    void feed(const char* data, size_t len, CodecOutput& out) override {
        if (!error_sent_) parser_->feed(std::string_view(data, len));
        pump(out);
    }
    void response_sent(CodecOutput& out) override {
        if (!awaiting_) return;
        awaiting_ = false;
        // Called from inside onMessage when the answer is synchronous: the loop in pump()
        // picks up the next request when the callback returns. Otherwise deliver it now.
        if (!pumping_) pump(out);
    }
    void resume(CodecOutput& out) override { pump(out); }
    bool mid_message() const override { return awaiting_ || parser_->mid_request() || parser_->has_request(); }
    size_t buffered() const override { return parser_->mid_request() ? 1 : 0; }

    HttpExchange exchange;

private:
    void pump(CodecOutput& out) {
        if (pumping_) return;
        pumping_ = true;
        while (!awaiting_ && parser_->has_request()) {
            http::HttpRequest req = parser_->take_request();
            exchange.keep_alive = req.keep_alive();
            exchange.version_minor = req.version_minor();
            exchange.head_method = req.method() == "HEAD";
            awaiting_ = true;
            out.deliver_request(std::move(req));
        }
        pumping_ = false;
        // The client holds its body back until "100 Continue". Only the request next in line
        // may get it: sent earlier, the client would take it for an earlier request's answer.
        if (!awaiting_ && !parser_->has_request() && parser_->take_continue())
            out.reply(OutChunk(kContinue.data(), kContinue.size(), nullptr, nullptr));
        // A broken request is answered once everything before it has been answered.
        if (!awaiting_ && parser_->failed() && !error_sent_) {
            error_sent_ = true;
            http::HttpResponseWriter w;
            std::string_view resp = w.error_response(parser_->error().status, 1);
            out.reply(OutChunk::from_string(std::string(resp)));
            out.protocol_error(parser_->error().status, std::string(parser_->error().reason));
        }
    }

    std::unique_ptr<http::HttpRequestParser> parser_;
    bool awaiting_ = false;
    bool pumping_ = false;
    bool error_sent_ = false;
};

}  // namespace

std::unique_ptr<Codec> make_http_codec(size_t max) { return std::make_unique<HttpCodec>(max); }

HttpExchange* http_exchange(Codec& codec) {
    if (codec.kind() != ProtocolKind::http) return nullptr;
    return &static_cast<HttpCodec&>(codec).exchange;
}

}  // namespace ringmaster
