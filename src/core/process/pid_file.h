// The pid file names the running master; `start` refuses to run twice and the CLI verbs
// find the server through it and the control socket beside it.
#pragma once

#include <string>

namespace ringmaster {

// The pid in the file, or 0 if there is no file or it holds no number.
int read_pid_file(const std::string& path);
// Writes getpid() atomically (temp file + rename). Throws std::runtime_error naming the path.
void write_pid_file(const std::string& path, int pid);
// Removes the file only if it still names `pid` (a newer master may own it by now).
void remove_pid_file(const std::string& path, int pid);
// True when `pid` is a live (non-zombie) process.
bool process_alive(int pid);

}  // namespace ringmaster
