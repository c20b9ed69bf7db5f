// The RFC 6455 opening handshake, both sides. Server: check a parsed HTTP request and answer
// 101 (or 400/426). Client: build the GET request with a random key, then read the server's
// response and accept it only if it is a 101 with the right Sec-WebSocket-Accept.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "ringmaster/protocol/http_request.h"

struct http_parser;

namespace ringmaster::ws {

// base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")).
std::string accept_key_for(std::string_view client_key);

struct UpgradeCheck {
    bool ok = false;
    int status = 400;  // when !ok: 400, or 426 for an unsupported Sec-WebSocket-Version
    std::string_view error;
    std::string_view key;        // Sec-WebSocket-Key (view into the request)
    std::string_view protocols;  // Sec-WebSocket-Protocol as sent, possibly empty
};

// Validates GET + HTTP/1.1 + "Upgrade: websocket" + Connection containing "upgrade" +
// "Sec-WebSocket-Version: 13" + a key that is base64 of 16 bytes.
UpgradeCheck check_upgrade_request(const http::HttpRequest& request);

// The 101 answer. `subprotocol` (one of the client's) is echoed if not empty; `extra_headers`
// are complete lines, each ending in "\r\n".
std::string accept_response(std::string_view client_key, std::string_view subprotocol = {},
                            std::string_view extra_headers = {});
// The refusal for a failed check (426 carries "Sec-WebSocket-Version: 13"); Connection: close.
std::string reject_response(const UpgradeCheck& check);

// Client side ---------------------------------------------------------------------------

// A fresh Sec-WebSocket-Key: base64 of 16 random bytes.
std::string make_client_key();

// "GET <path> HTTP/1.1" with Host, Upgrade, Connection, the key and version 13. `path` should
// include the query; `extra_headers` are complete lines ending in "\r\n" (Origin, protocols).
std::string client_request(std::string_view host, std::string_view path, std::string_view key,
                           std::string_view extra_headers = {});

// Reads the server's handshake response from the byte stream.
class ClientHandshake {
public:
    enum class State { pending, accepted, rejected };

    // `key` is the one sent in client_request().
    explicit ClientHandshake(std::string key, size_t max_head_bytes = 16 * 1024);
    ~ClientHandshake();
    ClientHandshake(const ClientHandshake&) = delete;
    ClientHandshake& operator=(const ClientHandshake&) = delete;

    // Consumes bytes until the response head is complete.
    State feed(std::string_view bytes);
    State state() const { return state_; }
    int status() const { return status_; }        // the server's status code, once known
    std::string_view error() const { return error_; }
    std::string_view protocol() const { return protocol_; }  // Sec-WebSocket-Protocol chosen
    // Bytes after the 101 head: the first WebSocket frames. Feed them to a FrameDecoder.
    std::string take_leftover();

private:
    struct Callbacks;
    State reject(std::string_view why);

    std::string expected_accept_;
    size_t max_head_;
    size_t head_bytes_ = 0;
    std::unique_ptr<::http_parser> parser_;
    State state_ = State::pending;
    int status_ = 0;
    std::string_view error_;
    // Header being read and the three that matter.
    std::string field_, value_;
    bool in_value_ = false;
    bool saw_upgrade_ = false, saw_connection_ = false, accept_ok_ = false;
    std::string protocol_;
    std::string leftover_;
};

}  // namespace ringmaster::ws
