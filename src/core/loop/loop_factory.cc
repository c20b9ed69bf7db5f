// Backend selection: names, parsing, and EventLoop::create() with the io_uring -> epoll
// fallback that `ringmaster.event_loop = auto` promises.
#include <time.h>

#include <stdexcept>

#include "epoll_loop.h"
#include "ringmaster/event_loop.h"
#include "uring_loop.h"

namespace ringmaster {

const char* backend_name(LoopBackend b) {
    switch (b) {
        case LoopBackend::automatic:
            return "auto";
        case LoopBackend::io_uring:
            return "io_uring";
        case LoopBackend::epoll:
            return "epoll";
    }
    return "unknown";
}

bool parse_backend(std::string_view text, LoopBackend* out) {
    if (text == "auto") {
        *out = LoopBackend::automatic;
    } else if (text == "io_uring") {
        *out = LoopBackend::io_uring;
    } else if (text == "epoll") {
        *out = LoopBackend::epoll;
    } else {
        return false;
    }
    return true;
}

uint64_t monotonic_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * 1000000000u + uint64_t(ts.tv_nsec);
}

namespace {

std::unique_ptr<EventLoop> make_epoll() {
    std::string error;
    std::unique_ptr<EventLoop> loop = EpollLoop::create(&error);
    if (!loop) throw std::runtime_error("epoll event loop unavailable (" + error + ")");
    return loop;
}

}  // namespace

std::unique_ptr<EventLoop> EventLoop::create(LoopBackend preferred, std::string* fallback_reason) {
    if (fallback_reason) fallback_reason->clear();
    if (preferred == LoopBackend::epoll) return make_epoll();

    std::string error;
    std::unique_ptr<EventLoop> loop = UringLoop::create(&error);
    if (loop) return loop;
    if (preferred == LoopBackend::io_uring)
        throw std::runtime_error("io_uring event loop unavailable (" + error + ")");
    if (fallback_reason) *fallback_reason = "io_uring unavailable (" + error + "); using epoll";
    return make_epoll();
}

}  // namespace ringmaster
