// Ringmaster\AsyncTcpConnection: outgoing connections driven by the worker's loop. The PHP
// object lives across reconnects; each connect() makes a fresh core Connection.
#include "php_ringmaster.h"  // first: the Zend headers below need php.h

#include <vector>

extern "C" {
#include "Zend/zend_exceptions.h"
#include "ext/spl/spl_exceptions.h"
}

#include "arginfo.h"
#include "property_decl.h"
#include "connection_object.h"
#include "ringmaster/log.h"
#include "ringmaster/protocol/websocket_frame.h"
#include "ringmaster/protocol/websocket_handshake.h"
#include "user_protocol.h"
#include "worker_process.h"

zend_class_entry* ringmaster_async_connection_ce;

namespace ringmaster::php {

struct OutgoingLink final : ConnectionEvents, TimerHandler {
    ConnectionObject* co = nullptr;
    Address address;
    ProtocolKind kind = ProtocolKind::tcp;
    std::string protocol_class;
    bool ws_ready = false;
    std::vector<zval> pending;  // sent before the connection/handshake was up
    uint64_t reconnect_timer = 0;

    ~OutgoingLink() override {
        for (zval& z : pending) zval_ptr_dtor(&z);
        if (reconnect_timer && process().runtime) process().runtime->loop().cancel_timer(reconnect_timer);
    }

    bool ready() const {
        return co->conn && co->conn->state() == ConnectionState::established &&
               (kind != ProtocolKind::websocket || ws_ready);
    }

    void send_now(zval* data, bool raw) {
        Connection* c = co->conn;
        zend_string* s = zval_try_get_string(data);
        if (!s) return;
        if (kind == ProtocolKind::websocket && !raw) {
            std::string frame = ws::encode_frame(binary_frames() ? ws::Opcode::binary : ws::Opcode::text,
                                                 std::string_view(ZSTR_VAL(s), ZSTR_LEN(s)), ws::Role::client);
            zend_string_release(s);
            c->send_raw(OutChunk::from_string(std::move(frame)));
            return;
        }
        if (raw)
            c->send_raw(string_chunk(s));
        else
            c->send_message(string_chunk(s));
    }

    // ws://: $websocketType chooses the frame type, as on the server side. Read at each send
    // (the client codec frames whole messages itself, so set_binary() does not reach it).
    bool binary_frames() const {
        zval* t = declared_property(co->self, "websocketType");
        return t && Z_TYPE_P(t) == IS_STRING && Z_STRLEN_P(t) == 1 && Z_STRVAL_P(t)[0] == '\x82';
    }

    void flush_pending() {
        std::vector<zval> items;
        items.swap(pending);
        for (zval& z : items) {
            if (ready()) send_now(&z, false);
            zval_ptr_dtor(&z);
        }
    }

    void connect();

    // ConnectionEvents
    void on_connected(Connection& c) override {
        if (kind == ProtocolKind::websocket) {
            std::string host = address.host;
            if (address.port != 80) host += ":" + std::to_string(address.port);
            c.send_raw(OutChunk::from_string(ws::client_request(host, address.path.empty() ? "/" : address.path, key)));
            return;  // onConnect waits for the server's 101
        }
        established();
    }
    void on_websocket_established(Connection&) override {
        ws_ready = true;
        established();
    }
    void established() {
        flush_pending();
        call_with_connection(co->callback(kOnConnect), co->self);
    }
    void on_message(Connection&, std::string_view message) override {
        zval msg;
        ZVAL_STRINGL_FAST(&msg, message.data(), message.size());
        dispatch_message(*co, &msg);
        zval_ptr_dtor(&msg);
    }
    void on_close(Connection&) override { call_with_connection(co->callback(kOnClose), co->self); }
    void on_error(Connection&, int code, const std::string& message) override {
        report_error(code, message);
    }
    // Without an onError handler a failed outgoing connection would go unnoticed: log it.
    void report_error(int code, const std::string& message) {
        Callback* cb = co->callback(kOnError);
        if (!cb) {
            log_warning("AsyncTcpConnection " + address.original + ": " + message);
            return;
        }
        call_with_connection(cb, co->self, code, message);
    }
    void on_buffer_full(Connection&) override {
        call_with_connection(co->callback(kOnBufferFull), co->self);
    }
    void on_buffer_drain(Connection&) override {
        call_with_connection(co->callback(kOnBufferDrain), co->self);
    }
    void on_released(Connection& c) override {
        c.user_data = nullptr;
        co->conn = nullptr;
        ws_ready = false;
        OBJ_RELEASE(co->self);  // the core's reference, taken in connect()
    }
    // A pending reconnect holds a reference to the PHP object, as Workerman's timer callback
    // does: reconnect() is typically called from onClose on an object that nothing else
    // keeps, and the core's own reference goes with the closed connection.
    void arm_reconnect(WorkerRuntime* rt, uint64_t ns) {
        if (reconnect_timer)
            rt->loop().cancel_timer(reconnect_timer);
        else
            GC_ADDREF(co->self);
        reconnect_timer = rt->loop().add_timer(ns, this);
    }
    void on_timer(uint64_t) override {
        reconnect_timer = 0;
        WorkerRuntime* rt = process().runtime;
        if (rt && co->conn && (co->conn->state() == ConnectionState::closing ||
                               co->conn->state() == ConnectionState::closed)) {
            // The old connection is still tearing down: look again in a millisecond,
            // keeping the reference.
            reconnect_timer = rt->loop().add_timer(1000000, this);
            return;
        }
        zend_object* self = co->self;
        try {
            connect();  // takes the core's reference when it succeeds
        } catch (const std::exception& e) {
            report_error(kConnectFail, e.what());
        }
        OBJ_RELEASE(self);  // may free this link: nothing may follow
    }
    std::string key;

};

void OutgoingLink::connect() {
    WorkerRuntime* rt = process().runtime;
    if (!rt || co->conn) return;
    std::unique_ptr<Codec> codec;
    size_t max = default_max_package_size();
    switch (kind) {
        case ProtocolKind::text: codec = make_text_codec(max); break;
        case ProtocolKind::frame: codec = make_frame_codec(max); break;
        case ProtocolKind::websocket:
            key = ws::make_client_key();
            codec = make_websocket_client_codec(key, max);
            break;
        case ProtocolKind::user: codec = make_user_codec(protocol_class, max); break;
        default: codec = make_raw_codec(); break;
    }
    Connection* c = rt->connect(address, std::move(codec), this);
    co->conn = c;
    co->id = c->id();
    c->user_data = co->self;
    GC_ADDREF(co->self);  // held by the core until on_released
    attach_user_codec(*c);
    ZVAL_LONG(declared_property(co->self, "id"), zend_long(c->id()));
}

bool outgoing_send(ConnectionObject& co, zval* data, bool raw, bool* result) {
    OutgoingLink* link = co.outgoing;
    if (link->ready()) {
        if (!raw && link->kind == ProtocolKind::user) return false;  // the encode() path
        link->send_now(data, raw);
        *result = true;
        return true;
    }
    if (co.conn && co.conn->state() != ConnectionState::connecting &&
        co.conn->state() != ConnectionState::established) {
        *result = false;
        return true;
    }
    zval copy;
    ZVAL_COPY(&copy, data);
    link->pending.push_back(copy);
    *result = true;
    return true;
}

void outgoing_free(ConnectionObject& co) {
    delete co.outgoing;
    co.outgoing = nullptr;
}

}  // namespace ringmaster::php

using namespace ringmaster;
using namespace ringmaster::php;

PHP_METHOD(Ringmaster_AsyncTcpConnection, __construct) {
    zend_string* remote;
    HashTable* context = nullptr;
    ZEND_PARSE_PARAMETERS_START(1, 2)
        Z_PARAM_STR(remote)
        Z_PARAM_OPTIONAL
        Z_PARAM_ARRAY_HT(context)
    ZEND_PARSE_PARAMETERS_END();
    (void)context;
    ConnectionObject* co = connection_from(Z_OBJ_P(ZEND_THIS));
    auto link = std::make_unique<OutgoingLink>();
    link->co = co;
    try {
        link->address = parse_address(std::string(ZSTR_VAL(remote), ZSTR_LEN(remote)));
    } catch (const std::exception& e) {
        zend_throw_exception(spl_ce_InvalidArgumentException, e.what(), 0);
        RETURN_THROWS();
    }
    const std::string& scheme = link->address.scheme;
    if (scheme == "tcp" || scheme == "unix") link->kind = ProtocolKind::tcp;
    else if (scheme == "text") link->kind = ProtocolKind::text;
    else if (scheme == "frame") link->kind = ProtocolKind::frame;
    else if (scheme == "ws") link->kind = ProtocolKind::websocket;
    else {
        zend_string* name = zend_string_init(scheme.data(), scheme.size(), 0);
        zend_class_entry* ce = zend_lookup_class(name);
        zend_string_release(name);
        if (!ce) {
            zend_throw_exception_ex(spl_ce_InvalidArgumentException, 0,
                                    "Invalid address '%s': unknown protocol '%s' (built in: tcp, "
                                    "text, frame, ws, unix; or a protocol class)",
                                    ZSTR_VAL(remote), scheme.c_str());
            RETURN_THROWS();
        }
        link->kind = ProtocolKind::user;
        link->protocol_class = std::string(ZSTR_VAL(ce->name), ZSTR_LEN(ce->name));
    }
    zval* proto = declared_property(co->self, "protocol");
    zval_ptr_dtor(proto);
    ZVAL_STRINGL(proto, scheme.data(), scheme.size());
    outgoing_free(*co);
    co->outgoing = link.release();
}

PHP_METHOD(Ringmaster_AsyncTcpConnection, connect) {
    ZEND_PARSE_PARAMETERS_NONE();
    ConnectionObject* co = connection_from(Z_OBJ_P(ZEND_THIS));
    if (!co->outgoing) {
        zend_throw_error(nullptr, "AsyncTcpConnection was not constructed");
        RETURN_THROWS();
    }
    if (!process().runtime) {
        zend_throw_error(nullptr, "Ringmaster\\AsyncTcpConnection::connect() needs a running "
                                  "worker: call it in onWorkerStart or a callback");
        RETURN_THROWS();
    }
    try {
        co->outgoing->connect();
    } catch (const std::exception& e) {
        zend_throw_exception(spl_ce_RuntimeException, e.what(), 0);
        RETURN_THROWS();
    }
}

PHP_METHOD(Ringmaster_AsyncTcpConnection, reconnect) {
    double after = 0;
    ZEND_PARSE_PARAMETERS_START(0, 1)
        Z_PARAM_OPTIONAL
        Z_PARAM_DOUBLE(after)
    ZEND_PARSE_PARAMETERS_END();
    ConnectionObject* co = connection_from(Z_OBJ_P(ZEND_THIS));
    WorkerRuntime* rt = process().runtime;
    if (!co->outgoing || !rt) {
        zend_throw_error(nullptr, "Ringmaster\\AsyncTcpConnection::reconnect() needs a running worker");
        RETURN_THROWS();
    }
    OutgoingLink* link = co->outgoing;
    if (co->conn) co->conn->destroy();
    // Always through the loop: the old connection must finish its teardown first.
    link->arm_reconnect(rt, after > 0 ? uint64_t(after * 1e9) : 1);
}

namespace {
const zend_function_entry async_methods[] = {
    PHP_ME(Ringmaster_AsyncTcpConnection, __construct, arginfo_Async___construct, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_AsyncTcpConnection, connect, arginfo_void_noargs, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_AsyncTcpConnection, reconnect, arginfo_Async_reconnect, ZEND_ACC_PUBLIC)
    PHP_FE_END
};
}  // namespace

void ringmaster_register_async_connection_class() {
    zend_class_entry ce;
    INIT_NS_CLASS_ENTRY(ce, "Ringmaster", "AsyncTcpConnection", async_methods);
    ringmaster_async_connection_ce = zend_register_internal_class_ex(&ce, ringmaster_tcp_connection_ce);
    ringmaster_async_connection_ce->ce_flags |= ZEND_ACC_ALLOW_DYNAMIC_PROPERTIES;
    declare_mixed_null(ringmaster_async_connection_ce, "onConnect");
}
