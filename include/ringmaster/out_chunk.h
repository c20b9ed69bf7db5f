// A piece of outgoing data that the connection queues without copying: the bytes stay in
// their owner (a PHP string, a response head buffer) until the kernel has taken them, then
// `release(owner)` gives them back. Owners are opaque here so the core stays PHP-free.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace ringmaster {

class OutChunk {
public:
    using Release = void (*)(void* owner);

    OutChunk() = default;
    OutChunk(const char* data, size_t len, void* owner, Release release)
        : data_(data), len_(len), owner_(owner), release_(release) {}
    // Takes a std::string by move (protocol replies, error responses).
    static OutChunk from_string(std::string&& text);
    // Copies small protocol bytes (an HTTP head, a frame header) into a block from a
    // per-thread pool of recycled blocks: no malloc per response in the steady state.
    static OutChunk copy_of(std::string_view bytes);
    // Bytes that live forever (string literals): nothing to release.
    static OutChunk literal(std::string_view bytes) {
        return OutChunk(bytes.data(), bytes.size(), nullptr, nullptr);
    }

    OutChunk(OutChunk&& o) noexcept { *this = std::move(o); }
    OutChunk& operator=(OutChunk&& o) noexcept {
        if (this != &o) {
            reset();
            data_ = o.data_, len_ = o.len_, owner_ = o.owner_, release_ = o.release_;
            o.owner_ = nullptr, o.release_ = nullptr, o.len_ = 0;
        }
        return *this;
    }
    OutChunk(const OutChunk&) = delete;
    OutChunk& operator=(const OutChunk&) = delete;
    ~OutChunk() { reset(); }

    const char* data() const { return data_; }
    size_t size() const { return len_; }
    // Drops `n` bytes from the front after a partial send.
    void consume(size_t n) { data_ += n, len_ -= n; }

private:
    void reset() {
        if (release_) release_(owner_);
        release_ = nullptr, owner_ = nullptr;
    }
    const char* data_ = nullptr;
    size_t len_ = 0;
    void* owner_ = nullptr;
    Release release_ = nullptr;
};

}  // namespace ringmaster
