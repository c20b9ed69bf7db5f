// Calls into PHP with exception, exit() and bailout handling (see php_call.h).
#include "php_ringmaster.h"  // first: the Zend headers below need php.h

#include "php_call.h"

extern "C" {
#include "Zend/zend_exceptions.h"
#include "Zend/zend_interfaces.h"
}

#include "ringmaster/log.h"
#include "worker_process.h"

namespace ringmaster::php {

ExitRequest& exit_request() {
    static ExitRequest request;
    return request;
}

bool Callback::assign(zval* value, std::string* error) {
    if (!value || Z_TYPE_P(value) == IS_NULL) {
        clear();
        return true;
    }
    zend_fcall_info_cache fcc;
    char* why = nullptr;
    if (!zend_is_callable_ex(value, nullptr, 0, nullptr, &fcc, &why)) {
        if (error) *error = why ? why : "not callable";
        if (why) efree(why);
        return false;
    }
    if (why) efree(why);
    clear();
    ZVAL_COPY(&callable_, value);
    fcc_ = fcc;
    return true;
}

void Callback::clear() {
    if (Z_TYPE(callable_) != IS_UNDEF) zval_ptr_dtor(&callable_);
    ZVAL_UNDEF(&callable_);
    fcc_ = {};
}

std::string take_exception_message() {
    if (!EG(exception)) return {};
    zend_object* ex = EG(exception);
    GC_ADDREF(ex);
    zend_clear_exception();
    std::string text;
    zval str;
    ZVAL_UNDEF(&str);
    zend_call_known_instance_method_with_0_params(ex->ce->__tostring, ex, &str);
    if (Z_TYPE(str) == IS_STRING) {
        text = std::string(Z_STRVAL(str), Z_STRLEN(str));
    } else {
        text = std::string(ZSTR_VAL(ex->ce->name));
    }
    zval_ptr_dtor(&str);
    if (EG(exception)) zend_clear_exception();  // __toString itself threw
    OBJ_RELEASE(ex);
    return "Uncaught " + text;
}

std::string last_error_message() {
    if (!PG(last_error_message)) return "PHP Fatal error (no message)";
    const char* kind = "Fatal error";
    switch (PG(last_error_type)) {
        case E_PARSE: kind = "Parse error"; break;
        case E_COMPILE_ERROR: kind = "Fatal error"; break;
        default: break;
    }
    std::string msg = std::string("PHP ") + kind + ":  " + ZSTR_VAL(PG(last_error_message));
    if (PG(last_error_file))
        msg += std::string(" in ") + ZSTR_VAL(PG(last_error_file)) + " on line " +
               std::to_string(PG(last_error_lineno));
    return msg;
}

namespace {

// Some fatal errors (memory exhaustion inside a call) reach us as an unwind-exit instead of a
// bailout: PHP set exit status 255 and recorded the error. Such an exit is the error.
bool unwound_by_fatal_error() {
    return EG(exit_status) == 255 && PG(last_error_message) &&
           (PG(last_error_type) & E_FATAL_ERRORS);
}

// The raw call: returns false after a bailout (fatal error). Kept free of C++ objects with
// destructors so the longjmp of a bailout lands in zend_try without skipping any.
bool call_guarded(zval* callable, zend_fcall_info_cache* fcc, uint32_t argc, zval* argv,
                  zval* retval) {
    bool ok = true;
    zend_try {
        zend_fcall_info fci;
        fci.size = sizeof(fci);
        ZVAL_COPY_VALUE(&fci.function_name, callable);
        fci.object = nullptr;
        fci.retval = retval;
        fci.params = argv;
        fci.param_count = argc;
        fci.named_params = nullptr;
        zend_call_function(&fci, fcc);
    }
    zend_catch {
        ok = false;
    }
    zend_end_try();
    return ok;
}

}  // namespace

Callback::Outcome Callback::call(uint32_t argc, zval* argv, zval* retval) {
    zval ignored;
    zval* rv = retval ? retval : &ignored;
    ZVAL_UNDEF(rv);
    if (!call_guarded(&callable_, &fcc_, argc, argv, rv)) {
        ExitRequest& req = exit_request();
        req.requested = true;
        req.status = 255;
        req.reason = last_error_message();
        log_error(req.reason);
        request_worker_exit();
        return Outcome::fatal;
    }
    if (!retval) zval_ptr_dtor(&ignored);
    if (!EG(exception)) return Outcome::ok;
    if (zend_is_unwind_exit(EG(exception))) {
        zend_clear_exception();
        ExitRequest& req = exit_request();
        req.requested = true;
        req.status = EG(exit_status);
        if (unwound_by_fatal_error()) {
            req.reason = last_error_message();
            log_error(req.reason);
            request_worker_exit();
            return Outcome::fatal;
        }
        req.reason = "exit(" + std::to_string(EG(exit_status)) + ") called";
        log_info("worker ending: " + req.reason);
        request_worker_exit();
        return Outcome::exit;
    }
    // Unlike Workerman, an uncaught exception does not end the worker: it is logged with
    // its trace and the worker keeps serving its other connections.
    log_error(take_exception_message() + "\n(the worker keeps serving)");
    return Outcome::exception;
}

bool call_reporting_failure(Callback& cb, uint32_t argc, zval* argv, std::string* failure) {
    zval rv;
    ZVAL_UNDEF(&rv);
    if (!call_guarded(cb.value(), nullptr, argc, argv, &rv)) {
        *failure = last_error_message();
        return false;
    }
    zval_ptr_dtor(&rv);
    if (!EG(exception)) return true;
    if (zend_is_unwind_exit(EG(exception))) {
        zend_clear_exception();
        *failure = unwound_by_fatal_error()
                       ? last_error_message()
                       : "exit(" + std::to_string(EG(exit_status)) + ") called in onWorkerStart";
        return false;
    }
    // Fatal for the start, so it reads as PHP's own message for an uncaught ParseError/Error.
    *failure = "PHP Fatal error:  " + take_exception_message();
    return false;
}

}  // namespace ringmaster::php
