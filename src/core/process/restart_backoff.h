// Exponential backoff for restarting a process that keeps dying: 0 s the first time, then
// 0.1 s doubling up to 10 s; a process that stayed up kStableMs is forgiven its past.
#pragma once

#include <cstdint>

namespace ringmaster {

class RestartBackoff {
public:
    static constexpr int64_t kFirstDelayMs = 100;
    static constexpr int64_t kMaxDelayMs = 10'000;
    static constexpr int64_t kStableMs = 10'000;

    // Delay before restarting a process that ran for `uptime_ms` and then died.
    int64_t next_delay_ms(int64_t uptime_ms);
    void reset() { failures_ = 0; }
    unsigned failures() const { return failures_; }

private:
    unsigned failures_ = 0;
};

}  // namespace ringmaster
