// tcp://: no framing at all. Every received chunk is one message, as in Workerman.
#include "ringmaster/codec.h"

namespace ringmaster {
namespace {

class RawCodec final : public Codec {
public:
    ProtocolKind kind() const override { return ProtocolKind::tcp; }
    void feed(const char* data, size_t len, CodecOutput& out) override {
        if (len) out.deliver(std::string_view(data, len));
    }
    bool mid_message() const override { return false; }
    size_t buffered() const override { return 0; }
};

}  // namespace

std::unique_ptr<Codec> make_raw_codec() { return std::make_unique<RawCodec>(); }

}  // namespace ringmaster
