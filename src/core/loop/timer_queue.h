// The timers of one event loop: a binary min-heap ordered by (deadline, id) plus an index from
// id to heap slot, so add, cancel and pop are all O(log n) and a cancelled timer leaves nothing
// behind. Both loop backends own one and only ask it for the nearest deadline.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "ringmaster/event_loop.h"

namespace ringmaster {

class TimerQueue {
public:
    static constexpr uint64_t kNoDeadline = UINT64_MAX;

    // Returns an id > 0; ids are never reused within one queue.
    uint64_t add(uint64_t deadline_ns, TimerHandler* handler);
    // False if the timer already fired or was cancelled.
    bool cancel(uint64_t id);
    // The earliest deadline, or kNoDeadline when no timer is live.
    uint64_t next_deadline() const { return heap_.empty() ? kNoDeadline : heap_.front().deadline; }
    // Fires, earliest first (ties in the order they were added), every timer due at `now_ns`
    // that existed when the call began: a handler that re-adds itself with delay 0 runs on the
    // next call, not in an endless loop here. Returns how many fired. A handler may add or
    // cancel timers; an exception from it propagates and the remaining timers stay queued.
    size_t run_due(uint64_t now_ns);
    size_t size() const { return heap_.size(); }

private:
    struct Entry {
        uint64_t deadline;
        uint64_t id;
        TimerHandler* handler;
    };
    static bool earlier(const Entry& a, const Entry& b) {
        return a.deadline != b.deadline ? a.deadline < b.deadline : a.id < b.id;
    }
    void put(size_t slot, const Entry& e);
    void sift_up(size_t slot);
    void sift_down(size_t slot);
    Entry remove_at(size_t slot);

    std::vector<Entry> heap_;
    std::unordered_map<uint64_t, size_t> slot_of_;  // id -> index in heap_
    uint64_t next_id_ = 1;
};

}  // namespace ringmaster

namespace ringmaster {

// How long a loop may block: the caller's `timeout_ms` (-1: no limit) cut short by the nearest
// timer deadline. Returns -1 for "no limit", otherwise nanoseconds (0: do not block).
int64_t wait_budget_ns(int timeout_ms, uint64_t next_deadline_ns, uint64_t now_ns);

}  // namespace ringmaster
