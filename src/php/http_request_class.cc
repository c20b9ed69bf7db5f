// Ringmaster\Http\Request: a view of a natively parsed request. Query, form, cookie, header
// and file arrays are built the first time they are asked for, with PHP's own rules for
// "a[]=1" and "a[b]=1" (php_register_variable_safe), and kept for later calls.
#include "php_ringmaster.h"  // first: the Zend headers below need php.h

#include <cstring>
#include <vector>

extern "C" {
#include "Zend/zend_exceptions.h"
#include "ext/json/php_json.h"
#include "main/php_variables.h"
}

#include "arginfo.h"
#include "http_objects.h"
#include "ringmaster/protocol/http_field_values.h"
#include "ringmaster/protocol/http_request_parser.h"
#include "ringmaster/protocol/multipart_form.h"
#include "ringmaster/protocol/url_encoded.h"

zend_class_entry* ringmaster_http_request_ce;

namespace ringmaster::php {
namespace {

struct RequestObject {
    http::HttpRequest request;
    zval get, post, cookie, header, files;  // UNDEF until built
    http::MultipartForm form;               // its temp files go with the object
};

struct RequestZObj {
    RequestObject* impl;
    zend_object std;
};

zend_object_handlers request_handlers;

RequestObject* request_from(zval* zv) {
    zend_object* obj = Z_OBJ_P(zv);
    return reinterpret_cast<RequestZObj*>(reinterpret_cast<char*>(obj) -
                                          XtOffsetOf(RequestZObj, std))->impl;
}

// A request's C++ side is reused rather than freed: one Request object per HTTP request
// would otherwise cost a malloc/free pair each, and its parsed buffers go back to the parser
// (HttpRequestParser::recycle) so the next request is parsed without allocating.
std::vector<RequestObject*>& spare_objects() {
    thread_local std::vector<RequestObject*> spare;
    return spare;
}

zend_object* request_create(zend_class_entry* ce) {
    auto* z = static_cast<RequestZObj*>(zend_object_alloc(sizeof(RequestZObj), ce));
    auto& spare = spare_objects();
    if (spare.empty()) {
        z->impl = new RequestObject();
    } else {
        z->impl = spare.back();
        spare.pop_back();
    }
    for (zval* v : {&z->impl->get, &z->impl->post, &z->impl->cookie, &z->impl->header, &z->impl->files})
        ZVAL_UNDEF(v);
    zend_object_std_init(&z->std, ce);
    z->std.handlers = &request_handlers;
    return &z->std;
}

void request_free(zend_object* obj) {
    auto* z = reinterpret_cast<RequestZObj*>(reinterpret_cast<char*>(obj) - XtOffsetOf(RequestZObj, std));
    RequestObject* r = z->impl;
    for (zval* v : {&r->get, &r->post, &r->cookie, &r->header, &r->files}) zval_ptr_dtor(v);
    http::remove_uploaded_files(r->form);  // uploads live as long as the request
    r->form = http::MultipartForm{};
    http::HttpRequestParser::recycle(std::move(r->request));
    auto& spare = spare_objects();
    if (spare.size() < 64)
        spare.push_back(r);
    else
        delete r;
    zend_object_std_dtor(obj);
}

void register_pair(zval* arr, std::string_view key, std::string_view value) {
    std::string k(key);  // php_register_variable_safe wants a NUL-terminated, writable name
    php_register_variable_safe(k.data(), value.data(), value.size(), arr);
}

void build_get(RequestObject* r) {
    array_init(&r->get);
    http::for_each_url_encoded(r->request.query(), [&](std::string_view k, std::string_view v) {
        register_pair(&r->get, k, v);
    });
}

void build_post(RequestObject* r) {
    array_init(&r->post);
    array_init(&r->files);
    std::string_view body = r->request.body();
    if (body.empty()) return;
    http::ContentType ct = http::split_content_type(r->request.header("content-type"));
    if (http::iequals(ct.mime, "application/x-www-form-urlencoded")) {
        http::for_each_url_encoded(body, [&](std::string_view k, std::string_view v) {
            register_pair(&r->post, k, v);
        });
    } else if (http::iequals(ct.mime, "application/json")) {
        zval decoded;
        if (php_json_decode_ex(&decoded, body.data(), body.size(), PHP_JSON_OBJECT_AS_ARRAY, 512) ==
                SUCCESS &&
            Z_TYPE(decoded) == IS_ARRAY) {
            zval_ptr_dtor(&r->post);
            ZVAL_COPY_VALUE(&r->post, &decoded);
        } else {
            zval_ptr_dtor(&decoded);
        }
        if (EG(exception)) zend_clear_exception();
    } else if (http::iequals(ct.mime, "multipart/form-data") && !ct.boundary.empty()) {
        http::MultipartOptions opts;
        const char* tmp = getenv("TMPDIR");
        if (tmp && *tmp) opts.tmp_dir = tmp;
        r->form = http::parse_multipart(body, ct.boundary, opts);
        for (const http::FormField& f : r->form.fields) register_pair(&r->post, f.name, f.value);
        for (const http::UploadedFile& f : r->form.files) {
            zval info;
            array_init(&info);
            add_assoc_stringl(&info, "name", f.file_name.data(), f.file_name.size());
            add_assoc_stringl(&info, "tmp_name", f.tmp_name.data(), f.tmp_name.size());
            add_assoc_long(&info, "size", zend_long(f.size));
            add_assoc_long(&info, "error", f.error);
            add_assoc_stringl(&info, "type", f.content_type.data(), f.content_type.size());
            std::string name(f.field_name);
            bool list = name.size() > 2 && name.compare(name.size() - 2, 2, "[]") == 0;
            if (list) {
                name.resize(name.size() - 2);
                zval* slot = zend_hash_str_find(Z_ARRVAL(r->files), name.data(), name.size());
                if (!slot) {
                    zval arr;
                    array_init(&arr);
                    slot = zend_hash_str_update(Z_ARRVAL(r->files), name.data(), name.size(), &arr);
                }
                add_next_index_zval(slot, &info);
            } else {
                zend_hash_str_update(Z_ARRVAL(r->files), name.data(), name.size(), &info);
            }
        }
    }
}

void build_cookie(RequestObject* r) {
    array_init(&r->cookie);
    r->request.for_each_header("cookie", [&](std::string_view value) {
        http::for_each_cookie(value, [&](std::string_view k, std::string_view v) {
            std::string key(k);
            if (zend_hash_str_exists(Z_ARRVAL(r->cookie), key.data(), key.size())) return;  // first wins, as in PHP
            std::string decoded = http::url_decode(v, true);
            register_pair(&r->cookie, k, decoded);
        });
    });
}

void build_header(RequestObject* r) {
    array_init_size(&r->header, uint32_t(r->request.header_count()));
    for (size_t i = 0; i < r->request.header_count(); ++i) {
        http::HttpHeader h = r->request.header_at(i);
        zval* existing = zend_hash_str_find(Z_ARRVAL(r->header), h.name.data(), h.name.size());
        if (existing) {
            // Repeated headers are folded with ", " as RFC 9110 allows (Cookie uses "; ").
            std::string joined(Z_STRVAL_P(existing), Z_STRLEN_P(existing));
            joined += h.name == "cookie" ? "; " : ", ";
            joined += h.value;
            zval v;
            ZVAL_STRINGL(&v, joined.data(), joined.size());
            zend_hash_str_update(Z_ARRVAL(r->header), h.name.data(), h.name.size(), &v);
        } else {
            zval v;
            ZVAL_STRINGL(&v, h.value.data(), h.value.size());
            zend_hash_str_add_new(Z_ARRVAL(r->header), h.name.data(), h.name.size(), &v);
        }
    }
}

// get()/post()/header()/cookie(): the whole array, or one entry with a default.
void lookup(INTERNAL_FUNCTION_PARAMETERS, zval RequestObject::*which, void (*build)(RequestObject*),
            bool lower_name) {
    zend_string* name = nullptr;
    zval* def = nullptr;
    ZEND_PARSE_PARAMETERS_START(0, 2)
        Z_PARAM_OPTIONAL
        Z_PARAM_STR_OR_NULL(name)
        Z_PARAM_ZVAL(def)
    ZEND_PARSE_PARAMETERS_END();
    RequestObject* r = request_from(ZEND_THIS);
    zval* arr = &(r->*which);
    if (Z_TYPE_P(arr) == IS_UNDEF) build(r);
    if (!name) RETURN_COPY(arr);
    zval* found;
    if (lower_name) {
        zend_string* lc = zend_string_tolower(name);
        found = zend_symtable_find(Z_ARRVAL_P(arr), lc);
        zend_string_release(lc);
    } else {
        found = zend_symtable_find(Z_ARRVAL_P(arr), name);
    }
    if (found) RETURN_COPY(found);
    if (def) RETURN_COPY(def);
    RETURN_NULL();
}

void return_view(zval* return_value, std::string_view v) { RETVAL_STRINGL(v.data(), v.size()); }

}  // namespace

void http_request_object_create(zval* out, http::HttpRequest&& request) {
    object_init_ex(out, ringmaster_http_request_ce);
    request_from(out)->request = std::move(request);
}

}  // namespace ringmaster::php

using namespace ringmaster;
using namespace ringmaster::php;

PHP_METHOD(Ringmaster_Http_Request, __construct) { ZEND_PARSE_PARAMETERS_NONE(); }
PHP_METHOD(Ringmaster_Http_Request, method) {
    ZEND_PARSE_PARAMETERS_NONE();
    return_view(return_value, request_from(ZEND_THIS)->request.method());
}
PHP_METHOD(Ringmaster_Http_Request, uri) {
    ZEND_PARSE_PARAMETERS_NONE();
    return_view(return_value, request_from(ZEND_THIS)->request.target());
}
PHP_METHOD(Ringmaster_Http_Request, path) {
    ZEND_PARSE_PARAMETERS_NONE();
    return_view(return_value, request_from(ZEND_THIS)->request.path());
}
PHP_METHOD(Ringmaster_Http_Request, queryString) {
    ZEND_PARSE_PARAMETERS_NONE();
    return_view(return_value, request_from(ZEND_THIS)->request.query());
}
PHP_METHOD(Ringmaster_Http_Request, protocolVersion) {
    ZEND_PARSE_PARAMETERS_NONE();
    return_view(return_value, request_from(ZEND_THIS)->request.protocol_version());
}
PHP_METHOD(Ringmaster_Http_Request, rawBody) {
    ZEND_PARSE_PARAMETERS_NONE();
    return_view(return_value, request_from(ZEND_THIS)->request.body());
}
PHP_METHOD(Ringmaster_Http_Request, host) {
    bool without_port = false;
    ZEND_PARSE_PARAMETERS_START(0, 1)
        Z_PARAM_OPTIONAL
        Z_PARAM_BOOL(without_port)
    ZEND_PARSE_PARAMETERS_END();
    const http::HttpRequest& req = request_from(ZEND_THIS)->request;
    if (!req.has_header("host")) RETURN_NULL();
    std::string_view host = req.header("host");
    if (without_port) {
        // "[::1]:8080" keeps its brackets; "example.com:8080" loses the port.
        size_t colon = host.rfind(':');
        if (colon != std::string_view::npos && host.find(']', colon) == std::string_view::npos)
            host = host.substr(0, colon);
    }
    return_view(return_value, host);
}
PHP_METHOD(Ringmaster_Http_Request, get) {
    lookup(INTERNAL_FUNCTION_PARAM_PASSTHRU, &RequestObject::get, build_get, false);
}
PHP_METHOD(Ringmaster_Http_Request, post) {
    lookup(INTERNAL_FUNCTION_PARAM_PASSTHRU, &RequestObject::post, build_post, false);
}
PHP_METHOD(Ringmaster_Http_Request, header) {
    lookup(INTERNAL_FUNCTION_PARAM_PASSTHRU, &RequestObject::header, build_header, true);
}
PHP_METHOD(Ringmaster_Http_Request, cookie) {
    lookup(INTERNAL_FUNCTION_PARAM_PASSTHRU, &RequestObject::cookie, build_cookie, false);
}
PHP_METHOD(Ringmaster_Http_Request, file) {
    zend_string* name = nullptr;
    ZEND_PARSE_PARAMETERS_START(0, 1)
        Z_PARAM_OPTIONAL
        Z_PARAM_STR_OR_NULL(name)
    ZEND_PARSE_PARAMETERS_END();
    RequestObject* r = request_from(ZEND_THIS);
    if (Z_TYPE(r->post) == IS_UNDEF) build_post(r);
    if (!name) RETURN_COPY(&r->files);
    zval* found = zend_symtable_find(Z_ARRVAL(r->files), name);
    if (found) RETURN_COPY(found);
    RETURN_NULL();
}

namespace {
const zend_function_entry request_methods[] = {
    PHP_ME(Ringmaster_Http_Request, __construct, arginfo_private_construct, ZEND_ACC_PRIVATE)
    PHP_ME(Ringmaster_Http_Request, method, arginfo_string_noargs, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_Http_Request, uri, arginfo_string_noargs, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_Http_Request, path, arginfo_string_noargs, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_Http_Request, queryString, arginfo_string_noargs, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_Http_Request, protocolVersion, arginfo_string_noargs, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_Http_Request, host, arginfo_Request_host, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_Http_Request, get, arginfo_Request_lookup, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_Http_Request, post, arginfo_Request_lookup, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_Http_Request, header, arginfo_Request_lookup, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_Http_Request, cookie, arginfo_Request_lookup, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_Http_Request, file, arginfo_Request_file, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_Http_Request, rawBody, arginfo_string_noargs, ZEND_ACC_PUBLIC)
    PHP_FE_END
};
}  // namespace

void ringmaster_register_http_request_class() {
    zend_class_entry ce;
    INIT_NS_CLASS_ENTRY(ce, "Ringmaster\\Http", "Request", request_methods);
    ringmaster_http_request_ce = zend_register_internal_class_ex(&ce, nullptr);
    ringmaster_http_request_ce->ce_flags |= ZEND_ACC_FINAL | ZEND_ACC_NO_DYNAMIC_PROPERTIES;
    ringmaster_http_request_ce->create_object = request_create;
    memcpy(&request_handlers, zend_get_std_object_handlers(), sizeof(request_handlers));
    request_handlers.offset = XtOffsetOf(RequestZObj, std);
    request_handlers.free_obj = request_free;
    request_handlers.clone_obj = nullptr;
}
