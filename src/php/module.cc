// The module entry: php.ini settings, class registration, phpinfo().
#include "php_ringmaster.h"

extern "C" {
#include "ext/standard/info.h"
}

#include <string_view>

#include "http_objects.h"
#include "ringmaster/event_loop.h"

namespace {

char* g_event_loop = nullptr;

ZEND_INI_MH(on_update_event_loop) {
    ringmaster::LoopBackend b;
    if (!ringmaster::parse_backend(std::string_view(ZSTR_VAL(new_value), ZSTR_LEN(new_value)), &b)) {
        php_error_docref(nullptr, E_WARNING,
                         "Invalid ringmaster.event_loop '%s': expected auto, io_uring or epoll",
                         ZSTR_VAL(new_value));
        return FAILURE;
    }
    g_event_loop = ZSTR_VAL(new_value);
    return SUCCESS;
}

PHP_INI_BEGIN()
PHP_INI_ENTRY("ringmaster.event_loop", "auto", PHP_INI_ALL, on_update_event_loop)
PHP_INI_END()

PHP_MINIT_FUNCTION(ringmaster) {
    REGISTER_INI_ENTRIES();
    ringmaster_register_worker_class();
    ringmaster_register_connection_class();
    ringmaster_register_timer_class();
    ringmaster_register_server_class();
    ringmaster_register_http_classes();
    ringmaster_register_async_connection_class();
    return SUCCESS;
}

PHP_MSHUTDOWN_FUNCTION(ringmaster) {
    UNREGISTER_INI_ENTRIES();
    return SUCCESS;
}

PHP_MINFO_FUNCTION(ringmaster) {
    php_info_print_table_start();
    php_info_print_table_header(2, "ringmaster support", "enabled");
    php_info_print_table_row(2, "Version", PHP_RINGMASTER_VERSION);
    php_info_print_table_end();
    DISPLAY_INI_ENTRIES();
}

const zend_module_dep ringmaster_deps[] = {
    ZEND_MOD_REQUIRED("json")
    ZEND_MOD_END
};

}  // namespace

const char* ringmaster_ini_event_loop() { return g_event_loop ? g_event_loop : "auto"; }

zend_module_entry ringmaster_module_entry = {
    STANDARD_MODULE_HEADER_EX,
    nullptr,
    ringmaster_deps,
    "ringmaster",
    nullptr,
    PHP_MINIT(ringmaster),
    PHP_MSHUTDOWN(ringmaster),
    nullptr,
    nullptr,
    PHP_MINFO(ringmaster),
    PHP_RINGMASTER_VERSION,
    STANDARD_MODULE_PROPERTIES,
};

extern "C" {
ZEND_GET_MODULE(ringmaster)
}
