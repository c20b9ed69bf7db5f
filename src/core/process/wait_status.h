// Turns a waitpid() status into the words a log reader expects: "exit code 255",
// "killed by signal SIGSEGV (Segmentation fault)".
#pragma once

#include <string>

namespace ringmaster {

std::string describe_wait_status(int wait_status);
// True for a clean exit(0).
bool exited_cleanly(int wait_status);

}  // namespace ringmaster
