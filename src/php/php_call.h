// The one door from C++ into PHP. Every callback goes through call(): it resolves nothing per
// call (the callable was checked and cached when it was assigned), logs an uncaught
// exception and carries on, turns exit() into a request to end the worker, and catches a
// fatal error's bailout here so the longjmp never crosses C++ frames with destructors.
#pragma once

#include <string>

#include "php_ringmaster.h"

namespace ringmaster::php {

// A callable checked once and cached with its zend_fcall_info_cache.
class Callback {
public:
    Callback() { ZVAL_UNDEF(&callable_); }
    ~Callback() { clear(); }
    Callback(const Callback&) = delete;
    Callback& operator=(const Callback&) = delete;

    // Stores `value` (null clears). Returns false and leaves the old one if it is not
    // callable; `error` then says why.
    bool assign(zval* value, std::string* error);
    void clear();
    bool empty() const { return Z_TYPE(callable_) == IS_UNDEF; }
    zval* value() { return &callable_; }

    enum class Outcome { ok, exception, exit, fatal };
    // Calls with `argc` arguments; `retval` (optional) receives the result, which the caller
    // then destroys. Outcome::exception was logged already.
    Outcome call(uint32_t argc, zval* argv, zval* retval = nullptr);

private:
    zval callable_;
    zend_fcall_info_cache fcc_{};
};

// Set when a callback called exit() or hit a fatal error: the worker ends with this status
// once control is back in the event loop.
struct ExitRequest {
    bool requested = false;
    int status = 0;
    std::string reason;  // the fatal error message, for the manager and the log
};
ExitRequest& exit_request();

// Describes the exception in EG(exception) ("Uncaught Exception: boom in /app/x.php:3" and
// its trace) and clears it. Empty if there is none.
std::string take_exception_message();
// The last error PHP recorded (for a fatal error after bailout), "PHP Fatal error: ... in
// file on line N".
std::string last_error_message();

// Used by the worker for onWorkerStart: like Callback::call, but reports failures (exception,
// exit(), fatal error) as a message instead of logging and carrying on.
bool call_reporting_failure(Callback& cb, uint32_t argc, zval* argv, std::string* failure);

}  // namespace ringmaster::php
