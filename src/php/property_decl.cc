// Typed property declarations for the internal classes.
#include "php_ringmaster.h"  // first: the Zend headers below need php.h

#include "property_decl.h"

#include <cstring>

namespace ringmaster::php {

void declare(zend_class_entry* ce, const char* name, zval* def, int flags, uint32_t type_mask) {
    zend_string* n = zend_string_init_interned(name, strlen(name), 1);
    zend_declare_typed_property(ce, n, def, flags, nullptr,
                                (zend_type)ZEND_TYPE_INIT_MASK(type_mask));
    zend_string_release(n);
}

void declare_long(zend_class_entry* ce, const char* name, zend_long v, int flags) {
    zval d;
    ZVAL_LONG(&d, v);
    declare(ce, name, &d, flags, MAY_BE_LONG);
}
void declare_str(zend_class_entry* ce, const char* name, const char* v, int flags) {
    zval d;
    ZVAL_INTERNED_STR(&d, zend_string_init_interned(v, strlen(v), 1));
    declare(ce, name, &d, flags, MAY_BE_STRING);
}
void declare_bool(zend_class_entry* ce, const char* name, bool v, int flags) {
    zval d;
    ZVAL_BOOL(&d, v);
    declare(ce, name, &d, flags, MAY_BE_BOOL);
}
void declare_mixed_null(zend_class_entry* ce, const char* name, int flags) {
    zval d;
    ZVAL_NULL(&d);
    declare(ce, name, &d, flags, MAY_BE_ANY);
}

}  // namespace ringmaster::php
