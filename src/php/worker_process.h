// State of the current process as the glue sees it: in a worker, the runtime and the
// Worker it serves; in the master, the Worker objects the start script created.
#pragma once

#include <string>
#include <vector>

#include "php_ringmaster.h"
#include "ringmaster/process_tree.h"
#include "ringmaster/worker_runtime.h"

namespace ringmaster::php {

struct ProcessState {
    WorkerRuntime* runtime = nullptr;  // set in a worker process once its loop exists
    zend_object* worker = nullptr;     // the Worker this process serves
    std::vector<zend_object*> workers; // Worker objects created before runAll (addref'd)
    ServerConfig config;               // filled by runAll
    bool in_worker = false;
};
ProcessState& process();

// Counts one message toward Worker::$maxRequests.
void note_message();

// Timers of this process (timer_class.cc).
size_t timer_count();
void delete_all_timers();

// Ends the worker's loop soon (exit() or a fatal error in a callback).
void request_worker_exit();

// The WorkerBody that process_tree forks: runs one worker process.
WorkerBody& worker_body();

}  // namespace ringmaster::php
