// Declaring typed properties on the internal classes, with the defaults the stubs show.
#pragma once

#include "php_ringmaster.h"

namespace ringmaster::php {

void declare(zend_class_entry* ce, const char* name, zval* def, int flags, uint32_t type_mask);
void declare_long(zend_class_entry* ce, const char* name, zend_long v, int flags = ZEND_ACC_PUBLIC);
void declare_str(zend_class_entry* ce, const char* name, const char* v, int flags = ZEND_ACC_PUBLIC);
void declare_bool(zend_class_entry* ce, const char* name, bool v, int flags = ZEND_ACC_PUBLIC);
void declare_mixed_null(zend_class_entry* ce, const char* name, int flags = ZEND_ACC_PUBLIC);

}  // namespace ringmaster::php
