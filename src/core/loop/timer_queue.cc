#include "timer_queue.h"

namespace ringmaster {

uint64_t TimerQueue::add(uint64_t deadline_ns, TimerHandler* handler) {
    const uint64_t id = next_id_++;
    heap_.push_back(Entry{deadline_ns, id, handler});
    slot_of_[id] = heap_.size() - 1;
    sift_up(heap_.size() - 1);
    return id;
}

bool TimerQueue::cancel(uint64_t id) {
    auto it = slot_of_.find(id);
    if (it == slot_of_.end()) return false;
    remove_at(it->second);
    return true;
}

size_t TimerQueue::run_due(uint64_t now_ns) {
    const uint64_t first_new_id = next_id_;
    size_t fired = 0;
    // (deadline, id) order means an older due timer always sits above a newer one with the
    // same deadline, so stopping at the first new id cannot skip an old due timer.
    while (!heap_.empty() && heap_.front().deadline <= now_ns && heap_.front().id < first_new_id) {
        const Entry e = remove_at(0);  // removed first: a handler may cancel or re-add
        ++fired;
        e.handler->on_timer(e.id);
    }
    return fired;
}

void TimerQueue::put(size_t slot, const Entry& e) {
    heap_[slot] = e;
    slot_of_[e.id] = slot;
}

void TimerQueue::sift_up(size_t slot) {
    const Entry e = heap_[slot];
    while (slot > 0) {
        const size_t parent = (slot - 1) / 2;
        if (!earlier(e, heap_[parent])) break;
        put(slot, heap_[parent]);
        slot = parent;
    }
    put(slot, e);
}

void TimerQueue::sift_down(size_t slot) {
    const Entry e = heap_[slot];
    const size_t n = heap_.size();
    for (;;) {
        size_t child = 2 * slot + 1;
        if (child >= n) break;
        if (child + 1 < n && earlier(heap_[child + 1], heap_[child])) ++child;
        if (!earlier(heap_[child], e)) break;
        put(slot, heap_[child]);
        slot = child;
    }
    put(slot, e);
}

TimerQueue::Entry TimerQueue::remove_at(size_t slot) {
    const Entry removed = heap_[slot];
    slot_of_.erase(removed.id);
    const Entry last = heap_.back();
    heap_.pop_back();
    if (slot < heap_.size()) {
        put(slot, last);
        // The moved entry may belong above or below its new slot; only one sift does anything.
        sift_up(slot);
        sift_down(slot_of_[last.id]);
    }
    return removed;
}

}  // namespace ringmaster

namespace ringmaster {

int64_t wait_budget_ns(int timeout_ms, uint64_t next_deadline_ns, uint64_t now_ns) {
    int64_t budget = timeout_ms < 0 ? -1 : int64_t(timeout_ms) * 1000000;
    if (next_deadline_ns != TimerQueue::kNoDeadline) {
        const int64_t until_timer =
            next_deadline_ns <= now_ns ? 0 : int64_t(next_deadline_ns - now_ns);
        if (budget < 0 || until_timer < budget) budget = until_timer;
    }
    return budget;
}

}  // namespace ringmaster
