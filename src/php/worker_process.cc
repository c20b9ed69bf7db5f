// One worker process: builds its event loop after fork, runs onWorkerStart, reports READY to
// the manager, serves until told to retire or stop, drains, runs onWorkerStop and returns.
#include "php_ringmaster.h"  // first: the Zend headers below need php.h

#include "worker_process.h"

#include <unistd.h>

#include <string>

extern "C" {
#include "Zend/zend_exceptions.h"
#include "main/php_output.h"
}

#include "connection_object.h"
#include "php_call.h"
#include "ringmaster/log.h"
#include "ringmaster/worker_control.h"
#include "worker_object.h"

namespace ringmaster::php {
namespace {

std::string json_escape(std::string_view s) {
    std::string out;
    for (char ch : s) {
        switch (ch) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            default:
                if (static_cast<unsigned char>(ch) < 0x20) {
                    char b[8];
                    snprintf(b, sizeof b, "\\u%04x", ch);
                    out += b;
                } else {
                    out += ch;
                }
        }
    }
    return out;
}

// Workers are forked from the manager and share OPcache's memory with every other process
// of the tree, so a replacement could be served the cached copy of a file changed since it
// was compiled: with opcache.validate_timestamps=0 always, otherwise when the edit fell in
// the same second or within revalidate_freq. A new code generation therefore starts by
// invalidating every cached script; the files it then includes are compiled afresh. (Old
// workers keep running what they loaded: invalidation frees no memory they use.)
void invalidate_opcache() {
    zval fn, arg, status;
    ZVAL_STRING(&fn, "opcache_get_status");
    ZVAL_TRUE(&arg);
    ZVAL_UNDEF(&status);
    bool callable = zend_is_callable(&fn, 0, nullptr);
    if (callable) call_user_function(nullptr, nullptr, &fn, &status, 1, &arg);
    zval_ptr_dtor(&fn);
    if (EG(exception)) zend_clear_exception();
    zval* scripts = Z_TYPE(status) == IS_ARRAY
                        ? zend_hash_str_find(Z_ARRVAL(status), "scripts", sizeof("scripts") - 1)
                        : nullptr;
    if (scripts && Z_TYPE_P(scripts) == IS_ARRAY) {
        zval invalidate;
        ZVAL_STRING(&invalidate, "opcache_invalidate");
        zend_string* path;
        ZEND_HASH_FOREACH_STR_KEY(Z_ARRVAL_P(scripts), path) {
            if (!path) continue;
            zval args[2], rv;
            ZVAL_STR_COPY(&args[0], path);
            ZVAL_TRUE(&args[1]);
            ZVAL_UNDEF(&rv);
            call_user_function(nullptr, nullptr, &invalidate, &rv, 2, args);
            zval_ptr_dtor(&args[0]);
            zval_ptr_dtor(&rv);
            if (EG(exception)) zend_clear_exception();
        }
        ZEND_HASH_FOREACH_END();
        zval_ptr_dtor(&invalidate);
    }
    zval_ptr_dtor(&status);
}

class WorkerProcess final : public WorkerControlHandler, public HandoverSink {
public:
    WorkerProcess(const ServerConfig& config, const WorkerSlotInfo& slot, WorkerObject* worker)
        : config_(config), slot_(slot), worker_(worker) {}

    int run() {
        ProcessState& ps = process();
        std::string why;
        LoopBackend backend = LoopBackend::automatic;
        parse_backend(ringmaster_ini_event_loop(), &backend);
        std::string fallback;
        try {
            runtime_ = std::make_unique<WorkerRuntime>(EventLoop::create(backend, &fallback));
        } catch (const std::exception& e) {
            WorkerControl early(slot_.channel_fd, *dummy_loop(), *this);
            early.send_failed(std::string("cannot create the event loop: ") + e.what());
            return 1;
        }
        if (!fallback.empty() && slot_.slot == 0) log_warning(fallback);
        backend_ = backend_name(runtime_->loop().backend());
        ps.runtime = runtime_.get();
        ps.worker = worker_->self;
        control_ = std::make_unique<WorkerControl>(slot_.channel_fd, runtime_->loop(), *this);

        zval* id = declared_property(worker_->self, "id");
        ZVAL_LONG(id, slot_.slot);
        zval* mr = declared_property(worker_->self, "maxRequests");
        max_requests_ = mr ? uint64_t(std::max<zend_long>(0, zval_get_long(mr))) : 0;

        invalidate_opcache();

        // onWorkerStart runs before accepting: a worker whose start fails never took a
        // connection, so its failure costs no client anything.
        if (!worker_->callbacks[kOnWorkerStart].empty()) {
            zval arg;
            ZVAL_OBJ(&arg, worker_->self);
            std::string failure;
            if (!call_reporting_failure(worker_->callbacks[kOnWorkerStart], 1, &arg, &failure)) {
                log_error("worker " + name() + " #" + std::to_string(slot_.slot) +
                          " failed in onWorkerStart: " + failure);
                control_->send_failed(failure);
                return 1;
            }
        }
        if (slot_.listen_fd >= 0) {
            worker_->listen_fd = slot_.listen_fd;
            worker_->listening = true;
            runtime_->add_listener(slot_.listen_fd, worker_);
        }
        control_->send_ready();
        runtime_->run();

        ExitRequest& req = exit_request();
        if (req.requested) {
            // exit() or a fatal error: the manager sees the exit status and restarts the slot.
            php_output_end_all();
            return req.status;
        }
        control_->send_retired(unsigned(runtime_->messages_total()));
        php_output_end_all();
        return 0;
    }

    void note_message() {
        runtime_->count_message();
        if (max_requests_ && !replacement_asked_ && runtime_->messages_total() >= max_requests_) {
            replacement_asked_ = true;
            control_->request_own_replacement();
        }
    }

    void exit_now() {
        if (runtime_) runtime_->stop();
    }

    // ---- WorkerControlHandler -------------------------------------------------------------
    void on_retire(unsigned deadline_ms) override {
        if (control_->replacement_ready()) {
            // A reload: the replacement is serving already and adopts our idle keep-alive
            // connections; the application hears onWorkerReload before the drain.
            runtime_->set_handover_sink(this);
            if (!worker_->callbacks[kOnWorkerReload].empty()) {
                zval arg;
                ZVAL_OBJ(&arg, worker_->self);
                worker_->callbacks[kOnWorkerReload].call(1, &arg);
            }
        }
        runtime_->begin_drain(deadline_ms, [this] { finish(); });
    }
    bool hand_over(int fd, Connection& c) override {
        return c.codec().kind() == ProtocolKind::http && control_->hand_over(fd, "http");
    }
    void on_adopt(int fd, const std::string& state) override {
        // Only this process's own http:// Worker can take it; anything else is closed.
        if (state != "http" || !worker_->address || worker_->protocol != ProtocolKind::http ||
            runtime_->draining()) {
            ::close(fd);
            return;
        }
        runtime_->accept_socket(fd, worker_);
    }
    void on_reload_notice() override {
        if (worker_->callbacks[kOnWorkerReload].empty()) return;
        zval arg;
        ZVAL_OBJ(&arg, worker_->self);
        worker_->callbacks[kOnWorkerReload].call(1, &arg);
    }
    std::string status_json() override {
        std::string s = "{\"pid\":" + std::to_string(getpid());
        s += ",\"name\":\"" + json_escape(name()) + "\"";
        s += ",\"slot\":" + std::to_string(slot_.slot);
        s += ",\"generation\":" + std::to_string(slot_.generation);
        s += ",\"connections\":" + std::to_string(runtime_->connection_count());
        s += ",\"requests\":" + std::to_string(runtime_->messages_total());
        s += ",\"timers\":" + std::to_string(timer_count());
        s += ",\"php_memory\":" + std::to_string(zend_memory_usage(0));
        s += ",\"event_loop\":\"" + backend_ + "\"";
        s += std::string(",\"draining\":") + (runtime_->draining() ? "true" : "false") + "}";
        return s;
    }
    std::string connections_json() override {
        std::string s = "[";
        bool first = true;
        runtime_->for_each_connection([&](Connection& c) {
            uint16_t rport = 0, lport = 0;
            std::string rip = c.fd() >= 0 ? socket_peer_ip(c.fd(), &rport) : "";
            std::string lip = c.fd() >= 0 ? socket_local_ip(c.fd(), &lport) : "";
            if (!first) s += ",";
            first = false;
            s += "{\"worker\":\"" + json_escape(name()) + "\",\"slot\":" + std::to_string(slot_.slot);
            s += ",\"pid\":" + std::to_string(getpid());
            s += ",\"id\":" + std::to_string(c.id());
            s += ",\"protocol\":\"" + json_escape(worker_->address ? worker_->address->scheme : "tcp") + "\"";
            s += ",\"remote\":\"" + json_escape(rip) + ":" + std::to_string(rport) + "\"";
            s += ",\"local\":\"" + json_escape(lip) + ":" + std::to_string(lport) + "\"";
            s += ",\"state\":\"" + std::string(c.state_name()) + "\"";
            s += ",\"bytes_in\":" + std::to_string(c.counters().bytes_in);
            s += ",\"bytes_out\":" + std::to_string(c.counters().bytes_out);
            s += ",\"queued\":" + std::to_string(c.queued_bytes()) + "}";
        });
        return s + "]";
    }
    void on_manager_lost() override {
        runtime_->destroy_all();
        runtime_->stop();
    }

private:
    // The drain is over: onWorkerStop is where the application cleans up; whatever it leaves
    // behind (timers, outgoing connections) is cancelled so nothing holds the process.
    void finish() {
        if (!worker_->callbacks[kOnWorkerStop].empty()) {
            zval arg;
            ZVAL_OBJ(&arg, worker_->self);
            worker_->callbacks[kOnWorkerStop].call(1, &arg);
        }
        delete_all_timers();
        runtime_->destroy_all();
        runtime_->stop();
    }
    std::string name() const {
        zval* n = declared_property(worker_->self, "name");
        return n && Z_TYPE_P(n) == IS_STRING ? std::string(Z_STRVAL_P(n), Z_STRLEN_P(n)) : "none";
    }
    // Only for reporting a loop that could not be created: an epoll loop always can be.
    EventLoop* dummy_loop() {
        static std::unique_ptr<EventLoop> loop = EventLoop::create(LoopBackend::epoll, nullptr);
        return loop.get();
    }

    const ServerConfig& config_;
    WorkerSlotInfo slot_;
    WorkerObject* worker_;
    std::unique_ptr<WorkerRuntime> runtime_;
    std::unique_ptr<WorkerControl> control_;
    std::string backend_;
    uint64_t max_requests_ = 0;
    bool replacement_asked_ = false;
};

WorkerProcess* g_current = nullptr;

class PhpWorkerBody final : public WorkerBody {
public:
    int run_worker(const ServerConfig& config, const WorkerSlotInfo& slot) override {
        ProcessState& ps = process();
        ps.in_worker = true;
        if (slot.group_index < 0 || size_t(slot.group_index) >= ps.workers.size()) return 70;
        WorkerObject* w = worker_from(ps.workers[size_t(slot.group_index)]);
        WorkerProcess wp(config, slot, w);
        g_current = &wp;
        int status = wp.run();
        g_current = nullptr;
        return status;
    }
    void set_process_title(const std::string& title) override {
        zval fn, arg, rv;
        ZVAL_STRING(&fn, "cli_set_process_title");
        ZVAL_STRINGL(&arg, title.data(), title.size());
        ZVAL_UNDEF(&rv);
        if (zend_is_callable(&fn, 0, nullptr)) call_user_function(nullptr, nullptr, &fn, &rv, 1, &arg);
        zval_ptr_dtor(&fn);
        zval_ptr_dtor(&arg);
        zval_ptr_dtor(&rv);
        if (EG(exception)) zend_clear_exception();
    }
    void on_manager_reload() override { call_static("onMasterReload", 0, nullptr); }
    void on_worker_exit(const WorkerSlotInfo& slot, int pid, int wait_status) override {
        zval* cb = zend_read_static_property(ringmaster_worker_ce, "onWorkerExit",
                                             sizeof("onWorkerExit") - 1, 1);
        if (!cb || Z_TYPE_P(cb) == IS_NULL) return;
        zval args[3];
        ZVAL_OBJ(&args[0], process().workers[size_t(slot.group_index)]);
        ZVAL_LONG(&args[1], wait_status);
        ZVAL_LONG(&args[2], pid);
        call_static("onWorkerExit", 3, args);
    }

private:
    void call_static(const char* prop, uint32_t argc, zval* argv) {
        zval* cb = zend_read_static_property(ringmaster_worker_ce, prop, strlen(prop), 1);
        if (!cb || Z_TYPE_P(cb) == IS_NULL) return;
        Callback c;
        std::string why;
        if (!c.assign(cb, &why)) {
            log_error(std::string("Worker::$") + prop + " is not callable: " + why);
            return;
        }
        c.call(argc, argv);
    }
};

}  // namespace

void note_message() {
    if (g_current) g_current->note_message();
}

void request_worker_exit() {
    if (g_current) g_current->exit_now();
}

WorkerBody& worker_body() {
    static PhpWorkerBody body;
    return body;
}

}  // namespace ringmaster::php
