// The chunks a connection has queued for sending, and the iovec array of the send in flight.
// Both cost nothing until used: an idle connection (10,000 idle WebSockets) holds no queue
// storage beyond what it last needed, and no iovec array larger than four entries.
#pragma once

#include <sys/uio.h>

#include <memory>
#include <vector>

#include "ringmaster/out_chunk.h"

namespace ringmaster {

class SendQueue {
public:
    bool empty() const { return head_ == items_.size(); }
    size_t size() const { return items_.size() - head_; }
    OutChunk& front() { return items_[head_]; }
    void push_back(OutChunk c) { items_.push_back(std::move(c)); }
    // Ahead of everything queued (a protocol answer that must go first).
    void push_front(OutChunk c) {
        if (head_ > 0)
            items_[--head_] = std::move(c);
        else
            items_.insert(items_.begin(), std::move(c));
    }
    void pop_front() {
        items_[head_++] = OutChunk();  // releases the bytes now
        if (empty()) clear();
    }
    void clear() {
        items_.clear();  // keeps the capacity: the next burst reuses it
        head_ = 0;
    }
    // Describes up to `max` queued chunks, oldest first; returns how many.
    int fill(iovec* iov, int max) const {
        int n = 0;
        for (size_t i = head_; i < items_.size() && n < max; ++i, ++n) {
            iov[n].iov_base = const_cast<char*>(items_[i].data());
            iov[n].iov_len = items_[i].size();
        }
        return n;
    }

private:
    std::vector<OutChunk> items_;
    size_t head_ = 0;
};

// An iovec array for the send in flight: four entries inline (a response head and body, a
// frame header and payload), grown on the heap only for a connection that queues more.
class IovArray {
public:
    static constexpr int kMax = 64;  // chunks per send; the rest go in the next one
    iovec* get(int wanted) {
        if (wanted <= kInline) return inline_;
        if (!heap_) heap_ = std::make_unique<iovec[]>(kMax);
        return heap_.get();
    }

private:
    static constexpr int kInline = 4;
    iovec inline_[kInline];
    std::unique_ptr<iovec[]> heap_;
};

}  // namespace ringmaster
