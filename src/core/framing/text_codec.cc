// text://: one message per line. The message excludes its "\n" and a "\r" before it
// (Workerman's Text::decode trims both); sending appends "\n".
#include <cstring>
#include <string>

#include "ringmaster/codec.h"

namespace ringmaster {
namespace {

class TextCodec final : public Codec {
public:
    explicit TextCodec(size_t max) : max_(max) {}
    ProtocolKind kind() const override { return ProtocolKind::text; }

    void feed(const char* data, size_t len, CodecOutput& out) override {
        // Complete lines are delivered straight from the receive buffer; only a trailing
        // partial line is copied, and only into pending_.
        while (len > 0 && !failed_) {
            const char* nl = static_cast<const char*>(memchr(data, '\n', len));
            if (!nl) {
                pending_.append(data, len);
                if (max_ && pending_.size() >= max_) fail(out);
                return;
            }
            size_t part = size_t(nl - data);
            if (pending_.empty()) {
                if (max_ && part + 1 > max_) return fail(out);
                deliver_line(std::string_view(data, part), out);
            } else {
                pending_.append(data, part);
                if (max_ && pending_.size() + 1 > max_) return fail(out);
                std::string line = std::move(pending_);
                pending_.clear();
                deliver_line(line, out);
            }
            data = nl + 1, len -= part + 1;
        }
    }
    bool mid_message() const override { return !pending_.empty(); }
    size_t buffered() const override { return pending_.size(); }
    void set_max_package_size(size_t max) override { max_ = max; }
    void frame(std::string_view, std::string*, std::string* tail) override { *tail = "\n"; }

private:
    static void deliver_line(std::string_view line, CodecOutput& out) {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        out.deliver(line);
    }
    void fail(CodecOutput& out) {
        failed_ = true;
        pending_.clear();
        out.protocol_error(413, "text message exceeds maxPackageSize (" + std::to_string(max_) +
                                    " bytes)");
    }
    size_t max_;
    bool failed_ = false;
    std::string pending_;
};

}  // namespace

std::unique_ptr<Codec> make_text_codec(size_t max) { return std::make_unique<TextCodec>(max); }

}  // namespace ringmaster
