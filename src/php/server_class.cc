// Ringmaster\Server: the running tree seen through its control socket, from inside a worker
// or from any other PHP script. Answers are the control protocol's final JSON, decoded.
#include "php_ringmaster.h"  // first: the Zend headers below need php.h

#include <string>

extern "C" {
#include "Zend/zend_exceptions.h"
#include "ext/json/php_json.h"
#include "ext/spl/spl_exceptions.h"
}

#include "arginfo.h"
#include "property_decl.h"
#include "ringmaster/process_tree.h"
#include "worker_process.h"

zend_class_entry* ringmaster_server_ce;

using namespace ringmaster;
using namespace ringmaster::php;

namespace {

std::string pid_file_of(zval* self) {
    zval* v = OBJ_PROP_NUM(Z_OBJ_P(self), 0);
    return Z_TYPE_P(v) == IS_STRING ? std::string(Z_STRVAL_P(v), Z_STRLEN_P(v)) : "";
}

void request(INTERNAL_FUNCTION_PARAMETERS, const std::string& line) {
    std::string pid_file = pid_file_of(ZEND_THIS);
    std::string answer;
    try {
        answer = control_request(pid_file + ".sock", line, nullptr);
    } catch (const std::exception& e) {
        zend_throw_exception(spl_ce_RuntimeException, e.what(), 0);
        RETURN_THROWS();
    }
    if (php_json_decode_ex(return_value, answer.data(), answer.size(), PHP_JSON_OBJECT_AS_ARRAY,
                           512) == FAILURE ||
        Z_TYPE_P(return_value) != IS_ARRAY) {
        zval_ptr_dtor(return_value);
        if (EG(exception)) zend_clear_exception();
        zend_throw_exception(spl_ce_UnexpectedValueException,
                             ("unreadable answer from the server: " + answer).c_str(), 0);
        RETURN_THROWS();
    }
}

}  // namespace

PHP_METHOD(Ringmaster_Server, __construct) {
    zend_string* pid_file = nullptr;
    ZEND_PARSE_PARAMETERS_START(0, 1)
        Z_PARAM_OPTIONAL
        Z_PARAM_STR_OR_NULL(pid_file)
    ZEND_PARSE_PARAMETERS_END();
    std::string path;
    if (pid_file) {
        path.assign(ZSTR_VAL(pid_file), ZSTR_LEN(pid_file));
    } else if (!process().config.pid_file.empty()) {
        path = process().config.pid_file;  // inside the server (a worker, or after runAll)
    } else {
        zend_argument_value_error(1, "must name the server's pid file when called outside "
                                     "a running Ringmaster server");
        RETURN_THROWS();
    }
    zval v;
    ZVAL_STRINGL(&v, path.data(), path.size());
    zval* slot = OBJ_PROP_NUM(Z_OBJ_P(ZEND_THIS), 0);
    zval_ptr_dtor(slot);
    ZVAL_COPY_VALUE(slot, &v);
}

PHP_METHOD(Ringmaster_Server, reload) {
    bool graceful = false;
    ZEND_PARSE_PARAMETERS_START(0, 1)
        Z_PARAM_OPTIONAL
        Z_PARAM_BOOL(graceful)
    ZEND_PARSE_PARAMETERS_END();
    request(INTERNAL_FUNCTION_PARAM_PASSTHRU, graceful ? "reload graceful" : "reload");
}

PHP_METHOD(Ringmaster_Server, stop) {
    bool graceful = false;
    ZEND_PARSE_PARAMETERS_START(0, 1)
        Z_PARAM_OPTIONAL
        Z_PARAM_BOOL(graceful)
    ZEND_PARSE_PARAMETERS_END();
    request(INTERNAL_FUNCTION_PARAM_PASSTHRU, graceful ? "stop graceful" : "stop");
}

PHP_METHOD(Ringmaster_Server, status) {
    ZEND_PARSE_PARAMETERS_NONE();
    request(INTERNAL_FUNCTION_PARAM_PASSTHRU, "status");
}

PHP_METHOD(Ringmaster_Server, connections) {
    ZEND_PARSE_PARAMETERS_NONE();
    request(INTERNAL_FUNCTION_PARAM_PASSTHRU, "connections");
}

PHP_METHOD(Ringmaster_Server, getPidFile) {
    ZEND_PARSE_PARAMETERS_NONE();
    std::string p = pid_file_of(ZEND_THIS);
    RETURN_STRINGL(p.data(), p.size());
}

namespace {
const zend_function_entry server_methods[] = {
    PHP_ME(Ringmaster_Server, __construct, arginfo_Server___construct, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_Server, reload, arginfo_Server_graceful, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_Server, stop, arginfo_Server_graceful, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_Server, status, arginfo_array_noargs, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_Server, connections, arginfo_array_noargs, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_Server, getPidFile, arginfo_string_noargs, ZEND_ACC_PUBLIC)
    PHP_FE_END
};
}  // namespace

void ringmaster_register_server_class() {
    zend_class_entry ce;
    INIT_NS_CLASS_ENTRY(ce, "Ringmaster", "Server", server_methods);
    ringmaster_server_ce = zend_register_internal_class_ex(&ce, nullptr);
    ringmaster_server_ce->ce_flags |= ZEND_ACC_FINAL;
    // The pid file path; private, so the stubs show only methods.
    declare_str(ringmaster_server_ce, "pidFile", "", ZEND_ACC_PRIVATE);
}
