// The worker's end of the manager channel. Manager -> worker messages:
//   RETIRE <deadline_ms> [handover]   stop accepting, drain, exit (0 = no deadline);
//                          "handover": the slot's replacement is READY and takes sockets
//   ADOPT <state> +fd      a connection handed over by the previous worker of this slot
//   RELOAD_NOTICE          a reload runs and this worker is not reloadable
//   STATUS <id>            answer with REPLY chunks of status_json()
//   CONNECTIONS <id>       answer with REPLY chunks of connections_json()
// Worker -> manager: READY, FAILED <message>, RETIRED <requests>, REPLACE_ME,
// HANDOVER <state> +fd (for the slot's replacement), REPLY <id> <more> <chunk> (channel.h).
#include "ringmaster/worker_control.h"

#include <unistd.h>

#include <cstdlib>

#include "channel.h"

namespace ringmaster {

WorkerControl::WorkerControl(int channel_fd, EventLoop& loop, WorkerControlHandler& handler)
    : fd_(channel_fd), loop_(loop), handler_(handler) {
    loop_.watch_readable(fd_, this);
}

WorkerControl::~WorkerControl() {
    if (fd_ >= 0) loop_.unwatch(fd_);
}

void WorkerControl::send_ready() { send("READY"); }

void WorkerControl::send_failed(const std::string& message) {
    channel_send(fd_, "FAILED", message.empty() ? "onWorkerStart failed" : message);
}

void WorkerControl::send_retired(unsigned requests_served) {
    channel_send(fd_, "RETIRED", std::to_string(requests_served));
}

void WorkerControl::request_own_replacement() { send("REPLACE_ME"); }

void WorkerControl::send(const std::string& message) { channel_send(fd_, message); }

bool WorkerControl::hand_over(int fd, const std::string& state) {
    return replacement_ready_ && fd_ >= 0 && channel_send(fd_, "HANDOVER", state, fd);
}

void WorkerControl::on_readable() {
    // One message per call: the watch is level-triggered, and a handler (on_retire,
    // on_manager_lost) may tear this object down, so nothing may touch `this` after it.
    ChannelMessage msg;
    ChannelRead r = channel_receive(fd_, &msg);
    if (r == ChannelRead::would_block) return;
    if (r == ChannelRead::closed) {
        loop_.unwatch(fd_);
        fd_ = -1;
        handler_.on_manager_lost();
        return;
    }
    if (msg.verb == "ADOPT" && msg.fd >= 0) {
        handler_.on_adopt(msg.fd, msg.payload);  // the handler owns the fd now
        return;
    }
    if (msg.fd >= 0) ::close(msg.fd);
    if (msg.verb == "RETIRE") {
        replacement_ready_ = msg.payload.find("handover") != std::string::npos;
        handler_.on_retire(static_cast<unsigned>(std::strtoul(msg.payload.c_str(), nullptr, 10)));
    } else if (msg.verb == "RELOAD_NOTICE") {
        handler_.on_reload_notice();
    } else if (msg.verb == "STATUS" || msg.verb == "CONNECTIONS") {
        unsigned id = static_cast<unsigned>(std::strtoul(msg.payload.c_str(), nullptr, 10));
        std::string body = msg.verb == "STATUS" ? handler_.status_json() : handler_.connections_json();
        channel_send_reply(fd_, id, body);
    }
    // Unknown verbs come from a newer manager: ignoring them keeps old workers working.
}

}  // namespace ringmaster
