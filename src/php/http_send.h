// send() on an http:// connection: turns a Response, a Chunk or a plain string into bytes on
// the wire and keeps answers in request order.
#pragma once

#include "php_ringmaster.h"
#include "ringmaster/connection.h"

namespace ringmaster::php {

// Queues `data` as the answer to the current request. Returns false if nothing was queued.
bool http_send(Connection& c, zval* data);

}  // namespace ringmaster::php
