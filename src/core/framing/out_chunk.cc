// OutChunk factories: owned strings, and small copies from a pool of recycled blocks.
#include "ringmaster/out_chunk.h"

#include <cstring>
#include <vector>

namespace ringmaster {

OutChunk OutChunk::from_string(std::string&& text) {
    auto* owned = new std::string(std::move(text));
    return OutChunk(owned->data(), owned->size(), owned,
                    [](void* p) { delete static_cast<std::string*>(p); });
}

namespace {

// Response heads are 100-200 bytes; one block size serves them all. The pool keeps what
// the busiest moment needed (bounded), so a worker stops allocating once it is warm.
constexpr size_t kBlock = 256;
constexpr size_t kPoolMax = 4096;

struct Block {
    char bytes[kBlock];
};

std::vector<Block*>& pool() {
    thread_local std::vector<Block*> free_blocks;
    return free_blocks;
}

void give_back(void* p) {
    auto& free_blocks = pool();
    if (free_blocks.size() < kPoolMax)
        free_blocks.push_back(static_cast<Block*>(p));
    else
        delete static_cast<Block*>(p);
}

}  // namespace

OutChunk OutChunk::copy_of(std::string_view bytes) {
    if (bytes.size() > kBlock) return from_string(std::string(bytes));
    auto& free_blocks = pool();
    Block* b;
    if (free_blocks.empty()) {
        b = new Block;
    } else {
        b = free_blocks.back();
        free_blocks.pop_back();
    }
    std::memcpy(b->bytes, bytes.data(), bytes.size());
    return OutChunk(b->bytes, bytes.size(), b, give_back);
}

}  // namespace ringmaster
