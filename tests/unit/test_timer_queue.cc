// TimerQueue: ordering, cancellation, re-entrancy from handlers, and a randomised comparison
// against a simple ordered model.
#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <vector>

#include "../../src/core/loop/timer_queue.h"

using ringmaster::TimerHandler;
using ringmaster::TimerQueue;

namespace {

struct Log : TimerHandler {
    std::vector<uint64_t> fired;
    void on_timer(uint64_t id) override { fired.push_back(id); }
};

}  // namespace

TEST_CASE("timer queue fires by deadline, ties in insertion order", "[timer_queue]") {
    TimerQueue q;
    Log log;
    const uint64_t late = q.add(300, &log);
    const uint64_t tie_a = q.add(100, &log);
    const uint64_t early = q.add(50, &log);
    const uint64_t tie_b = q.add(100, &log);
    CHECK(q.next_deadline() == 50);
    CHECK(q.run_due(99) == 1);
    CHECK(q.run_due(299) == 2);
    CHECK(q.run_due(1000) == 1);
    CHECK(log.fired == std::vector<uint64_t>{early, tie_a, tie_b, late});
    CHECK(q.size() == 0);
    CHECK(q.next_deadline() == TimerQueue::kNoDeadline);
}

TEST_CASE("timer queue cancel", "[timer_queue]") {
    TimerQueue q;
    Log log;
    const uint64_t a = q.add(10, &log);
    const uint64_t b = q.add(20, &log);
    CHECK(q.cancel(a));
    CHECK_FALSE(q.cancel(a));
    CHECK(q.next_deadline() == 20);
    q.run_due(100);
    CHECK(log.fired == std::vector<uint64_t>{b});
    CHECK_FALSE(q.cancel(b));  // already fired
    CHECK_FALSE(q.cancel(12345));
}

TEST_CASE("timer handlers may add and cancel timers", "[timer_queue]") {
    TimerQueue q;
    struct Rearm : TimerHandler {
        TimerQueue* q;
        uint64_t victim = 0;
        int runs = 0;
        void on_timer(uint64_t) override {
            ++runs;
            q->cancel(victim);
            q->add(0, this);  // due at once, but must wait for the next run_due
        }
    } rearm;
    rearm.q = &q;
    Log log;
    q.add(5, &rearm);
    rearm.victim = q.add(6, &log);
    CHECK(q.run_due(10) == 1);
    CHECK(rearm.runs == 1);
    CHECK(log.fired.empty());
    CHECK(q.size() == 1);
    CHECK(q.run_due(10) == 1);
    CHECK(rearm.runs == 2);
}

TEST_CASE("timer queue matches an ordered model under random adds and cancels", "[timer_queue]") {
    TimerQueue q;
    Log log;
    std::map<std::pair<uint64_t, uint64_t>, bool> model;  // (deadline, id)
    std::map<uint64_t, uint64_t> deadline_of;
    std::vector<uint64_t> expected;
    std::mt19937_64 rng(42);
    uint64_t now = 0;
    for (int step = 0; step < 20000; ++step) {
        const unsigned what = rng() % 10;
        if (what < 6) {
            const uint64_t deadline = now + rng() % 1000;
            const uint64_t id = q.add(deadline, &log);
            model[{deadline, id}] = true;
            deadline_of[id] = deadline;
        } else if (what < 9 && !deadline_of.empty()) {
            auto it = deadline_of.begin();
            std::advance(it, long(rng() % deadline_of.size()));
            REQUIRE(q.cancel(it->first));
            model.erase({it->second, it->first});
            deadline_of.erase(it);
        } else {
            now += rng() % 300;
            while (!model.empty() && model.begin()->first.first <= now) {
                expected.push_back(model.begin()->first.second);
                deadline_of.erase(model.begin()->first.second);
                model.erase(model.begin());
            }
            q.run_due(now);
            REQUIRE(log.fired == expected);
        }
        REQUIRE(q.size() == model.size());
    }
}

TEST_CASE("wait budget honours the nearer of timeout and timer", "[timer_queue]") {
    using ringmaster::wait_budget_ns;
    CHECK(wait_budget_ns(-1, TimerQueue::kNoDeadline, 100) == -1);
    CHECK(wait_budget_ns(5, TimerQueue::kNoDeadline, 100) == 5000000);
    CHECK(wait_budget_ns(-1, 1100, 100) == 1000);
    CHECK(wait_budget_ns(5, 1100, 100) == 1000);
    CHECK(wait_budget_ns(0, 1100, 100) == 0);
    CHECK(wait_budget_ns(-1, 50, 100) == 0);  // overdue
}
