// Handshake: SHA-1 and base64 come from OpenSSL (EVP_Digest, EVP_EncodeBlock); the client's
// response reader uses libhttp-parser in response mode, which stops by itself after a 101.
#include "ringmaster/protocol/websocket_handshake.h"

#include <http_parser.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "ringmaster/protocol/http_field_values.h"

namespace ringmaster::ws {
namespace {

constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

std::string base64(const unsigned char* data, size_t len) {
    std::string out(4 * ((len + 2) / 3), '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(len));
    out.resize(static_cast<size_t>(n));
    return out;
}

// A valid key is exactly base64 of 16 bytes: 22 significant characters and "==".
bool is_valid_key(std::string_view key) {
    if (key.size() != 24 || key[22] != '=' || key[23] != '=') return false;
    unsigned char decoded[18];
    return EVP_DecodeBlock(decoded, reinterpret_cast<const unsigned char*>(key.data()), 24) == 18;
}

}  // namespace

std::string accept_key_for(std::string_view client_key) {
    std::string input;
    input.reserve(client_key.size() + kGuid.size());
    input.append(client_key).append(kGuid);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    if (EVP_Digest(input.data(), input.size(), digest, &digest_len, EVP_sha1(), nullptr) != 1)
        throw std::runtime_error("SHA-1 failed");
    return base64(digest, digest_len);
}

UpgradeCheck check_upgrade_request(const http::HttpRequest& r) {
    UpgradeCheck c;
    auto refuse = [&c](std::string_view why, int status = 400) {
        c.ok = false, c.status = status, c.error = why;
        return c;
    };
    if (r.method() != "GET") return refuse("WebSocket handshake must use GET");
    if (r.version_minor() != 1) return refuse("WebSocket handshake needs HTTP/1.1");
    if (!http::has_token(r.header("upgrade"), "websocket")) return refuse("Upgrade is not websocket");
    if (!http::has_token(r.header("connection"), "upgrade"))
        return refuse("Connection does not contain upgrade");
    if (r.header("sec-websocket-version") != "13")
        return refuse("unsupported Sec-WebSocket-Version", 426);
    c.key = r.header("sec-websocket-key");
    if (!is_valid_key(c.key)) return refuse("invalid Sec-WebSocket-Key");
    c.protocols = r.header("sec-websocket-protocol");
    c.ok = true, c.status = 101;
    return c;
}

std::string accept_response(std::string_view client_key, std::string_view subprotocol,
                            std::string_view extra_headers) {
    std::string out;
    out.reserve(160 + subprotocol.size() + extra_headers.size());
    out.append("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Accept: ");
    out.append(accept_key_for(client_key));
    out.append("\r\n");
    if (!subprotocol.empty()) out.append("Sec-WebSocket-Protocol: ").append(subprotocol).append("\r\n");
    out.append("Server: ringmaster\r\n");
    out.append(extra_headers);
    out.append("\r\n");
    return out;
}

std::string reject_response(const UpgradeCheck& check) {
    std::string out = check.status == 426 ? "HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\n"
                                          : "HTTP/1.1 400 Bad Request\r\n";
    out.append("Server: ringmaster\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: ");
    out.append(std::to_string(check.error.size()));
    out.append("\r\n\r\n");
    out.append(check.error);
    return out;
}

std::string make_client_key() {
    unsigned char raw[16];
    if (RAND_bytes(raw, sizeof raw) != 1) throw std::runtime_error("RAND_bytes failed");
    return base64(raw, sizeof raw);
}

std::string client_request(std::string_view host, std::string_view path, std::string_view key,
                           std::string_view extra_headers) {
    std::string out;
    out.append("GET ").append(path.empty() ? "/" : path).append(" HTTP/1.1\r\nHost: ").append(host);
    out.append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ").append(key);
    out.append("\r\nSec-WebSocket-Version: 13\r\n").append(extra_headers).append("\r\n");
    return out;
}

struct ClientHandshake::Callbacks {
    static ClientHandshake& self(::http_parser* p) { return *static_cast<ClientHandshake*>(p->data); }

    static void finish_field(ClientHandshake& h) {
        if (!h.in_value_) return;
        std::string_view v = h.value_;
        while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
        if (http::iequals(h.field_, "upgrade")) h.saw_upgrade_ = http::has_token(v, "websocket");
        else if (http::iequals(h.field_, "connection")) h.saw_connection_ = http::has_token(v, "upgrade");
        else if (http::iequals(h.field_, "sec-websocket-accept")) h.accept_ok_ = v == h.expected_accept_;
        else if (http::iequals(h.field_, "sec-websocket-protocol")) h.protocol_.assign(v);
        h.field_.clear(), h.value_.clear();
        h.in_value_ = false;
    }
    static int on_header_field(::http_parser* p, const char* at, size_t len) {
        finish_field(self(p));
        self(p).field_.append(at, len);
        return 0;
    }
    static int on_header_value(::http_parser* p, const char* at, size_t len) {
        self(p).in_value_ = true;
        self(p).value_.append(at, len);
        return 0;
    }
    static int on_headers_complete(::http_parser* p) {
        ClientHandshake& h = self(p);
        finish_field(h);
        h.status_ = static_cast<int>(p->status_code);
        if (h.status_ != 101) h.reject("server did not switch protocols");
        else if (!h.saw_upgrade_) h.reject("response lacks Upgrade: websocket");
        else if (!h.saw_connection_) h.reject("response lacks Connection: upgrade");
        else if (!h.accept_ok_) h.reject("wrong Sec-WebSocket-Accept");
        else h.state_ = State::accepted;
        http_parser_pause(p, 1);
        return 0;
    }
    static const http_parser_settings& settings() {
        static const http_parser_settings s = [] {
            http_parser_settings t;
            http_parser_settings_init(&t);
            t.on_header_field = on_header_field;
            t.on_header_value = on_header_value;
            t.on_headers_complete = on_headers_complete;
            return t;
        }();
        return s;
    }
};

ClientHandshake::ClientHandshake(std::string key, size_t max_head_bytes)
    : expected_accept_(accept_key_for(key)), max_head_(max_head_bytes),
      parser_(std::make_unique<::http_parser>()) {
    http_parser_init(parser_.get(), HTTP_RESPONSE);
    parser_->data = this;
}

ClientHandshake::~ClientHandshake() = default;

ClientHandshake::State ClientHandshake::reject(std::string_view why) {
    state_ = State::rejected;
    if (error_.empty()) error_ = why;
    return state_;
}

ClientHandshake::State ClientHandshake::feed(std::string_view bytes) {
    if (state_ == State::rejected) return state_;
    if (state_ == State::accepted) {
        leftover_.append(bytes);
        return state_;
    }
    // Never look at more than one byte past the head limit.
    size_t len = std::min(bytes.size(), max_head_ - head_bytes_ + 1);
    size_t n = http_parser_execute(parser_.get(), &Callbacks::settings(), bytes.data(), len);
    auto err = HTTP_PARSER_ERRNO(parser_.get());
    head_bytes_ += n;
    if (state_ == State::pending) {
        if (err != HPE_OK) return reject("malformed handshake response");
        if (head_bytes_ > max_head_) return reject("handshake response too large");
        return state_;
    }
    if (state_ == State::accepted) {
        // Paused on the head's final LF: everything after it is WebSocket data.
        leftover_.append(bytes.substr(std::min(n + 1, bytes.size())));
    }
    return state_;
}

std::string ClientHandshake::take_leftover() {
    std::string out;
    out.swap(leftover_);
    return out;
}

}  // namespace ringmaster::ws
