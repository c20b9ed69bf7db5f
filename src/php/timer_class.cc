// Ringmaster\Timer: timers on the current worker's event loop. Ids stay the same across the
// repeats of a persistent timer, so Timer::del() works from inside its own callback.
#include "php_ringmaster.h"  // first: the Zend headers below need php.h

#include <cmath>
#include <map>
#include <memory>
#include <vector>

extern "C" {
#include "Zend/zend_exceptions.h"
}

#include "arginfo.h"
#include "php_call.h"
#include "worker_process.h"

zend_class_entry* ringmaster_timer_ce;

namespace ringmaster::php {
namespace {

struct PhpTimer final : TimerHandler {
    zend_long id = 0;
    Callback callback;
    std::vector<zval> args;
    uint64_t interval_ns = 0;
    bool persistent = true;
    uint64_t loop_id = 0;

    ~PhpTimer() override {
        for (zval& a : args) zval_ptr_dtor(&a);
    }
    void on_timer(uint64_t) override;
};

std::map<zend_long, std::unique_ptr<PhpTimer>>& timers() {
    static std::map<zend_long, std::unique_ptr<PhpTimer>> all;
    return all;
}
zend_long next_timer_id = 1;

void PhpTimer::on_timer(uint64_t) {
    WorkerRuntime* rt = process().runtime;
    if (!rt) return;
    // Keep ourselves alive through the call: the callback may delete this very timer.
    std::unique_ptr<PhpTimer> self;
    if (persistent) {
        loop_id = rt->loop().add_timer(interval_ns, this);
    } else {
        auto it = timers().find(id);
        if (it != timers().end()) {
            self = std::move(it->second);
            timers().erase(it);
        }
    }
    callback.call(uint32_t(args.size()), args.data());
}

}  // namespace

size_t timer_count() { return timers().size(); }

void delete_all_timers() {
    WorkerRuntime* rt = process().runtime;
    for (auto& [id, t] : timers())
        if (rt && t->loop_id) rt->loop().cancel_timer(t->loop_id);
    timers().clear();
}

}  // namespace ringmaster::php

using namespace ringmaster;
using namespace ringmaster::php;

PHP_METHOD(Ringmaster_Timer, __construct) { ZEND_PARSE_PARAMETERS_NONE(); }

PHP_METHOD(Ringmaster_Timer, add) {
    double interval;
    zval* callable;
    HashTable* args = nullptr;
    bool persistent = true;
    ZEND_PARSE_PARAMETERS_START(2, 4)
        Z_PARAM_DOUBLE(interval)
        Z_PARAM_ZVAL(callable)
        Z_PARAM_OPTIONAL
        Z_PARAM_ARRAY_HT(args)
        Z_PARAM_BOOL(persistent)
    ZEND_PARSE_PARAMETERS_END();
    WorkerRuntime* rt = process().runtime;
    if (!rt) {
        zend_throw_error(nullptr, "Ringmaster\\Timer::add() needs a running worker: call it in "
                                  "onWorkerStart or a callback, not in the start script");
        RETURN_THROWS();
    }
    if (!(interval > 0) || !std::isfinite(interval)) {
        zend_argument_value_error(1, "must be a positive number of seconds, %g given", interval);
        RETURN_THROWS();
    }
    auto t = std::make_unique<PhpTimer>();
    std::string why;
    if (!t->callback.assign(callable, &why)) {
        zend_argument_type_error(2, "must be a valid callback, %s", why.c_str());
        RETURN_THROWS();
    }
    if (args) {
        zval* a;
        ZEND_HASH_FOREACH_VAL(args, a) {
            zval copy;
            ZVAL_COPY(&copy, a);
            t->args.push_back(copy);
        }
        ZEND_HASH_FOREACH_END();
    }
    t->interval_ns = uint64_t(interval * 1e9);
    if (t->interval_ns == 0) t->interval_ns = 1;
    t->persistent = persistent;
    t->id = next_timer_id++;
    t->loop_id = rt->loop().add_timer(t->interval_ns, t.get());
    zend_long id = t->id;
    timers().emplace(id, std::move(t));
    RETURN_LONG(id);
}

PHP_METHOD(Ringmaster_Timer, del) {
    zend_long id;
    ZEND_PARSE_PARAMETERS_START(1, 1)
        Z_PARAM_LONG(id)
    ZEND_PARSE_PARAMETERS_END();
    auto it = timers().find(id);
    if (it == timers().end()) RETURN_FALSE;
    if (process().runtime && it->second->loop_id) process().runtime->loop().cancel_timer(it->second->loop_id);
    timers().erase(it);
    RETURN_TRUE;
}

PHP_METHOD(Ringmaster_Timer, delAll) {
    ZEND_PARSE_PARAMETERS_NONE();
    delete_all_timers();
}

namespace {
const zend_function_entry timer_methods[] = {
    PHP_ME(Ringmaster_Timer, __construct, arginfo_private_construct, ZEND_ACC_PRIVATE)
    PHP_ME(Ringmaster_Timer, add, arginfo_Timer_add, ZEND_ACC_PUBLIC | ZEND_ACC_STATIC)
    PHP_ME(Ringmaster_Timer, del, arginfo_Timer_del, ZEND_ACC_PUBLIC | ZEND_ACC_STATIC)
    PHP_ME(Ringmaster_Timer, delAll, arginfo_void_noargs, ZEND_ACC_PUBLIC | ZEND_ACC_STATIC)
    PHP_FE_END
};
}  // namespace

void ringmaster_register_timer_class() {
    zend_class_entry ce;
    INIT_NS_CLASS_ENTRY(ce, "Ringmaster", "Timer", timer_methods);
    ringmaster_timer_ce = zend_register_internal_class_ex(&ce, nullptr);
    ringmaster_timer_ce->ce_flags |= ZEND_ACC_FINAL;
}
