// The module entry and what the glue files share: class entries and registration calls.
#pragma once

extern "C" {
#include "php.h"
}

#define PHP_RINGMASTER_VERSION "0.1.0"

extern zend_module_entry ringmaster_module_entry;
#define phpext_ringmaster_ptr &ringmaster_module_entry

extern zend_class_entry* ringmaster_worker_ce;
extern zend_class_entry* ringmaster_tcp_connection_ce;
extern zend_class_entry* ringmaster_timer_ce;
extern zend_class_entry* ringmaster_server_ce;
extern zend_class_entry* ringmaster_async_connection_ce;

void ringmaster_register_worker_class();
void ringmaster_register_connection_class();
void ringmaster_register_timer_class();
void ringmaster_register_server_class();
void ringmaster_register_async_connection_class();

// php.ini: ringmaster.event_loop = auto | io_uring | epoll
const char* ringmaster_ini_event_loop();
