// frame://: a 4-byte big-endian length that counts itself, then the payload (Workerman's
// Frame protocol). A declared length over maxPackageSize is refused before any payload is
// buffered, so a hostile peer cannot make the worker allocate it.
#include <cstdint>
#include <string>

#include "ringmaster/codec.h"

namespace ringmaster {
namespace {

constexpr size_t kHeader = 4;

uint32_t read_be32(const char* p) {
    auto u = reinterpret_cast<const unsigned char*>(p);
    return (uint32_t(u[0]) << 24) | (uint32_t(u[1]) << 16) | (uint32_t(u[2]) << 8) | u[3];
}

class FrameCodec final : public Codec {
public:
    explicit FrameCodec(size_t max) : max_(max) {}
    ProtocolKind kind() const override { return ProtocolKind::frame; }

    void feed(const char* data, size_t len, CodecOutput& out) override {
        while (len > 0 && !failed_) {
            if (pending_.empty()) {
                // Fast path: whole frames straight from the receive buffer.
                if (len < kHeader) {
                    pending_.assign(data, len);
                    return;
                }
                size_t total = read_be32(data);
                if (!check_length(total, out)) return;
                if (len < total) {
                    pending_.assign(data, len);
                    return;
                }
                out.deliver(std::string_view(data + kHeader, total - kHeader));
                data += total, len -= total;
                continue;
            }
            // Slow path: complete the frame held in pending_.
            if (pending_.size() < kHeader) {
                size_t take = std::min(len, kHeader - pending_.size());
                pending_.append(data, take), data += take, len -= take;
                if (pending_.size() < kHeader) return;
                if (!check_length(read_be32(pending_.data()), out)) return;
            }
            size_t total = read_be32(pending_.data());
            size_t take = std::min(len, total - pending_.size());
            pending_.append(data, take), data += take, len -= take;
            if (pending_.size() < total) return;
            std::string frame = std::move(pending_);
            pending_.clear();
            out.deliver(std::string_view(frame).substr(kHeader));
        }
    }
    bool mid_message() const override { return !pending_.empty(); }
    size_t buffered() const override { return pending_.size(); }
    void set_max_package_size(size_t max) override { max_ = max; }
    void frame(std::string_view payload, std::string* head, std::string*) override {
        uint32_t total = uint32_t(payload.size() + kHeader);
        char b[4] = {char(total >> 24), char(total >> 16), char(total >> 8), char(total)};
        head->assign(b, 4);
    }

private:
    bool check_length(size_t total, CodecOutput& out) {
        if (total < kHeader) {
            failed_ = true;
            out.protocol_error(400, "frame length " + std::to_string(total) + " is below 4");
            return false;
        }
        if (max_ && total > max_) {
            failed_ = true;
            out.protocol_error(413, "frame of " + std::to_string(total) +
                                        " bytes exceeds maxPackageSize (" + std::to_string(max_) +
                                        " bytes)");
            return false;
        }
        return true;
    }
    size_t max_;
    bool failed_ = false;
    std::string pending_;
};

}  // namespace

std::unique_ptr<Codec> make_frame_codec(size_t max) { return std::make_unique<FrameCodec>(max); }

}  // namespace ringmaster
