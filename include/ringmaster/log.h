// One log for the whole tree: timestamped lines "2026-11-21 08:30:01.123 [pid] LEVEL text"
// appended to Worker::$logFile (O_APPEND, so processes never interleave within a line) and
// echoed to stderr while the server runs in the foreground.
#pragma once

#include <string>

namespace ringmaster {

enum class LogLevel { debug, info, warning, error };

// Called in the master before forking; children inherit the fd.
void log_open(const std::string& path, bool echo_to_stderr);
// After daemonising (stderr now points at stdoutFile) or in tests.
void log_set_echo(bool echo_to_stderr);
void log_line(LogLevel level, const std::string& text);

inline void log_info(const std::string& t) { log_line(LogLevel::info, t); }
inline void log_warning(const std::string& t) { log_line(LogLevel::warning, t); }
inline void log_error(const std::string& t) { log_line(LogLevel::error, t); }

}  // namespace ringmaster
