// How a Worker's connections reach PHP: each core connection event becomes the matching
// callback (the connection's own, else its Worker's), and $worker->connections is kept.
#include "php_ringmaster.h"  // first: the Zend headers below need php.h

#include "connection_object.h"
#include "http_objects.h"
#include "user_protocol.h"
#include "worker_object.h"
#include "worker_process.h"

namespace ringmaster::php {
namespace {

ConnectionObject* object_of(Connection& c) {
    return c.user_data ? connection_from(static_cast<zend_object*>(c.user_data)) : nullptr;
}

}  // namespace

void call_with_connection(Callback* cb, zend_object* conn) {
    if (!cb) return;
    zval arg;
    ZVAL_OBJ(&arg, conn);
    cb->call(1, &arg);
}

void call_with_connection(Callback* cb, zend_object* conn, std::string_view text) {
    if (!cb) return;
    zval args[2];
    ZVAL_OBJ(&args[0], conn);
    ZVAL_STRINGL(&args[1], text.data(), text.size());
    cb->call(2, args);
    zval_ptr_dtor(&args[1]);
}

void call_with_connection(Callback* cb, zend_object* conn, zend_long code, std::string_view text) {
    if (!cb) return;
    zval args[3];
    ZVAL_OBJ(&args[0], conn);
    ZVAL_LONG(&args[1], code);
    ZVAL_STRINGL(&args[2], text.data(), text.size());
    cb->call(3, args);
    zval_ptr_dtor(&args[2]);
}

std::unique_ptr<Codec> WorkerObject::make_codec() {
    switch (protocol) {
        case ProtocolKind::text: return make_text_codec(default_max_package_size());
        case ProtocolKind::frame: return make_frame_codec(default_max_package_size());
        case ProtocolKind::user: return make_user_codec(protocol_class, default_max_package_size());
        case ProtocolKind::http: return make_http_codec(default_max_package_size());
        case ProtocolKind::websocket: return make_websocket_codec(default_max_package_size());
        default: return make_raw_codec();
    }
}

void WorkerObject::configure(Connection& c) { attach_user_codec(c); }

void WorkerObject::on_connected(Connection& c) {
    const char* scheme = address ? address->scheme.c_str() : "tcp";
    zend_object* obj = connection_object_create(c, this, scheme);
    zval* list = declared_property(self, "connections");
    if (list && Z_TYPE_P(list) == IS_ARRAY) {
        SEPARATE_ARRAY(list);
        zval v;
        ZVAL_OBJ_COPY(&v, obj);
        zend_hash_index_update(Z_ARRVAL_P(list), zend_ulong(c.id()), &v);
    }
    if (!callbacks[kOnConnect].empty()) call_with_connection(&callbacks[kOnConnect], obj);
}

void WorkerObject::on_message(Connection& c, std::string_view message) {
    ConnectionObject* co = object_of(c);
    if (!co) return;
    note_message();
    zval args[2];
    ZVAL_STRINGL_FAST(&args[1], message.data(), message.size());
    dispatch_message(*co, &args[1]);
    zval_ptr_dtor(&args[1]);
}

void dispatch_message(ConnectionObject& co, zval* message) {
    if (co.pipe_to) {
        ConnectionObject* dst = connection_from(co.pipe_to);
        if (dst->conn) {
            dst->conn->send_message(string_chunk(zval_get_string(message)));
        }
        return;
    }
    Callback* cb = co.callback(kOnMessage);
    if (!cb) return;
    zval args[2];
    ZVAL_OBJ(&args[0], co.self);
    ZVAL_COPY_VALUE(&args[1], message);
    cb->call(2, args);
}

void WorkerObject::on_close(Connection& c) {
    ConnectionObject* co = object_of(c);
    if (!co) return;
    if (co->pipe_to) {
        ConnectionObject* dst = connection_from(co->pipe_to);
        if (dst->conn) dst->conn->close();
    }
    call_with_connection(co->callback(kOnClose), co->self);
    zval* list = declared_property(self, "connections");
    if (list && Z_TYPE_P(list) == IS_ARRAY) {
        SEPARATE_ARRAY(list);
        zend_hash_index_del(Z_ARRVAL_P(list), zend_ulong(c.id()));
    }
}

void WorkerObject::on_error(Connection& c, int code, const std::string& message) {
    ConnectionObject* co = object_of(c);
    if (!co) return;
    call_with_connection(co->callback(kOnError), co->self, code, message);
}

void WorkerObject::on_buffer_full(Connection& c) {
    ConnectionObject* co = object_of(c);
    if (!co) return;
    if (co->pipe_from) {
        ConnectionObject* src = connection_from(co->pipe_from);
        if (src->conn) src->conn->pause_receive();
    }
    call_with_connection(co->callback(kOnBufferFull), co->self);
}

void WorkerObject::on_buffer_drain(Connection& c) {
    ConnectionObject* co = object_of(c);
    if (!co) return;
    if (co->pipe_from) {
        ConnectionObject* src = connection_from(co->pipe_from);
        if (src->conn) src->conn->resume_receive();
    }
    call_with_connection(co->callback(kOnBufferDrain), co->self);
}

void WorkerObject::on_released(Connection& c) {
    ConnectionObject* co = object_of(c);
    c.user_data = nullptr;
    if (!co) return;
    co->conn = nullptr;
    if (co->pipe_to) OBJ_RELEASE(std::exchange(co->pipe_to, nullptr));
    if (co->pipe_from) OBJ_RELEASE(std::exchange(co->pipe_from, nullptr));
    OBJ_RELEASE(co->self);  // the reference the core held since on_connected
}

void WorkerObject::on_http_request(Connection& c, http::HttpRequest&& request) {
    ConnectionObject* co = object_of(c);
    if (!co) return;
    note_message();
    zval req;
    http_request_object_create(&req, std::move(request));
    dispatch_message(*co, &req);
    zval_ptr_dtor(&req);
}

bool WorkerObject::on_websocket_connect(Connection& c, const http::HttpRequest& request) {
    ConnectionObject* co = object_of(c);
    if (!co) return false;
    Callback* cb = co->callback(kOnWebSocketConnect);
    if (!cb) return true;
    zval args[2];
    ZVAL_OBJ(&args[0], co->self);
    http::HttpRequest copy = request;
    http_request_object_create(&args[1], std::move(copy));
    cb->call(2, args);
    zval_ptr_dtor(&args[1]);
    // Refusing is closing the connection from the callback, as in Workerman.
    return c.state() == ConnectionState::established;
}

void WorkerObject::on_websocket_ping(Connection& c, std::string_view payload) {
    ConnectionObject* co = object_of(c);
    if (!co) return;
    call_with_connection(co->callback(kOnWebSocketPing), co->self, payload);
}

void WorkerObject::on_websocket_pong(Connection& c, std::string_view payload) {
    ConnectionObject* co = object_of(c);
    if (!co) return;
    call_with_connection(co->callback(kOnWebSocketPong), co->self, payload);
}

}  // namespace ringmaster::php
