// OutChunk::from_string: owns a heap std::string until the bytes are sent.
#include "ringmaster/out_chunk.h"

namespace ringmaster {

OutChunk OutChunk::from_string(std::string&& text) {
    auto* owned = new std::string(std::move(text));
    return OutChunk(owned->data(), owned->size(), owned,
                    [](void* p) { delete static_cast<std::string*>(p); });
}

}  // namespace ringmaster
