// Writing HTTP answers. Bodies are queued by reference (PHP strings) or mapped from files, so
// a response costs one small allocation for its head and no copy of its body.
#include "http_send.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "connection_object.h"
#include "http_objects.h"
#include "worker_process.h"
#include "ringmaster/protocol/http_response_writer.h"

namespace ringmaster::php {
namespace {

// One head buffer for every answer: heads are copied out (OutChunk::copy_of) at once.
http::HttpResponseWriter& head_writer() {
    static http::HttpResponseWriter w;
    return w;
}

struct Mapping {
    void* base;
    size_t len;
};

// Maps [offset, offset+length) of `path`; the pages go back to the kernel when sent.
bool map_file(const char* path, size_t offset, size_t length, OutChunk* out, size_t* size) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return close(fd), false;
    size_t total = size_t(st.st_size);
    if (offset > total) offset = total;
    size_t len = length ? std::min(length, total - offset) : total - offset;
    *size = len;
    if (len == 0) {
        close(fd);
        *out = OutChunk();
        return true;
    }
    size_t page = size_t(sysconf(_SC_PAGESIZE));
    size_t aligned = offset - offset % page;
    size_t map_len = len + (offset - aligned);
    void* base = mmap(nullptr, map_len, PROT_READ, MAP_PRIVATE, fd, off_t(aligned));
    close(fd);
    if (base == MAP_FAILED) return false;
    auto* m = new Mapping{base, map_len};
    *out = OutChunk(static_cast<const char*>(base) + (offset - aligned), len, m, [](void* p) {
        auto* mm = static_cast<Mapping*>(p);
        munmap(mm->base, mm->len);
        delete mm;
    });
    return true;
}

// Ends the exchange: the next pipelined request may be delivered, or the connection closes.
void complete(Connection& c, HttpExchange& ex, bool keep_alive) {
    ex.streaming = false;
    if (!keep_alive) {
        c.close();
    } else {
        c.response_sent();
    }
}

// One piece of a streamed body. HTTP/1.0 has no chunked coding: there the pieces go out as
// they are and the close ends the body (the head said "Connection: close").
void send_stream_piece(Connection& c, const HttpExchange& ex, zend_string* s) {
    if (ex.version_minor == 0) {
        c.send_raw(string_chunk(zend_string_copy(s)));
        return;
    }
    char head[http::kChunkHeaderMax];
    std::string_view h = http::chunk_header(ZSTR_LEN(s), head);
    c.send_raw(OutChunk::copy_of(h));
    c.send_raw(string_chunk(zend_string_copy(s)));
    c.send_raw(OutChunk::literal(http::kChunkEnd));
}

bool send_chunk(Connection& c, HttpExchange& ex, zend_object* chunk) {
    if (!ex.streaming) return false;  // no chunked response under way
    zval* data = OBJ_PROP_NUM(chunk, 0);
    zend_string* s = Z_STR_P(data);
    // head_method here means "no body may follow the head" (HEAD, 204, 304): the Chunks are
    // accepted and dropped so the application's stream logic needs no special case.
    if (ZSTR_LEN(s) == 0) {
        if (ex.version_minor >= 1 && !ex.head_method)
            c.send_raw(OutChunk::literal(http::kLastChunk));
        complete(c, ex, !ex.close_after);
        return true;
    }
    if (!ex.head_method) send_stream_piece(c, ex, s);
    return true;
}

bool send_response(Connection& c, HttpExchange& ex, zend_object* resp) {
    http::HttpResponseWriter& writer = head_writer();
    zend_long status = zval_get_long(OBJ_PROP_NUM(resp, kRespStatus));
    zval* reason = OBJ_PROP_NUM(resp, kRespReason);
    zval* headers = OBJ_PROP_NUM(resp, kRespHeaders);
    zval* body = OBJ_PROP_NUM(resp, kRespBody);
    zval* file = OBJ_PROP_NUM(resp, kRespFile);

    OutChunk file_chunk;
    size_t file_size = 0;
    bool has_file = Z_TYPE_P(file) == IS_ARRAY;
    if (has_file) {
        zval* path = zend_hash_str_find(Z_ARRVAL_P(file), "file", 4);
        zval* off = zend_hash_str_find(Z_ARRVAL_P(file), "offset", 6);
        zval* len = zend_hash_str_find(Z_ARRVAL_P(file), "length", 6);
        if (!path || !map_file(Z_STRVAL_P(path), size_t(zval_get_long(off)),
                               size_t(zval_get_long(len)), &file_chunk, &file_size)) {
            std::string_view resp404 = writer.error_response(404, ex.version_minor);
            c.send_raw(OutChunk::from_string(std::string(resp404)));
            complete(c, ex, false);
            return true;
        }
    }

    writer.begin(int(status), ex.version_minor,
                 Z_TYPE_P(reason) == IS_STRING ? std::string_view(Z_STRVAL_P(reason), Z_STRLEN_P(reason))
                                               : std::string_view());
    bool chunked = false;
    zend_string* key;
    zval* value;
    ZEND_HASH_FOREACH_STR_KEY_VAL(Z_ARRVAL_P(headers), key, value) {
        if (!key) continue;
        std::string_view name(ZSTR_VAL(key), ZSTR_LEN(key));
        if (zend_string_equals_literal_ci(key, "transfer-encoding")) {
            zend_string* v = zval_get_string(value);
            chunked = strcasestr(ZSTR_VAL(v), "chunked") != nullptr;
            zend_string_release(v);
            continue;
        }
        auto add = [&](zval* v) {
            zend_string* s = zval_get_string(v);
            writer.add_header(name, std::string_view(ZSTR_VAL(s), ZSTR_LEN(s)));
            zend_string_release(s);
        };
        if (Z_TYPE_P(value) == IS_ARRAY) {
            zval* item;
            ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(value), item) { add(item); }
            ZEND_HASH_FOREACH_END();
        } else {
            add(value);
        }
    }
    ZEND_HASH_FOREACH_END();
    // A streamed response to an HTTP/1.0 client is still streamed: the writer turns the
    // chunked framing into "until the close" for it (send_stream_piece sends accordingly).
    chunked = chunked && !has_file;
    size_t body_len = has_file ? file_size : Z_STRLEN_P(body);
    std::string_view head = writer.finish(chunked ? http::BodyFraming::chunked
                                                  : http::BodyFraming::content_length,
                                          body_len, ex.keep_alive);
    bool keep = writer.keep_alive();
    c.send_raw(OutChunk::copy_of(head));
    bool with_body = !ex.head_method && status != 204 && status != 304 && status >= 200;
    if (chunked) {
        ex.streaming = true;
        ex.close_after = !keep;
        ex.head_method = !with_body;
        if (with_body && Z_STRLEN_P(body)) send_stream_piece(c, ex, Z_STR_P(body));
        return true;  // Chunks follow; an empty Chunk completes the exchange
    }
    if (with_body) {
        if (has_file) {
            if (file_size) c.send_raw(std::move(file_chunk));
        } else if (Z_STRLEN_P(body)) {
            c.send_raw(string_chunk(zend_string_copy(Z_STR_P(body))));
        }
    }
    complete(c, ex, keep);
    return true;
}

}  // namespace

bool http_send(Connection& c, zval* data) {
    HttpExchange* ex = http_exchange(c.codec());
    if (!ex) return false;
    // A worker stopping with nobody to take its connections says so in this answer's head
    // ("Connection: close") and ends the connection after it.
    WorkerRuntime* rt = process().runtime;
    if (rt && rt->closes_keep_alive() && !ex->streaming) ex->keep_alive = false;
    if (Z_TYPE_P(data) == IS_OBJECT) {
        zend_object* obj = Z_OBJ_P(data);
        if (instanceof_function(obj->ce, ringmaster_http_chunk_ce)) return send_chunk(c, *ex, obj);
        if (instanceof_function(obj->ce, ringmaster_http_response_ce)) {
            if (ex->streaming) return false;
            return send_response(c, *ex, obj);
        }
    }
    if (ex->streaming) return false;
    // A plain string is a 200 text/html answer, as in Workerman.
    http::HttpResponseWriter& writer = head_writer();
    zend_string* s = zval_try_get_string(data);
    if (!s) return false;
    std::string_view head = writer.simple_head(ZSTR_LEN(s), ex->keep_alive, ex->version_minor);
    bool keep = writer.keep_alive();
    c.send_raw(OutChunk::copy_of(head));
    if (!ex->head_method && ZSTR_LEN(s)) {
        c.send_raw(string_chunk(s));
    } else {
        zend_string_release(s);
    }
    complete(c, *ex, keep);
    return true;
}

}  // namespace ringmaster::php
