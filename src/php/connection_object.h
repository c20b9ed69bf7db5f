// The C++ side of a Ringmaster\TcpConnection object: the core connection it speaks for (null
// once that connection has been freed), its owner, and per-connection callback overrides.
#pragma once

#include <memory>

#include "php_call.h"
#include "ringmaster/connection.h"
#include "worker_object.h"

namespace ringmaster::php {

struct OutgoingLink;  // async_connection_class.cc

struct ConnectionObject {
    Connection* conn = nullptr;
    WorkerObject* worker = nullptr;  // the accepting Worker (null for outgoing connections)
    uint64_t id = 0;
    // Callbacks set on this connection itself (rare: most use their Worker's). Allocated on
    // first use, so the thousands of connections that never set one pay nothing for it.
    std::unique_ptr<Callback[]> callbacks;
    zend_object* self = nullptr;
    // pipe(): where received messages go, and who to resume when our buffer drains.
    zend_object* pipe_to = nullptr;
    zend_object* pipe_from = nullptr;
    OutgoingLink* outgoing = nullptr;  // AsyncTcpConnection only (owned)

    // The callback for `slot`: the connection's own if set, else its worker's.
    Callback* callback(CallbackSlot slot) {
        if (callbacks && !callbacks[slot].empty()) return &callbacks[slot];
        if (worker && !worker->callbacks[slot].empty()) return &worker->callbacks[slot];
        return nullptr;
    }
};

struct ConnectionZObj {
    ConnectionObject* impl;
    zend_object std;
};

inline ConnectionObject* connection_from(zend_object* obj) {
    return reinterpret_cast<ConnectionZObj*>(reinterpret_cast<char*>(obj) -
                                             XtOffsetOf(ConnectionZObj, std))->impl;
}

// Calls `cb` (if any) with the connection, then the extra arguments: ($conn), ($conn, $text),
// ($conn, $code, $message) — the shapes of Workerman's connection callbacks.
void call_with_connection(Callback* cb, zend_object* conn);
void call_with_connection(Callback* cb, zend_object* conn, std::string_view text);
void call_with_connection(Callback* cb, zend_object* conn, zend_long code, std::string_view text);

// Queues a PHP string by reference: the chunk takes over one reference to `s` and releases
// it once the kernel has the bytes.
OutChunk string_chunk(zend_string* s);

// TcpConnection::$defaultMaxPackageSize as a codec limit (0 = unbounded).
size_t default_max_package_size();

// Delivers one decoded message (any PHP value) to the connection's pipe or onMessage.
void dispatch_message(ConnectionObject& co, zval* message);

// AsyncTcpConnection: queues `data` until the connection (or its handshake) is up, or frames
// it for ws://. Returns true when this handled the send.
bool outgoing_send(ConnectionObject& co, zval* data, bool raw, bool* result);
void outgoing_free(ConnectionObject& co);

// Creates the PHP object for a new core connection and links both ways.
zend_object* connection_object_create(Connection& c, WorkerObject* worker, const char* protocol);

}  // namespace ringmaster::php
