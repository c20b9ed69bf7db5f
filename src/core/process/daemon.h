// Daemonising for `start -d`: double fork + setsid, stdio to stdoutFile, and a pipe back to
// the original process so the command returns only once the server is up (or fails with
// the real error message on the user's terminal).
#pragma once

#include <optional>
#include <string>

namespace ringmaster {

// In the original process: waits for the daemon's report, prints it, and returns the exit
// status for the command. In the daemon: returns nullopt and sets *report_fd.
// Throws std::runtime_error if the first fork fails.
std::optional<int> daemonize(const std::string& stdout_file, int* report_fd);

// Daemon side: one line each; the original process exits 0 after OK, 1 after ERROR.
void daemon_report(int* report_fd, bool ok, const std::string& text);

}  // namespace ringmaster
