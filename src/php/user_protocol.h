// Workerman-style protocol classes written in PHP: static input($buffer, $connection) says
// how long the next package is (0: need more, -1/false: bad input), decode() turns it into
// the message, encode() frames what send() is given.
#pragma once

#include <memory>
#include <string>

#include "php_ringmaster.h"
#include "ringmaster/codec.h"

namespace ringmaster {
class Connection;
}

namespace ringmaster::php {

std::unique_ptr<Codec> make_user_codec(const std::string& class_name, size_t max_package_size);
// Lets a user codec find its connection's PHP object (called right after accept).
void attach_user_codec(Connection& c);
// Calls Class::encode($data, $connection); returns false (with an exception logged) on failure.
bool user_protocol_encode(const std::string& class_name, zval* data, zend_object* connection,
                          zval* encoded);

}  // namespace ringmaster::php
