// Ringmaster\Http\Request, Response and Chunk: what the glue needs to create and read them.
#pragma once

#include <memory>

#include "php_ringmaster.h"
#include "ringmaster/protocol/http_request.h"

extern zend_class_entry* ringmaster_http_request_ce;
extern zend_class_entry* ringmaster_http_response_ce;
extern zend_class_entry* ringmaster_http_chunk_ce;

void ringmaster_register_http_classes();

namespace ringmaster::php {

// A Request object that owns `request` (moved in); its arrays are built on first use.
void http_request_object_create(zval* out, ringmaster::http::HttpRequest&& request);

// Response properties in declaration order (OBJ_PROP_NUM indexes).
enum ResponseProp { kRespStatus, kRespReason, kRespHeaders, kRespBody, kRespFile };

}  // namespace ringmaster::php
