// Ringmaster\Worker: properties, callback checks on assignment, construction from an
// address, listen()/unlisten(), runAll() and stopAll().
#include "php_ringmaster.h"  // first: the Zend headers below need php.h

#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

extern "C" {
#include "Zend/zend_exceptions.h"
#include "SAPI.h"
#include "ext/spl/spl_exceptions.h"
}

#include "arginfo.h"
#include "property_decl.h"
#include "ringmaster/log.h"
#include "worker_object.h"
#include "worker_process.h"

zend_class_entry* ringmaster_worker_ce;

namespace ringmaster::php {

const char* const kCallbackNames[kCallbackSlots] = {
    "onWorkerStart", "onWorkerStop", "onWorkerReload", "onConnect",    "onMessage",
    "onClose",       "onError",      "onBufferFull",   "onBufferDrain",
    "onWebSocketConnect", "onWebSocketPing", "onWebSocketPong"};

int callback_slot(zend_string* name) {
    if (ZSTR_LEN(name) < 3 || ZSTR_VAL(name)[0] != 'o' || ZSTR_VAL(name)[1] != 'n') return -1;
    for (int i = 0; i < kCallbackSlots; ++i)
        if (strcmp(ZSTR_VAL(name), kCallbackNames[i]) == 0) return i;
    return -1;
}

zval* declared_property(zend_object* obj, const char* name) {
    zend_property_info* info =
        static_cast<zend_property_info*>(zend_hash_str_find_ptr(&obj->ce->properties_info, name,
                                                                strlen(name)));
    return info ? OBJ_PROP(obj, info->offset) : nullptr;
}

ProcessState& process() {
    static ProcessState state;
    return state;
}

namespace {

zend_object_handlers worker_handlers;

zend_object* worker_create(zend_class_entry* ce) {
    auto* z = static_cast<WorkerZObj*>(zend_object_alloc(sizeof(WorkerZObj), ce));
    z->impl = new WorkerObject();
    z->impl->self = &z->std;
    zend_object_std_init(&z->std, ce);
    object_properties_init(&z->std, ce);
    z->std.handlers = &worker_handlers;
    return &z->std;
}

void worker_free(zend_object* obj) {
    auto* z = reinterpret_cast<WorkerZObj*>(reinterpret_cast<char*>(obj) -
                                            XtOffsetOf(WorkerZObj, std));
    delete z->impl;
    z->impl = nullptr;
    zend_object_std_dtor(obj);
}

// Callback properties are checked when assigned, so a typo fails at the line that made it
// instead of at the first connection; the checked callable is cached for every call.
zval* worker_write_property(zend_object* obj, zend_string* name, zval* value, void** cache) {
    int slot = callback_slot(name);
    if (slot >= 0) {
        std::string why;
        if (!worker_from(obj)->callbacks[slot].assign(value, &why)) {
            zend_type_error("Ringmaster\\Worker::$%s must be a valid callback or null, %s",
                            ZSTR_VAL(name), why.c_str());
            return &EG(error_zval);
        }
        // No run-time cache slot: with one, the VM would write this property directly the
        // next time the same line runs (a loop, a second connection) and skip this check.
        cache = nullptr;
    }
    return zend_std_write_property(obj, name, value, cache);
}

// Maps a scheme to its protocol. Unknown schemes must name a class with static
// input/decode/encode (Workerman's custom protocols), found as given or under Protocols\.
void resolve_protocol(WorkerObject* w, const std::string& scheme, const std::string& original) {
    static const struct { const char* name; ProtocolKind kind; } builtin[] = {
        {"tcp", ProtocolKind::tcp},   {"unix", ProtocolKind::tcp},
        {"text", ProtocolKind::text}, {"frame", ProtocolKind::frame},
        {"http", ProtocolKind::http}, {"websocket", ProtocolKind::websocket},
    };
    for (auto& b : builtin)
        if (scheme == b.name) {
            w->protocol = b.kind;
            return;
        }
    for (const std::string& candidate : {scheme, "Protocols\\" + scheme}) {
        zend_string* name = zend_string_init(candidate.data(), candidate.size(), 0);
        zend_class_entry* ce = zend_lookup_class(name);
        zend_string_release(name);
        if (ce) {
            w->protocol = ProtocolKind::user;
            w->protocol_class = std::string(ZSTR_VAL(ce->name), ZSTR_LEN(ce->name));
            return;
        }
    }
    throw AddressError("Invalid address '" + original + "': unknown protocol '" + scheme +
                       "' (built in: tcp, text, frame, http, websocket, unix; or a class with static "
                       "input/decode/encode)");
}

void set_string_prop(zend_object* obj, const char* name, const std::string& value) {
    zval v;
    ZVAL_STRINGL(&v, value.data(), value.size());
    zend_update_property(obj->ce, obj, name, strlen(name), &v);
    zval_ptr_dtor(&v);
}

}  // namespace
}  // namespace ringmaster::php

using namespace ringmaster;
using namespace ringmaster::php;

PHP_METHOD(Ringmaster_Worker, __construct) {
    zend_string* socket_name = nullptr;
    HashTable* context = nullptr;
    ZEND_PARSE_PARAMETERS_START(0, 2)
        Z_PARAM_OPTIONAL
        Z_PARAM_STR(socket_name)
        Z_PARAM_ARRAY_HT(context)
    ZEND_PARSE_PARAMETERS_END();

    zend_object* self = Z_OBJ_P(ZEND_THIS);
    WorkerObject* w = worker_from(self);
    if (socket_name && ZSTR_LEN(socket_name)) {
        try {
            Address a = parse_address(std::string(ZSTR_VAL(socket_name), ZSTR_LEN(socket_name)));
            resolve_protocol(w, a.scheme, a.original);
            set_string_prop(self, "protocol", a.scheme);
            set_string_prop(self, "transport", a.transport == Transport::unix_stream ? "unix" : "tcp");
            w->address = std::move(a);
        } catch (const std::exception& e) {
            zend_throw_exception(spl_ce_InvalidArgumentException, e.what(), 0);
            RETURN_THROWS();
        }
    }
    if (context) {
        // ['socket' => ['backlog' => N, 'so_reuseport' => bool]] as in stream contexts.
        zval* sock = zend_hash_str_find(context, "socket", sizeof("socket") - 1);
        if (sock && Z_TYPE_P(sock) == IS_ARRAY) {
            zval* backlog = zend_hash_str_find(Z_ARRVAL_P(sock), "backlog", sizeof("backlog") - 1);
            if (backlog) w->backlog = int(zval_get_long(backlog));
            zval* rp = zend_hash_str_find(Z_ARRVAL_P(sock), "so_reuseport", sizeof("so_reuseport") - 1);
            if (rp && zend_is_true(rp)) {
                zval t;
                ZVAL_TRUE(&t);
                zend_update_property(self->ce, self, "reusePort", sizeof("reusePort") - 1, &t);
            }
        }
    }
    // Workers created by the start script form the process tree; those created inside a
    // worker (onWorkerStart) belong to that process only and start with listen().
    if (!process().in_worker) {
        GC_ADDREF(self);
        process().workers.push_back(self);
    }
}

PHP_METHOD(Ringmaster_Worker, listen) {
    ZEND_PARSE_PARAMETERS_NONE();
    zend_object* self = Z_OBJ_P(ZEND_THIS);
    WorkerObject* w = worker_from(self);
    ProcessState& ps = process();
    if (!ps.runtime) {
        zend_throw_error(nullptr, "Ringmaster\\Worker::listen() works inside a worker process "
                                  "(in onWorkerStart); the start script's Workers listen in runAll()");
        RETURN_THROWS();
    }
    if (w->listening) return;
    if (!w->address) {
        zend_throw_error(nullptr, "Ringmaster\\Worker::listen(): this Worker has no address");
        RETURN_THROWS();
    }
    try {
        if (w->listen_fd >= 0) {
            ps.runtime->add_listener(w->listen_fd, w);
        } else {
            bool reuse = zend_is_true(declared_property(self, "reusePort"));
            w->listen_fd = ps.runtime->listen(*w->address, reuse, w);
        }
        w->listening = true;
    } catch (const std::exception& e) {
        zend_throw_exception(spl_ce_RuntimeException, e.what(), 0);
        RETURN_THROWS();
    }
}

PHP_METHOD(Ringmaster_Worker, unlisten) {
    ZEND_PARSE_PARAMETERS_NONE();
    WorkerObject* w = worker_from(Z_OBJ_P(ZEND_THIS));
    if (process().runtime && w->listening) {
        process().runtime->stop_accepting_fd(w->listen_fd);
        w->listening = false;
    }
}

PHP_METHOD(Ringmaster_Worker, stopAll) {
    zend_long code = 0;
    ZEND_PARSE_PARAMETERS_START(0, 1)
        Z_PARAM_OPTIONAL
        Z_PARAM_LONG(code)
    ZEND_PARSE_PARAMETERS_END();
    ProcessState& ps = process();
    if (!ps.in_worker) return;
    // From a worker: stop the whole tree, as the master does on SIGTERM. The master's pid is
    // in the pid file; this worker then drains like every other.
    std::ifstream in(ps.config.pid_file);
    long pid = 0;
    if (in >> pid && pid > 1) ::kill(pid_t(pid), SIGTERM);
}

void ringmaster_run_all(INTERNAL_FUNCTION_PARAMETERS);

PHP_METHOD(Ringmaster_Worker, runAll) {
    ZEND_PARSE_PARAMETERS_NONE();
    ringmaster_run_all(INTERNAL_FUNCTION_PARAM_PASSTHRU);
}

namespace {

const zend_function_entry worker_methods[] = {
    PHP_ME(Ringmaster_Worker, __construct, arginfo_Worker___construct, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_Worker, listen, arginfo_void_noargs, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_Worker, unlisten, arginfo_void_noargs, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_Worker, runAll, arginfo_void_noargs, ZEND_ACC_PUBLIC | ZEND_ACC_STATIC)
    PHP_ME(Ringmaster_Worker, stopAll, arginfo_Worker_stopAll, ZEND_ACC_PUBLIC | ZEND_ACC_STATIC)
    PHP_FE_END
};

}  // namespace

void ringmaster_register_worker_class() {
    zend_class_entry ce;
    INIT_NS_CLASS_ENTRY(ce, "Ringmaster", "Worker", worker_methods);
    ringmaster_worker_ce = zend_register_internal_class_ex(&ce, nullptr);
    ringmaster_worker_ce->ce_flags |= ZEND_ACC_ALLOW_DYNAMIC_PROPERTIES;
    ringmaster_worker_ce->create_object = worker_create;
    memcpy(&worker_handlers, zend_get_std_object_handlers(), sizeof(worker_handlers));
    worker_handlers.offset = XtOffsetOf(WorkerZObj, std);
    worker_handlers.free_obj = worker_free;
    worker_handlers.write_property = worker_write_property;

    zend_class_entry* c = ringmaster_worker_ce;
    declare_long(c, "id", 0);
    declare_long(c, "count", 1);
    declare_str(c, "name", "none");
    declare_str(c, "protocol", "");
    declare_str(c, "transport", "tcp");
    declare_bool(c, "reusePort", false);
    declare_bool(c, "reloadable", true);
    declare_str(c, "user", "");
    declare_str(c, "group", "");
    declare_long(c, "maxRequests", 0);
    {
        zval d;
        ZVAL_EMPTY_ARRAY(&d);
        declare(c, "connections", &d, ZEND_ACC_PUBLIC, MAY_BE_ARRAY);
    }
    for (const char* cb : kCallbackNames) declare_mixed_null(c, cb);

    const int st = ZEND_ACC_PUBLIC | ZEND_ACC_STATIC;
    declare_str(c, "pidFile", "", st);
    declare_str(c, "logFile", "", st);
    declare_str(c, "stdoutFile", "/dev/null", st);
    declare_bool(c, "daemonize", false, st);
    {
        zval d;
        ZVAL_DOUBLE(&d, 2.0);
        declare(c, "stopTimeout", &d, st, MAY_BE_DOUBLE);
        ZVAL_DOUBLE(&d, 30.0);
        declare(c, "startTimeout", &d, st, MAY_BE_DOUBLE);
    }
    declare_long(c, "reloadParallelism", 1, st);
    declare_mixed_null(c, "onMasterReload", st);
    declare_mixed_null(c, "onWorkerExit", st);
}
