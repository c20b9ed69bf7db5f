// The C++ side of a Ringmaster\Worker object: its cached callbacks, its address and protocol,
// and the ConnectionEvents that turn its connections' events into PHP callbacks.
#pragma once

#include <optional>
#include <string>

#include "php_call.h"
#include "ringmaster/address.h"
#include "ringmaster/codec.h"
#include "ringmaster/connection.h"
#include "ringmaster/worker_runtime.h"

namespace ringmaster::php {

// Callback properties shared by Worker and TcpConnection, in one order.
enum CallbackSlot {
    kOnWorkerStart, kOnWorkerStop, kOnWorkerReload, kOnConnect, kOnMessage, kOnClose,
    kOnError, kOnBufferFull, kOnBufferDrain, kOnWebSocketConnect, kOnWebSocketPing,
    kOnWebSocketPong, kCallbackSlots
};
extern const char* const kCallbackNames[kCallbackSlots];
// Index of a callback property name, or -1.
int callback_slot(zend_string* name);

struct WorkerObject final : ListenerHooks, ConnectionEvents {
    Callback callbacks[kCallbackSlots];
    std::optional<Address> address;
    ProtocolKind protocol = ProtocolKind::tcp;
    std::string protocol_class;   // user protocol: class with static input/decode/encode
    int backlog = 1024;
    int listen_fd = -1;           // in a worker process: the socket it accepts on
    bool listening = false;

    // ListenerHooks
    std::unique_ptr<Codec> make_codec() override;
    ConnectionEvents* events() override { return this; }
    void configure(Connection& c) override;
    // ConnectionEvents
    void on_connected(Connection& c) override;
    void on_message(Connection& c, std::string_view message) override;
    void on_close(Connection& c) override;
    void on_error(Connection& c, int code, const std::string& message) override;
    void on_buffer_full(Connection& c) override;
    void on_buffer_drain(Connection& c) override;
    void on_released(Connection& c) override;
    void on_http_request(Connection& c, http::HttpRequest&& request) override;
    bool on_websocket_connect(Connection& c, const http::HttpRequest& request) override;
    void on_websocket_ping(Connection& c, std::string_view payload) override;
    void on_websocket_pong(Connection& c, std::string_view payload) override;

    zend_object* self = nullptr;  // the PHP object (not owned)
};

// The PHP object: a pointer to the C++ side, then the zend_object (which must be last).
struct WorkerZObj {
    WorkerObject* impl;
    zend_object std;
};

inline WorkerObject* worker_from(zend_object* obj) {
    return reinterpret_cast<WorkerZObj*>(reinterpret_cast<char*>(obj) -
                                         XtOffsetOf(WorkerZObj, std))->impl;
}

// Reads a declared property of `obj` by name (no copy; never null for declared ones).
zval* declared_property(zend_object* obj, const char* name);

}  // namespace ringmaster::php
