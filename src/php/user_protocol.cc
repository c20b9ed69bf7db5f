// A Codec that asks a PHP protocol class where packages end. The class's static methods are
// resolved once per class and cached.
#include "php_ringmaster.h"  // first: the Zend headers below need php.h

#include "user_protocol.h"

#include <map>

#include "connection_object.h"
#include "php_call.h"
#include "ringmaster/connection.h"

namespace ringmaster::php {
namespace {

struct ProtocolMethods {
    Callback input, decode, encode;
};

ProtocolMethods& methods_of(const std::string& cls) {
    static std::map<std::string, ProtocolMethods> cache;
    auto [it, fresh] = cache.try_emplace(cls);
    if (fresh) {
        for (auto [cb, name] : {std::pair{&it->second.input, "input"},
                                std::pair{&it->second.decode, "decode"},
                                std::pair{&it->second.encode, "encode"}}) {
            zval callable;
            array_init(&callable);
            add_next_index_stringl(&callable, cls.data(), cls.size());
            add_next_index_string(&callable, name);
            cb->assign(&callable, nullptr);
            zval_ptr_dtor(&callable);
        }
    }
    return it->second;
}

class UserCodec final : public Codec {
public:
    UserCodec(std::string cls, size_t max) : cls_(std::move(cls)), max_(max) {}
    ProtocolKind kind() const override { return ProtocolKind::user; }
    bool mid_message() const override { return !buffer_.empty(); }
    size_t buffered() const override { return buffer_.size(); }
    void set_max_package_size(size_t max) override { max_ = max; }

    void feed(const char* data, size_t len, CodecOutput& out) override {
        buffer_.append(data, len);
        ProtocolMethods& m = methods_of(cls_);
        while (!buffer_.empty() && !failed_) {
            zend_object* conn = connection_object(out);
            if (!conn || m.input.empty()) return;
            zval args[2], rv;
            ZVAL_STRINGL(&args[0], buffer_.data(), buffer_.size());
            ZVAL_OBJ(&args[1], conn);
            auto outcome = m.input.call(2, args, &rv);
            zval_ptr_dtor(&args[0]);
            if (outcome != Callback::Outcome::ok) return fail(out, cls_ + "::input() failed");
            if (Z_TYPE(rv) == IS_FALSE) return fail(out, cls_ + "::input() refused the data");
            zend_long n = zval_get_long(&rv);
            zval_ptr_dtor(&rv);
            if (n < 0) return fail(out, cls_ + "::input() refused the data");
            if (n == 0 || size_t(n) > buffer_.size()) {
                if (max_ && buffer_.size() >= max_)
                    fail(out, "package exceeds maxPackageSize (" + std::to_string(max_) + " bytes)");
                return;
            }
            if (max_ && size_t(n) > max_)
                return fail(out, "package of " + std::to_string(n) + " bytes exceeds maxPackageSize");
            zval package, message;
            ZVAL_STRINGL(&package, buffer_.data(), size_t(n));
            buffer_.erase(0, size_t(n));
            ZVAL_COPY_VALUE(&args[0], &package);
            ZVAL_OBJ(&args[1], conn);
            outcome = m.decode.empty() ? Callback::Outcome::ok : m.decode.call(2, args, &message);
            if (m.decode.empty()) ZVAL_COPY(&message, &package);
            zval_ptr_dtor(&package);
            if (outcome != Callback::Outcome::ok) continue;  // logged; the package is skipped
            ConnectionObject* co = connection_from(conn);
            if (co->conn && co->conn->state() == ConnectionState::established) {
                dispatch_message(*co, &message);
            }
            zval_ptr_dtor(&message);
        }
    }

    Connection* connection = nullptr;  // set right after accept (WorkerObject::configure)

private:
    zend_object* connection_object(CodecOutput&) {
        return connection ? static_cast<zend_object*>(connection->user_data) : nullptr;
    }
    void fail(CodecOutput& out, const std::string& why) {
        failed_ = true;
        buffer_.clear();
        out.protocol_error(400, why);
    }
    std::string cls_;
    size_t max_;
    bool failed_ = false;
    std::string buffer_;
};

}  // namespace

std::unique_ptr<Codec> make_user_codec(const std::string& cls, size_t max) {
    return std::make_unique<UserCodec>(cls, max);
}

void attach_user_codec(Connection& c) {
    if (c.codec().kind() == ProtocolKind::user) static_cast<UserCodec&>(c.codec()).connection = &c;
}

bool user_protocol_encode(const std::string& cls, zval* data, zend_object* connection,
                          zval* encoded) {
    ProtocolMethods& m = methods_of(cls);
    if (m.encode.empty()) {
        ZVAL_COPY(encoded, data);
        return true;
    }
    zval args[2];
    ZVAL_COPY_VALUE(&args[0], data);
    ZVAL_OBJ(&args[1], connection);
    return m.encode.call(2, args, encoded) == Callback::Outcome::ok;
}

}  // namespace ringmaster::php
