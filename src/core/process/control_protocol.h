// The control socket protocol (<pid_file>.sock, a Unix stream socket, mode 0600).
//
// The client sends ONE request line: "reload" | "reload graceful" | "stop" |
// "stop graceful" | "status" | "connections". The server then streams zero or more
// progress lines (plain text, never starting with '{') and ends with ONE final line: a JSON
// object whose "ok" member is true or false. Shapes of the final line:
//
//   reload  {"ok":true,"generation":2,"graceful":false,"ms":140,
//            "replaced":[{"group":"echo","slot":0,"old_pid":1234,"new_pid":1240,"ms":35}],
//            "notified":[{"group":"cron","slot":0,"pid":1201}]}
//           {"ok":false,"error":"PHP Parse error: ... in /x.php on line 3","generation":2,
//            "ms":80,"replaced":[...slots replaced before the failure...],"notified":[...]}
//           "ms" of a replaced slot = fork until READY; top-level "ms" = whole reload.
//           The answer is sent once every replacement is READY and every old process has
//           drained and exited, so afterwards only new code answers. A worker that calls
//           reload() on its own server is the exception: its own exit is not awaited (it
//           cannot drain while it waits for the answer).
//   status  {"ok":true,"processes":[{"pid":..,"role":"master"|"manager"|"worker",
//            "group":"echo","slot":0,"generation":1,"started_at":"2026-11-21 08:30:01",
//            "rss_kb":23000,"state":"serving"|"starting"|"retiring"|"restarting in 1.6 s",
//            "busy":false,"connections":3,"requests":120,"timers":1,"event_loop":"io_uring",
//            "detail":{...the worker's own status_json...}}],"reloading":false}
//           Master/manager rows carry pid, role, started_at, rss_kb, state only. A worker
//           that did not answer within kStatusTimeoutMs has "busy":true and null counters.
//   connections {"ok":true,"workers":[{"pid":..,"group":"echo","slot":0,"generation":1,
//            "busy":false,"connections":[...the worker's connections_json array...]}]}
//   stop    {"ok":true,"message":"Ringmaster stopped"} (sent as the master exits)
//   errors  {"ok":false,"error":"a reload is already in progress (started 1200 ms ago)"}
#pragma once

#include <string>

namespace ringmaster {

constexpr int kStatusTimeoutMs = 500;
constexpr size_t kMaxRequestLine = 4096;

// Makes an accepted client fd blocking with a send timeout, so a client that stops reading
// costs the server at most a few seconds, never a hang.
void control_prepare_client(int fd);
// Writes one progress line (made safe: newlines become spaces, a leading '{' is escaped by
// a space). Returns false if the client is gone.
bool control_send_progress(int fd, const std::string& text);
// Writes the final JSON line.
bool control_send_final(int fd, const std::string& json);
// {"ok":false,"error":"..."}
std::string control_error_json(const std::string& message);

}  // namespace ringmaster
