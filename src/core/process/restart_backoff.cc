// The first restart is immediate (a one-off crash should cost nothing); only repeats back
// off, so a worker whose onWorkerStart always fails cannot spin the CPU or flood the log.
#include "restart_backoff.h"

#include <algorithm>

namespace ringmaster {

int64_t RestartBackoff::next_delay_ms(int64_t uptime_ms) {
    if (uptime_ms >= kStableMs) failures_ = 0;
    int64_t delay = 0;
    if (failures_ > 0) {
        delay = kFirstDelayMs;
        for (unsigned i = 1; i < failures_ && delay < kMaxDelayMs; ++i) delay *= 2;
        delay = std::min(delay, kMaxDelayMs);
    }
    ++failures_;
    return delay;
}

}  // namespace ringmaster
