// Time formatting and poll() timeouts shared by the master and manager loops.
#include "process_clock.h"

#include <algorithm>
#include <cstdio>

namespace ringmaster {

std::string format_wall_time(int64_t wall) {
    time_t secs = static_cast<time_t>(wall / 1000);
    tm local{};
    localtime_r(&secs, &local);
    char buf[80];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", local.tm_year + 1900,
                  local.tm_mon + 1, local.tm_mday, local.tm_hour, local.tm_min, local.tm_sec);
    return buf;
}

int poll_timeout_until(int64_t deadline_ms, int cap_ms) {
    if (deadline_ms < 0) return cap_ms;
    int64_t left = deadline_ms - steady_ms();
    return static_cast<int>(std::clamp<int64_t>(left, 0, cap_ms));
}

}  // namespace ringmaster
