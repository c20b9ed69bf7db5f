// Ringmaster\TcpConnection: the PHP face of a core Connection. The PHP object may outlive
// the connection (an application keeps it in an array); its methods then do nothing.
#include "php_ringmaster.h"  // first: the Zend headers below need php.h

#include <algorithm>
#include <cstring>

extern "C" {
#include "Zend/zend_exceptions.h"
}

#include "arginfo.h"
#include "connection_object.h"
#include "property_decl.h"
#include "user_protocol.h"
#include "http_send.h"
#include "worker_process.h"

zend_class_entry* ringmaster_tcp_connection_ce;

namespace ringmaster::php {
namespace {

zend_object_handlers connection_handlers;

zend_object* connection_create(zend_class_entry* ce) {
    auto* z = static_cast<ConnectionZObj*>(zend_object_alloc(sizeof(ConnectionZObj), ce));
    z->impl = new ConnectionObject();
    z->impl->self = &z->std;
    zend_object_std_init(&z->std, ce);
    object_properties_init(&z->std, ce);
    z->std.handlers = &connection_handlers;
    return &z->std;
}

void connection_free(zend_object* obj) {
    auto* z = reinterpret_cast<ConnectionZObj*>(reinterpret_cast<char*>(obj) -
                                                XtOffsetOf(ConnectionZObj, std));
    if (z->impl->conn) z->impl->conn->user_data = nullptr;
    outgoing_free(*z->impl);
    delete z->impl;
    z->impl = nullptr;
    zend_object_std_dtor(obj);
}

zval* connection_write_property(zend_object* obj, zend_string* name, zval* value, void** cache) {
    ConnectionObject* co = connection_from(obj);
    int slot = callback_slot(name);
    // onConnect matters only for AsyncTcpConnection; the rest for every connection.
    if (slot >= kOnConnect) {
        std::string why;
        if (!co->callbacks) co->callbacks = std::make_unique<Callback[]>(kCallbackSlots);
        if (!co->callbacks[slot].assign(value, &why)) {
            zend_type_error("Ringmaster\\TcpConnection::$%s must be a valid callback or null, %s",
                            ZSTR_VAL(name), why.c_str());
            return &EG(error_zval);
        }
    }
    // Properties this handler acts on get no run-time cache slot: with one, the VM would
    // write them directly the next time the same line runs and never call us again.
    bool send_limit = zend_string_equals_literal(name, "maxSendBufferSize");
    bool package_limit = zend_string_equals_literal(name, "maxPackageSize");
    bool ws_type = zend_string_equals_literal(name, "websocketType");
    if (slot >= kOnConnect || send_limit || package_limit || ws_type) cache = nullptr;
    zval* result = zend_std_write_property(obj, name, value, cache);
    if (!co->conn || EG(exception)) return result;
    if (send_limit) co->conn->max_send_buffer = size_t(std::max<zend_long>(0, zval_get_long(value)));
    if (package_limit) co->conn->codec().set_max_package_size(size_t(std::max<zend_long>(0, zval_get_long(value))));
    if (ws_type)
        co->conn->codec().set_binary(Z_TYPE_P(value) == IS_STRING && Z_STRLEN_P(value) == 1 &&
                                     Z_STRVAL_P(value)[0] == '\x82');
    return result;
}

// The connection's PHP object, or null (and a warning-free no-op) once it is gone.
Connection* live(zval* this_zv) {
    ConnectionObject* co = connection_from(Z_OBJ_P(this_zv));
    if (!co->conn || co->conn->state() == ConnectionState::closed) return nullptr;
    return co->conn;
}

// Queues `data` on `c`. Strings are queued by reference (no copy); anything else is
// converted to a string first, as Workerman's send() does.
bool queue(Connection* c, zval* data, bool raw) {
    zend_string* s = zval_try_get_string(data);
    if (!s) return false;
    return raw ? c->send_raw(string_chunk(s)) : c->send_message(string_chunk(s));
}

}  // namespace

OutChunk string_chunk(zend_string* s) {
    return OutChunk(ZSTR_VAL(s), ZSTR_LEN(s), s,
                    [](void* p) { zend_string_release(static_cast<zend_string*>(p)); });
}

size_t default_max_package_size() {
    zval* d = zend_read_static_property(ringmaster_tcp_connection_ce, "defaultMaxPackageSize",
                                        sizeof("defaultMaxPackageSize") - 1, 1);
    zend_long v = d ? zval_get_long(d) : 0;
    return v > 0 ? size_t(v) : 0;
}

zend_object* connection_object_create(Connection& c, WorkerObject* worker, const char* protocol) {
    zval zv;
    object_init_ex(&zv, ringmaster_tcp_connection_ce);
    zend_object* obj = Z_OBJ(zv);
    ConnectionObject* co = connection_from(obj);
    co->conn = &c;
    co->worker = worker;
    co->id = c.id();
    c.user_data = obj;  // the reference from object_init_ex: dropped in on_released
    ZVAL_LONG(OBJ_PROP_NUM(obj, 0), zend_long(c.id()));
    if (worker) ZVAL_OBJ_COPY(declared_property(obj, "worker"), worker->self);
    zval* proto = declared_property(obj, "protocol");
    zval_ptr_dtor(proto);
    ZVAL_STRING(proto, protocol);
    zval* d = zend_read_static_property(ringmaster_tcp_connection_ce, "defaultMaxSendBufferSize",
                                        sizeof("defaultMaxSendBufferSize") - 1, 1);
    if (d) {
        ZVAL_LONG(declared_property(obj, "maxSendBufferSize"), zval_get_long(d));
        c.max_send_buffer = size_t(zval_get_long(d));
    }
    d = zend_read_static_property(ringmaster_tcp_connection_ce, "defaultMaxPackageSize",
                                  sizeof("defaultMaxPackageSize") - 1, 1);
    if (d) ZVAL_LONG(declared_property(obj, "maxPackageSize"), zval_get_long(d));
    return obj;
}

}  // namespace ringmaster::php

using namespace ringmaster;
using namespace ringmaster::php;

PHP_METHOD(Ringmaster_TcpConnection, __construct) { ZEND_PARSE_PARAMETERS_NONE(); }

PHP_METHOD(Ringmaster_TcpConnection, send) {
    zval* data;
    bool raw = false;
    ZEND_PARSE_PARAMETERS_START(1, 2)
        Z_PARAM_ZVAL(data)
        Z_PARAM_OPTIONAL
        Z_PARAM_BOOL(raw)
    ZEND_PARSE_PARAMETERS_END();
    ConnectionObject* co = connection_from(Z_OBJ_P(ZEND_THIS));
    bool handled_result;
    if (co->outgoing && outgoing_send(*co, data, raw, &handled_result)) {
        if (!handled_result) RETURN_FALSE;
        if (!co->conn || co->conn->state() == ConnectionState::connecting) RETURN_NULL();
        RETURN_TRUE;
    }
    Connection* c = co->conn;
    if (!c || c->state() == ConnectionState::closed || c->state() == ConnectionState::closing)
        RETURN_FALSE;
    bool connecting = c->state() == ConnectionState::connecting;
    if (!raw && c->codec().kind() == ProtocolKind::http) RETURN_BOOL(http_send(*c, data));
    if (!raw && c->codec().kind() == ProtocolKind::user && co->worker) {
        // A PHP protocol class frames the data itself: its encode() result goes out as is.
        zval encoded;
        if (!user_protocol_encode(co->worker->protocol_class, data, co->self, &encoded))
            RETURN_FALSE;
        bool ok = queue(c, &encoded, true);
        zval_ptr_dtor(&encoded);
        if (!ok) RETURN_FALSE;
        if (connecting) RETURN_NULL();
        RETURN_TRUE;
    }
    if (!queue(c, data, raw)) RETURN_FALSE;
    if (connecting) RETURN_NULL();
    RETURN_TRUE;
}

PHP_METHOD(Ringmaster_TcpConnection, close) {
    zval* data = nullptr;
    bool raw = false;
    ZEND_PARSE_PARAMETERS_START(0, 2)
        Z_PARAM_OPTIONAL
        Z_PARAM_ZVAL(data)
        Z_PARAM_BOOL(raw)
    ZEND_PARSE_PARAMETERS_END();
    Connection* c = live(ZEND_THIS);
    if (!c) return;
    if (data && Z_TYPE_P(data) != IS_NULL) {
        if (!raw && c->codec().kind() == ProtocolKind::http)
            http_send(*c, data);
        else
            queue(c, data, raw);
    }
    // A raw close($frame, true) brought its own goodbye; otherwise the protocol's (WebSocket:
    // a close frame with 1000) goes last.
    if (raw)
        c->close();
    else
        c->close_gracefully(/*restarting=*/false);
}

PHP_METHOD(Ringmaster_TcpConnection, destroy) {
    ZEND_PARSE_PARAMETERS_NONE();
    if (Connection* c = live(ZEND_THIS)) c->destroy();
}

namespace {
void return_ip(INTERNAL_FUNCTION_PARAMETERS, bool remote, bool want_port, bool both) {
    ZEND_PARSE_PARAMETERS_NONE();
    ConnectionObject* co = connection_from(Z_OBJ_P(ZEND_THIS));
    uint16_t port = 0;
    std::string ip;
    if (co->conn && co->conn->fd() >= 0)
        ip = remote ? socket_peer_ip(co->conn->fd(), &port) : socket_local_ip(co->conn->fd(), &port);
    if (both) {
        std::string text = ip.find(':') != std::string::npos ? "[" + ip + "]" : ip;
        text += ":" + std::to_string(port);
        RETURN_STRINGL(text.data(), text.size());
    }
    if (want_port) RETURN_LONG(port);
    RETURN_STRINGL(ip.data(), ip.size());
}
}  // namespace

PHP_METHOD(Ringmaster_TcpConnection, getRemoteIp) { return_ip(INTERNAL_FUNCTION_PARAM_PASSTHRU, true, false, false); }
PHP_METHOD(Ringmaster_TcpConnection, getRemotePort) { return_ip(INTERNAL_FUNCTION_PARAM_PASSTHRU, true, true, false); }
PHP_METHOD(Ringmaster_TcpConnection, getRemoteAddress) { return_ip(INTERNAL_FUNCTION_PARAM_PASSTHRU, true, false, true); }
PHP_METHOD(Ringmaster_TcpConnection, getLocalIp) { return_ip(INTERNAL_FUNCTION_PARAM_PASSTHRU, false, false, false); }
PHP_METHOD(Ringmaster_TcpConnection, getLocalPort) { return_ip(INTERNAL_FUNCTION_PARAM_PASSTHRU, false, true, false); }
PHP_METHOD(Ringmaster_TcpConnection, getLocalAddress) { return_ip(INTERNAL_FUNCTION_PARAM_PASSTHRU, false, false, true); }

PHP_METHOD(Ringmaster_TcpConnection, pauseRecv) {
    ZEND_PARSE_PARAMETERS_NONE();
    if (Connection* c = live(ZEND_THIS)) c->pause_receive();
}

PHP_METHOD(Ringmaster_TcpConnection, resumeRecv) {
    ZEND_PARSE_PARAMETERS_NONE();
    if (Connection* c = live(ZEND_THIS)) c->resume_receive();
}

PHP_METHOD(Ringmaster_TcpConnection, pipe) {
    zval* dest;
    ZEND_PARSE_PARAMETERS_START(1, 1)
        Z_PARAM_OBJECT_OF_CLASS(dest, ringmaster_tcp_connection_ce)
    ZEND_PARSE_PARAMETERS_END();
    ConnectionObject* src = connection_from(Z_OBJ_P(ZEND_THIS));
    ConnectionObject* dst = connection_from(Z_OBJ_P(dest));
    src->pipe_to = dst->self;
    GC_ADDREF(dst->self);
    // The destination's buffer filling pauses us; its draining resumes us.
    dst->pipe_from = src->self;
    GC_ADDREF(src->self);
}

PHP_METHOD(Ringmaster_TcpConnection, getStatus) {
    bool as_text = true;
    ZEND_PARSE_PARAMETERS_START(0, 1)
        Z_PARAM_OPTIONAL
        Z_PARAM_BOOL(as_text)
    ZEND_PARSE_PARAMETERS_END();
    ConnectionObject* co = connection_from(Z_OBJ_P(ZEND_THIS));
    ConnectionState st = co->conn ? co->conn->state() : ConnectionState::closed;
    static const struct { zend_long code; const char* name; } map[] = {
        {1, "CONNECTING"}, {2, "ESTABLISHED"}, {4, "CLOSING"}, {8, "CLOSED"}};
    auto& m = map[int(st)];
    if (as_text) RETURN_STRING(m.name);
    RETURN_LONG(m.code);
}

PHP_METHOD(Ringmaster_TcpConnection, getSendBufferQueueSize) {
    ZEND_PARSE_PARAMETERS_NONE();
    ConnectionObject* co = connection_from(Z_OBJ_P(ZEND_THIS));
    RETURN_LONG(co->conn ? zend_long(co->conn->queued_bytes()) : 0);
}

PHP_METHOD(Ringmaster_TcpConnection, getRecvBufferQueueSize) {
    ZEND_PARSE_PARAMETERS_NONE();
    ConnectionObject* co = connection_from(Z_OBJ_P(ZEND_THIS));
    RETURN_LONG(co->conn ? zend_long(co->conn->buffered_input()) : 0);
}

namespace {

const zend_function_entry connection_methods[] = {
    PHP_ME(Ringmaster_TcpConnection, __construct, arginfo_private_construct, ZEND_ACC_PRIVATE)
    PHP_ME(Ringmaster_TcpConnection, send, arginfo_TcpConnection_send, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_TcpConnection, close, arginfo_TcpConnection_close, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_TcpConnection, destroy, arginfo_void_noargs, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_TcpConnection, getRemoteIp, arginfo_string_noargs, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_TcpConnection, getRemotePort, arginfo_int_noargs, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_TcpConnection, getRemoteAddress, arginfo_string_noargs, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_TcpConnection, getLocalIp, arginfo_string_noargs, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_TcpConnection, getLocalPort, arginfo_int_noargs, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_TcpConnection, getLocalAddress, arginfo_string_noargs, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_TcpConnection, pauseRecv, arginfo_void_noargs, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_TcpConnection, resumeRecv, arginfo_void_noargs, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_TcpConnection, pipe, arginfo_TcpConnection_pipe, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_TcpConnection, getStatus, arginfo_TcpConnection_getStatus, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_TcpConnection, getSendBufferQueueSize, arginfo_int_noargs, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_TcpConnection, getRecvBufferQueueSize, arginfo_int_noargs, ZEND_ACC_PUBLIC)
    PHP_FE_END
};

}  // namespace

void ringmaster_register_connection_class() {
    zend_class_entry ce;
    INIT_NS_CLASS_ENTRY(ce, "Ringmaster", "TcpConnection", connection_methods);
    ringmaster_tcp_connection_ce = zend_register_internal_class_ex(&ce, nullptr);
    zend_class_entry* c = ringmaster_tcp_connection_ce;
    c->ce_flags |= ZEND_ACC_ALLOW_DYNAMIC_PROPERTIES;
    c->create_object = connection_create;
    memcpy(&connection_handlers, zend_get_std_object_handlers(), sizeof(connection_handlers));
    connection_handlers.offset = XtOffsetOf(ConnectionZObj, std);
    connection_handlers.free_obj = connection_free;
    connection_handlers.write_property = connection_write_property;
    connection_handlers.clone_obj = nullptr;

    zend_declare_class_constant_long(c, "STATUS_CONNECTING", sizeof("STATUS_CONNECTING") - 1, 1);
    zend_declare_class_constant_long(c, "STATUS_ESTABLISHED", sizeof("STATUS_ESTABLISHED") - 1, 2);
    zend_declare_class_constant_long(c, "STATUS_CLOSING", sizeof("STATUS_CLOSING") - 1, 4);
    zend_declare_class_constant_long(c, "STATUS_CLOSED", sizeof("STATUS_CLOSED") - 1, 8);
    zend_declare_class_constant_stringl(c, "BINARY_TYPE_BLOB", sizeof("BINARY_TYPE_BLOB") - 1, "\x81", 1);
    zend_declare_class_constant_stringl(c, "BINARY_TYPE_ARRAYBUFFER",
                                        sizeof("BINARY_TYPE_ARRAYBUFFER") - 1, "\x82", 1);

    declare_long(c, "id", 0);  // first declared property: OBJ_PROP_NUM(obj, 0)
    {
        zval d;
        ZVAL_NULL(&d);
        zend_string* cls = zend_string_init_interned("Ringmaster\\Worker", sizeof("Ringmaster\\Worker") - 1, 1);
        zend_string* n = zend_string_init_interned("worker", sizeof("worker") - 1, 1);
        zend_declare_typed_property(c, n, &d, ZEND_ACC_PUBLIC, nullptr,
                                    (zend_type)ZEND_TYPE_INIT_CLASS(cls, 1, 0));
    }
    declare_str(c, "protocol", "");
    declare_long(c, "maxSendBufferSize", 1048576);
    declare_long(c, "maxPackageSize", 10485760);
    declare_str(c, "websocketType", "\x81");
    for (int i = kOnMessage; i < kCallbackSlots; ++i) declare_mixed_null(c, kCallbackNames[i]);
    declare_long(c, "defaultMaxSendBufferSize", 1048576, ZEND_ACC_PUBLIC | ZEND_ACC_STATIC);
    declare_long(c, "defaultMaxPackageSize", 10485760, ZEND_ACC_PUBLIC | ZEND_ACC_STATIC);
}
