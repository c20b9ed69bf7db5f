// Ringmaster\Http\Response and Ringmaster\Http\Chunk: plain value objects. The bytes are
// produced when the response is sent (http_send.cc), so building one costs no formatting.
#include "php_ringmaster.h"  // first: the Zend headers below need php.h

#include <strings.h>

#include <ctime>
#include <string>

extern "C" {
#include "ext/standard/url.h"
}

#include "arginfo.h"
#include "http_objects.h"
#include "property_decl.h"

zend_class_entry* ringmaster_http_response_ce;
zend_class_entry* ringmaster_http_chunk_ce;

using namespace ringmaster::php;

namespace {

zval* prop(zval* self, int n) { return OBJ_PROP_NUM(Z_OBJ_P(self), n); }

HashTable* headers_of(zval* self) {
    zval* h = prop(self, kRespHeaders);
    SEPARATE_ARRAY(h);
    return Z_ARRVAL_P(h);
}

// Header names are case-insensitive: setting one replaces any spelling of it.
void remove_header(HashTable* headers, zend_string* name) {
    zend_string* key;
    zend_ulong idx;
    ZEND_HASH_FOREACH_KEY(headers, idx, key) {
        (void)idx;
        if (key && zend_string_equals_ci(key, name)) zend_hash_del(headers, key);
    }
    ZEND_HASH_FOREACH_END();
}

void set_header(zval* self, zend_string* name, zval* value) {
    HashTable* headers = headers_of(self);
    remove_header(headers, name);
    zval copy;
    ZVAL_COPY(&copy, value);
    zend_hash_update(headers, name, &copy);
}

void set_headers(zval* self, HashTable* headers) {
    zend_string* key;
    zval* value;
    ZEND_HASH_FOREACH_STR_KEY_VAL(headers, key, value) {
        if (key) set_header(self, key, value);
    }
    ZEND_HASH_FOREACH_END();
}

void set_string(zval* slot, const char* data, size_t len) {
    zval_ptr_dtor(slot);
    ZVAL_STRINGL(slot, data, len);
}

const char* mime_for(std::string_view path) {
    static const struct { const char* ext; const char* type; } types[] = {
        {"html", "text/html; charset=utf-8"}, {"htm", "text/html; charset=utf-8"},
        {"css", "text/css"}, {"js", "text/javascript"}, {"mjs", "text/javascript"},
        {"json", "application/json"}, {"txt", "text/plain; charset=utf-8"},
        {"xml", "application/xml"}, {"svg", "image/svg+xml"}, {"png", "image/png"},
        {"jpg", "image/jpeg"}, {"jpeg", "image/jpeg"}, {"gif", "image/gif"},
        {"webp", "image/webp"}, {"ico", "image/x-icon"}, {"pdf", "application/pdf"},
        {"wasm", "application/wasm"}, {"mp4", "video/mp4"}, {"woff2", "font/woff2"},
    };
    size_t dot = path.rfind('.');
    if (dot != std::string_view::npos) {
        std::string ext(path.substr(dot + 1));
        for (auto& t : types)
            if (strcasecmp(ext.c_str(), t.ext) == 0) return t.type;
    }
    return "application/octet-stream";
}

}  // namespace

PHP_METHOD(Ringmaster_Http_Response, __construct) {
    zend_long status = 200;
    HashTable* headers = nullptr;
    zend_string* body = nullptr;
    ZEND_PARSE_PARAMETERS_START(0, 3)
        Z_PARAM_OPTIONAL
        Z_PARAM_LONG(status)
        Z_PARAM_ARRAY_HT(headers)
        Z_PARAM_STR(body)
    ZEND_PARSE_PARAMETERS_END();
    if (status < 100 || status > 999) {
        zend_argument_value_error(1, "must be an HTTP status code (100-999), " ZEND_LONG_FMT " given", status);
        RETURN_THROWS();
    }
    ZVAL_LONG(prop(ZEND_THIS, kRespStatus), status);
    if (headers) set_headers(ZEND_THIS, headers);
    if (body) {
        zval* slot = prop(ZEND_THIS, kRespBody);
        zval_ptr_dtor(slot);
        ZVAL_STR_COPY(slot, body);
    }
}

PHP_METHOD(Ringmaster_Http_Response, withStatus) {
    zend_long code;
    zend_string* reason = nullptr;
    ZEND_PARSE_PARAMETERS_START(1, 2)
        Z_PARAM_LONG(code)
        Z_PARAM_OPTIONAL
        Z_PARAM_STR_OR_NULL(reason)
    ZEND_PARSE_PARAMETERS_END();
    if (code < 100 || code > 999) {
        zend_argument_value_error(1, "must be an HTTP status code (100-999), " ZEND_LONG_FMT " given", code);
        RETURN_THROWS();
    }
    ZVAL_LONG(prop(ZEND_THIS, kRespStatus), code);
    zval* r = prop(ZEND_THIS, kRespReason);
    if (reason)
        set_string(r, ZSTR_VAL(reason), ZSTR_LEN(reason));
    else
        set_string(r, "", 0);
    RETURN_COPY(ZEND_THIS);
}

static void with_header(INTERNAL_FUNCTION_PARAMETERS) {
    zend_string* name;
    zval* value;
    ZEND_PARSE_PARAMETERS_START(2, 2)
        Z_PARAM_STR(name)
        Z_PARAM_ZVAL(value)
    ZEND_PARSE_PARAMETERS_END();
    set_header(ZEND_THIS, name, value);
    RETURN_COPY(ZEND_THIS);
}
PHP_METHOD(Ringmaster_Http_Response, withHeader) { with_header(INTERNAL_FUNCTION_PARAM_PASSTHRU); }
PHP_METHOD(Ringmaster_Http_Response, header) { with_header(INTERNAL_FUNCTION_PARAM_PASSTHRU); }

PHP_METHOD(Ringmaster_Http_Response, withHeaders) {
    HashTable* headers;
    ZEND_PARSE_PARAMETERS_START(1, 1)
        Z_PARAM_ARRAY_HT(headers)
    ZEND_PARSE_PARAMETERS_END();
    set_headers(ZEND_THIS, headers);
    RETURN_COPY(ZEND_THIS);
}

PHP_METHOD(Ringmaster_Http_Response, withoutHeader) {
    zend_string* name;
    ZEND_PARSE_PARAMETERS_START(1, 1)
        Z_PARAM_STR(name)
    ZEND_PARSE_PARAMETERS_END();
    remove_header(headers_of(ZEND_THIS), name);
    RETURN_COPY(ZEND_THIS);
}

PHP_METHOD(Ringmaster_Http_Response, withBody) {
    zend_string* body;
    ZEND_PARSE_PARAMETERS_START(1, 1)
        Z_PARAM_STR(body)
    ZEND_PARSE_PARAMETERS_END();
    zval* slot = prop(ZEND_THIS, kRespBody);
    zval_ptr_dtor(slot);
    ZVAL_STR_COPY(slot, body);
    RETURN_COPY(ZEND_THIS);
}

PHP_METHOD(Ringmaster_Http_Response, withFile) {
    zend_string* file;
    zend_long offset = 0, length = 0;
    ZEND_PARSE_PARAMETERS_START(1, 3)
        Z_PARAM_STR(file)
        Z_PARAM_OPTIONAL
        Z_PARAM_LONG(offset)
        Z_PARAM_LONG(length)
    ZEND_PARSE_PARAMETERS_END();
    if (offset < 0 || length < 0) {
        zend_argument_value_error(offset < 0 ? 2 : 3, "must be greater than or equal to 0");
        RETURN_THROWS();
    }
    zval* slot = prop(ZEND_THIS, kRespFile);
    zval_ptr_dtor(slot);
    array_init(slot);
    add_assoc_str(slot, "file", zend_string_copy(file));
    add_assoc_long(slot, "offset", offset);
    add_assoc_long(slot, "length", length);
    // The type follows the file name unless the application set one.
    HashTable* headers = headers_of(ZEND_THIS);
    bool has_type = false;
    zend_string* key;
    ZEND_HASH_FOREACH_STR_KEY(headers, key) {
        if (key && zend_string_equals_literal_ci(key, "content-type")) has_type = true;
    }
    ZEND_HASH_FOREACH_END();
    if (!has_type) add_assoc_string(prop(ZEND_THIS, kRespHeaders), "Content-Type",
                                    mime_for(std::string_view(ZSTR_VAL(file), ZSTR_LEN(file))));
    RETURN_COPY(ZEND_THIS);
}

PHP_METHOD(Ringmaster_Http_Response, cookie) {
    zend_string *name, *value = nullptr, *path = nullptr, *domain = nullptr, *same_site = nullptr;
    zend_long max_age = 0;
    bool max_age_null = true, secure = false, http_only = false;
    ZEND_PARSE_PARAMETERS_START(1, 8)
        Z_PARAM_STR(name)
        Z_PARAM_OPTIONAL
        Z_PARAM_STR(value)
        Z_PARAM_LONG_OR_NULL(max_age, max_age_null)
        Z_PARAM_STR(path)
        Z_PARAM_STR(domain)
        Z_PARAM_BOOL(secure)
        Z_PARAM_BOOL(http_only)
        Z_PARAM_STR(same_site)
    ZEND_PARSE_PARAMETERS_END();
    if (!ZSTR_LEN(name) || strpbrk(ZSTR_VAL(name), "=,; \t\r\n\013\014")) {
        zend_argument_value_error(1, "must be a cookie name without \"=,; \\t\\r\\n\\013\\014\"");
        RETURN_THROWS();
    }
    std::string line(ZSTR_VAL(name), ZSTR_LEN(name));
    line += '=';
    if (value) {
        zend_string* enc = php_raw_url_encode(ZSTR_VAL(value), ZSTR_LEN(value));
        line.append(ZSTR_VAL(enc), ZSTR_LEN(enc));
        zend_string_release(enc);
    }
    if (!max_age_null) {
        line += "; Max-Age=" + std::to_string(max_age);
        time_t expires = time(nullptr) + max_age;
        char buf[64];
        struct tm tm;
        gmtime_r(&expires, &tm);
        strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        line += std::string("; Expires=") + buf;
    }
    if (path && ZSTR_LEN(path)) line += std::string("; Path=") + ZSTR_VAL(path);
    if (domain && ZSTR_LEN(domain)) line += std::string("; Domain=") + ZSTR_VAL(domain);
    if (secure) line += "; Secure";
    if (http_only) line += "; HttpOnly";
    if (same_site && ZSTR_LEN(same_site)) line += std::string("; SameSite=") + ZSTR_VAL(same_site);
    if (line.find_first_of("\r\n") != std::string::npos) {
        zend_argument_value_error(1, "cookie attributes must not contain line breaks");
        RETURN_THROWS();
    }
    // Every cookie is its own Set-Cookie line: the value is kept as a list.
    HashTable* headers = headers_of(ZEND_THIS);
    zval* list = zend_hash_str_find(headers, "Set-Cookie", sizeof("Set-Cookie") - 1);
    if (!list || Z_TYPE_P(list) != IS_ARRAY) {
        zval fresh;
        array_init(&fresh);
        if (list && Z_TYPE_P(list) == IS_STRING) add_next_index_str(&fresh, zend_string_copy(Z_STR_P(list)));
        list = zend_hash_str_update(headers, "Set-Cookie", sizeof("Set-Cookie") - 1, &fresh);
    }
    SEPARATE_ARRAY(list);
    add_next_index_stringl(list, line.data(), line.size());
    RETURN_COPY(ZEND_THIS);
}

PHP_METHOD(Ringmaster_Http_Response, getStatusCode) {
    ZEND_PARSE_PARAMETERS_NONE();
    RETURN_COPY(prop(ZEND_THIS, kRespStatus));
}

PHP_METHOD(Ringmaster_Http_Response, getReasonPhrase) {
    ZEND_PARSE_PARAMETERS_NONE();
    RETURN_COPY(prop(ZEND_THIS, kRespReason));
}

PHP_METHOD(Ringmaster_Http_Response, getHeader) {
    zend_string* name;
    ZEND_PARSE_PARAMETERS_START(1, 1)
        Z_PARAM_STR(name)
    ZEND_PARSE_PARAMETERS_END();
    zend_string* key;
    zval* value;
    ZEND_HASH_FOREACH_STR_KEY_VAL(Z_ARRVAL_P(prop(ZEND_THIS, kRespHeaders)), key, value) {
        if (key && zend_string_equals_ci(key, name)) RETURN_COPY(value);
    }
    ZEND_HASH_FOREACH_END();
    RETURN_NULL();
}

PHP_METHOD(Ringmaster_Http_Response, getHeaders) {
    ZEND_PARSE_PARAMETERS_NONE();
    RETURN_COPY(prop(ZEND_THIS, kRespHeaders));
}

PHP_METHOD(Ringmaster_Http_Response, rawBody) {
    ZEND_PARSE_PARAMETERS_NONE();
    RETURN_COPY(prop(ZEND_THIS, kRespBody));
}

PHP_METHOD(Ringmaster_Http_Chunk, __construct) {
    zend_string* data;
    ZEND_PARSE_PARAMETERS_START(1, 1)
        Z_PARAM_STR(data)
    ZEND_PARSE_PARAMETERS_END();
    zval* slot = OBJ_PROP_NUM(Z_OBJ_P(ZEND_THIS), 0);
    zval_ptr_dtor(slot);
    ZVAL_STR_COPY(slot, data);
}

PHP_METHOD(Ringmaster_Http_Chunk, data) {
    ZEND_PARSE_PARAMETERS_NONE();
    RETURN_COPY(OBJ_PROP_NUM(Z_OBJ_P(ZEND_THIS), 0));
}

namespace {
#define RESPONSE_ME(name, info) PHP_ME(Ringmaster_Http_Response, name, info, ZEND_ACC_PUBLIC)
const zend_function_entry response_methods[] = {
    RESPONSE_ME(__construct, arginfo_Response___construct)
    RESPONSE_ME(withStatus, arginfo_Response_withStatus)
    RESPONSE_ME(withHeader, arginfo_Response_withHeader)
    RESPONSE_ME(header, arginfo_Response_withHeader)
    RESPONSE_ME(withHeaders, arginfo_Response_withHeaders)
    RESPONSE_ME(withoutHeader, arginfo_Response_withoutHeader)
    RESPONSE_ME(withBody, arginfo_Response_withBody)
    RESPONSE_ME(withFile, arginfo_Response_withFile)
    RESPONSE_ME(cookie, arginfo_Response_cookie)
    RESPONSE_ME(getStatusCode, arginfo_int_noargs)
    RESPONSE_ME(getReasonPhrase, arginfo_string_noargs)
    RESPONSE_ME(getHeader, arginfo_Response_getHeader)
    RESPONSE_ME(getHeaders, arginfo_array_noargs)
    RESPONSE_ME(rawBody, arginfo_string_noargs)
    PHP_FE_END
};
#undef RESPONSE_ME
const zend_function_entry chunk_methods[] = {
    PHP_ME(Ringmaster_Http_Chunk, __construct, arginfo_Chunk___construct, ZEND_ACC_PUBLIC)
    PHP_ME(Ringmaster_Http_Chunk, data, arginfo_string_noargs, ZEND_ACC_PUBLIC)
    PHP_FE_END
};
}  // namespace

void ringmaster_register_http_request_class();

void ringmaster_register_http_classes() {
    ringmaster_register_http_request_class();

    zend_class_entry ce;
    INIT_NS_CLASS_ENTRY(ce, "Ringmaster\\Http", "Response", response_methods);
    zend_class_entry* c = zend_register_internal_class_ex(&ce, nullptr);
    ringmaster_http_response_ce = c;
    const int priv = ZEND_ACC_PRIVATE;
    declare_long(c, "status", 200, priv);  // order = ResponseProp
    declare_str(c, "reason", "", priv);
    {
        zval d;
        ZVAL_EMPTY_ARRAY(&d);
        declare(c, "headers", &d, priv, MAY_BE_ARRAY);
    }
    declare_str(c, "body", "", priv);
    {
        zval d;
        ZVAL_NULL(&d);
        declare(c, "file", &d, priv, MAY_BE_ARRAY | MAY_BE_NULL);
    }

    INIT_NS_CLASS_ENTRY(ce, "Ringmaster\\Http", "Chunk", chunk_methods);
    ringmaster_http_chunk_ce = zend_register_internal_class_ex(&ce, nullptr);
    ringmaster_http_chunk_ce->ce_flags |= ZEND_ACC_FINAL;
    declare_str(ringmaster_http_chunk_ce, "data", "", priv);
}
