// Clocks for the master and manager: deadlines use the monotonic clock (immune to NTP
// steps); "started at" columns use wall time.
#pragma once

#include <time.h>

#include <cstdint>
#include <string>

namespace ringmaster {

inline int64_t steady_ms() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

inline int64_t wall_ms() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// "2026-11-21 08:30:01" in local time.
std::string format_wall_time(int64_t wall_ms);

// poll() timeout until `deadline_ms` (steady clock), clamped to [0, cap_ms]; -1 deadline
// means none and yields cap_ms.
int poll_timeout_until(int64_t deadline_ms, int cap_ms);

}  // namespace ringmaster
