// Worker::runAll(): turns the start script's Worker objects into a ServerConfig and hands
// the command line to the process tree. The PHP process then exits with the command's code.
#include "php_ringmaster.h"  // first: the Zend headers below need php.h

#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <string>
#include <vector>

extern "C" {
#include "Zend/zend_exceptions.h"
#include "SAPI.h"
#include "ext/spl/spl_exceptions.h"
}

#include "ringmaster/log.h"
#include "worker_object.h"
#include "worker_process.h"

namespace ringmaster::php {
namespace {

std::string static_string(const char* name) {
    zval* v = zend_read_static_property(ringmaster_worker_ce, name, strlen(name), 1);
    return v && Z_TYPE_P(v) == IS_STRING ? std::string(Z_STRVAL_P(v), Z_STRLEN_P(v)) : "";
}
double static_double(const char* name, double def) {
    zval* v = zend_read_static_property(ringmaster_worker_ce, name, strlen(name), 1);
    return v ? zval_get_double(v) : def;
}
std::string prop_string(zend_object* obj, const char* name) {
    zval* v = declared_property(obj, name);
    return v && Z_TYPE_P(v) == IS_STRING ? std::string(Z_STRVAL_P(v), Z_STRLEN_P(v)) : "";
}
zend_long prop_long(zend_object* obj, const char* name) {
    zval* v = declared_property(obj, name);
    return v ? zval_get_long(v) : 0;
}

std::string script_path() {
    const char* p = SG(request_info).path_translated;
    if (!p && SG(request_info).argc > 0) p = SG(request_info).argv[0];
    if (!p) return "ringmaster";
    char resolved[PATH_MAX];
    return realpath(p, resolved) ? std::string(resolved) : std::string(p);
}

// Default pid and log files live in the temp dir, named after the script's absolute path,
// so two servers started from different scripts never collide and the path is writable.
std::string default_base(const std::string& script) {
    std::string flat = script;
    for (char& c : flat)
        if (c == '/') c = '_';
    const char* tmp = getenv("TMPDIR");
    return std::string(tmp && *tmp ? tmp : "/tmp") + "/ringmaster" + flat;
}

ServerConfig build_config() {
    ProcessState& ps = process();
    ServerConfig cfg;
    cfg.start_file = script_path();
    std::string base = default_base(cfg.start_file);
    cfg.pid_file = static_string("pidFile");
    if (cfg.pid_file.empty()) cfg.pid_file = base + ".pid";
    cfg.log_file = static_string("logFile");
    if (cfg.log_file.empty()) cfg.log_file = base + ".log";
    cfg.stdout_file = static_string("stdoutFile");
    zval* d = zend_read_static_property(ringmaster_worker_ce, "daemonize", sizeof("daemonize") - 1, 1);
    cfg.daemonize = d && zend_is_true(d);
    cfg.stop_timeout = static_double("stopTimeout", 2.0);
    cfg.start_timeout = static_double("startTimeout", 30.0);
    cfg.reload_parallelism = int(static_double("reloadParallelism", 1));
    if (cfg.reload_parallelism < 1) cfg.reload_parallelism = 1;
    cfg.event_loop = ringmaster_ini_event_loop();
    for (size_t i = 0; i < ps.workers.size(); ++i) {
        zend_object* obj = ps.workers[i];
        WorkerObject* w = worker_from(obj);
        WorkerGroupConfig g;
        g.index = int(i);
        g.name = prop_string(obj, "name");
        g.count = int(prop_long(obj, "count"));
        if (g.count < 1)
            throw std::invalid_argument("Worker '" + g.name + "': count must be at least 1, " +
                                        std::to_string(g.count) + " given");
        g.reloadable = zend_is_true(declared_property(obj, "reloadable"));
        g.reuse_port = zend_is_true(declared_property(obj, "reusePort"));
        g.user = prop_string(obj, "user");
        g.group = prop_string(obj, "group");
        g.listen = w->address;
        g.backlog = w->backlog;
        zend_long mr = prop_long(obj, "maxRequests");
        g.max_requests = mr > 0 ? unsigned(mr) : 0;
        cfg.groups.push_back(std::move(g));
    }
    return cfg;
}

}  // namespace
}  // namespace ringmaster::php

using namespace ringmaster;
using namespace ringmaster::php;

void ringmaster_run_all(INTERNAL_FUNCTION_PARAMETERS) {
    ProcessState& ps = process();
    if (ps.in_worker) {
        zend_throw_error(nullptr, "Ringmaster\\Worker::runAll() cannot be called inside a worker");
        return;
    }
    // With the script name first, parse_command() reads the next word as the verb, so an
    // unknown verb is refused instead of being taken for the script's name.
    std::vector<std::string> args;
    for (int i = 0; i < SG(request_info).argc; ++i) args.emplace_back(SG(request_info).argv[i]);
    if (args.empty()) args.emplace_back("ringmaster");

    int code = 1;
    try {
        ps.config = build_config();
        Command cmd;
        bool bad_usage = false;
        try {
            cmd = parse_command(args);
        } catch (const std::invalid_argument& e) {
            fprintf(stderr, "%s\n%s", e.what(), usage_text(ps.config.start_file).c_str());
            bad_usage = true;
        }
        if (bad_usage) {
            code = 64;
        } else if (cmd.verb == CommandVerb::help) {
            fputs(usage_text(ps.config.start_file).c_str(), stdout);
            code = args.size() < 2 ? 64 : 0;
        } else {
            if (ps.config.daemonize) cmd.daemonize = true;
            code = run_command(ps.config, cmd, worker_body());
        }
    } catch (const std::exception& e) {
        fprintf(stderr, "%s\n", e.what());
        code = 1;
    }
    fflush(stdout);
    // Leave the script the way exit($code) does, so `php start.php stop` has the right status.
    EG(exit_status) = code;
    zend_throw_unwind_exit();
}
