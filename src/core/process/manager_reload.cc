// The reload state machine: start before stop, slot by slot (reload_parallelism at a
// time). A replacement that fails, exits or misses start_timeout aborts the whole reload;
// the old workers of the remaining slots keep serving and nothing is retried.
//
// Decisions (see also control_protocol.h):
// - No rollback of slots already replaced in an aborted reload. A "rollback" would fork a
//   fresh worker, and a fresh worker loads the code now on disk: the broken code. Those
//   slots passed READY with the new code, so they stay; the answer lists them in
//   "replaced" and the log says how many kept the new generation.
// - A second user reload while one runs (or waits) is refused with a clear error, never
//   queued: the caller should see the outcome of the reload it asked for. maxRequests
//   replacements are queued behind whatever runs, and a user reload waits behind them.
// - The caller is answered when every replacement is READY and every old worker has
//   finished its drain and exited (the manager kills overdue ones), so once `reload`
//   returns only new code answers. The one exception is a worker reloading its own server
//   (found with SO_PEERCRED): it cannot drain while it waits, so its exit is not awaited.
// - Generations: a reload takes reload_count+1; the count advances if the reload
//   succeeded or replaced at least one slot, so the number is reused only when an aborted
//   reload changed nothing.
#include <sys/socket.h>

#include <algorithm>

#include "channel.h"
#include "control_protocol.h"
#include "json_value.h"
#include "manager.h"

#include <sys/socket.h>
#include "process_clock.h"
#include "ringmaster/log.h"

namespace ringmaster {

void Manager::request_reload(bool graceful, UniqueFd requester) {
    if (stopping_) {
        control_send_final(requester.get(), control_error_json("the server is stopping"));
        return;
    }
    bool user_reload_running = active_ && active_->kind == ReloadPlan::Kind::reload;
    bool user_reload_queued =
        std::any_of(queued_.begin(), queued_.end(),
                    [](const ReloadPlan& p) { return p.kind == ReloadPlan::Kind::reload; });
    if (user_reload_running || user_reload_queued) {
        std::string msg = "a reload is already in progress";
        if (user_reload_running) {
            msg += " (started " + std::to_string(steady_ms() - active_->started_ms) + " ms ago)";
        }
        msg += "; try again when it has finished";
        log_warning("reload refused: " + msg);
        control_send_final(requester.get(), control_error_json(msg));
        return;
    }
    ReloadPlan plan;
    plan.kind = ReloadPlan::Kind::reload;
    plan.graceful = graceful;
    plan.requester = std::move(requester);
    ucred peer{};
    socklen_t len = sizeof peer;
    if (plan.requester.valid() &&
        getsockopt(plan.requester.get(), SOL_SOCKET, SO_PEERCRED, &peer, &len) == 0)
        plan.requester_pid = peer.pid;
    if (active_) {
        control_send_progress(plan.requester.get(),
                              "waiting for a running worker replacement to finish");
    }
    queued_.push_back(std::move(plan));
    start_next_plan();
}

void Manager::request_self_replacement(const SlotKey& key) {
    if (stopping_) return;
    auto touches = [&](const ReloadPlan& p) {
        return p.in_flight.count(key) > 0 ||
               std::find(p.pending.begin(), p.pending.end(), key) != p.pending.end() ||
               (p.kind == ReloadPlan::Kind::reload && p.pending.empty() && p.in_flight.empty() &&
                p.replaced.empty());  // a queued reload will replace this slot anyway
    };
    if (active_ && touches(*active_)) return;
    if (std::any_of(queued_.begin(), queued_.end(), touches)) return;
    ReloadPlan plan;
    plan.kind = ReloadPlan::Kind::self_replacement;
    plan.pending.push_back(key);
    queued_.push_back(std::move(plan));
    start_next_plan();
}

void Manager::start_next_plan() {
    while (!active_ && !queued_.empty() && !stopping_) {
        active_.emplace(std::move(queued_.front()));
        queued_.pop_front();
        ReloadPlan& p = *active_;
        p.started_ms = steady_ms();
        if (p.kind == ReloadPlan::Kind::reload) {
            try {
                body_.on_manager_reload();
            } catch (const std::exception& e) {
                log_error(std::string("onMasterReload threw: ") + e.what());
            } catch (...) {
                log_error("onMasterReload threw");
            }
            p.generation = reload_count_ + 1;
            for (const auto& s : slots_) {
                const auto& group = config_.groups.at(static_cast<size_t>(s.key.group));
                if (group.reloadable) {
                    p.pending.push_back(s.key);
                } else if (WorkerProcess* cur = find(s.current_pid)) {
                    channel_send(cur->channel.get(), "RELOAD_NOTICE");
                    p.notified.emplace_back(s.key, cur->pid);
                }
            }
            std::string line = "reloading " + std::to_string(p.pending.size()) +
                               " workers (generation " + std::to_string(p.generation) +
                               (p.graceful ? ", graceful" : "") + ")";
            log_info(line);
            control_send_progress(p.requester.get(), line);
        } else {
            p.generation = slot(p.pending.front()).generation;
            log_info("replacing worker " + slot_name(p.pending.front()) +
                     ": it reached its maxRequests");
        }
        advance_plan();
    }
}

void Manager::advance_plan() {
    if (!active_) return;
    ReloadPlan& p = *active_;
    size_t width = static_cast<size_t>(std::max(1, config_.reload_parallelism));
    while (p.in_flight.size() < width && !p.pending.empty()) {
        SlotKey key = p.pending.front();
        p.pending.pop_front();
        SlotState& s = slot(key);
        if (s.replacement_pid != 0) continue;
        s.restart_at_ms = -1;  // a slot waiting for a restart gets the replacement instead
        std::string error;
        if (launch(s, p.generation, WorkerProcess::Role::replacement, &error) == 0) {
            p.in_flight.insert(key);  // so abort_plan reschedules this slot if it is down
            abort_plan("cannot start a replacement for worker " + slot_name(key) + ": " + error);
            return;
        }
        p.in_flight.insert(key);
    }
    if (p.pending.empty() && p.in_flight.empty() && p.draining.empty()) finish_plan(true, "");
}

void Manager::on_retired_exit(int pid) {
    if (!active_ || !active_->draining.erase(pid)) return;
    advance_plan();
}

void Manager::on_replacement_ready(WorkerProcess& proc) {
    SlotState& s = slot(proc.key);
    int old_pid = s.current_pid;
    s.current_pid = proc.pid;
    s.replacement_pid = 0;
    s.generation = proc.generation;
    s.first_start_settled = true;
    proc.role = WorkerProcess::Role::current;
    int64_t ready_ms = steady_ms() - proc.started_steady_ms;
    bool graceful = active_ && active_->graceful;
    unsigned deadline =
        graceful ? 0u : std::max(1u, static_cast<unsigned>(config_.stop_timeout * 1000));
    if (WorkerProcess* old = find(old_pid)) {
        retire(*old, deadline, /*handover=*/true);
        if (active_ && old_pid != active_->requester_pid) active_->draining.insert(old_pid);
    }

    std::string line = "worker " + slot_name(proc.key) + ": " +
                       (old_pid ? std::to_string(old_pid) : std::string("(down)")) + " -> " +
                       std::to_string(proc.pid) + " (ready in " + std::to_string(ready_ms) +
                       " ms)";
    log_info(line);
    if (!active_) return;
    active_->replaced.push_back(ReplacedSlot{proc.key, old_pid, proc.pid, ready_ms});
    control_send_progress(active_->requester.get(), line);
    active_->in_flight.erase(proc.key);
    advance_plan();
}

void Manager::abort_plan(const std::string& message) {
    if (!active_) return;
    ReloadPlan& p = *active_;
    for (const SlotKey& key : p.in_flight) {
        SlotState& s = slot(key);
        if (WorkerProcess* r = find(s.replacement_pid)) {
            r->role = WorkerProcess::Role::discarded;  // its exit is not a crash to restart
            kill_now(*r);
        }
        s.replacement_pid = 0;
        // The old process of this slot died while its replacement was starting.
        if (s.current_pid == 0 && s.restart_at_ms < 0 && !stopping_) schedule_restart(s, 0);
    }
    p.in_flight.clear();
    p.pending.clear();
    finish_plan(false, message);
}

void Manager::finish_plan(bool ok, const std::string& error) {
    ReloadPlan p = std::move(*active_);
    active_.reset();
    int64_t ms = steady_ms() - p.started_ms;
    if (p.kind == ReloadPlan::Kind::reload) {
        if (ok || !p.replaced.empty()) reload_count_ = p.generation;
        if (ok) {
            std::string line = "reload finished: " + std::to_string(p.replaced.size()) +
                               " workers replaced in " + std::to_string(ms) +
                               " ms (generation " + std::to_string(p.generation) + ")";
            log_info(line);
            control_send_progress(p.requester.get(), line);
        } else {
            std::string kept;
            if (!p.replaced.empty()) {
                kept = " (" + std::to_string(p.replaced.size()) +
                       " slots replaced before the failure keep generation " +
                       std::to_string(p.generation) + ")";
            }
            log_error("reload rolled back: " + error + kept);
            control_send_progress(p.requester.get(),
                                  "reload rolled back: the old workers keep serving" + kept);
        }
    } else if (ok) {
        log_info("worker " + slot_name(p.replaced.front().key) + " replaced: " +
                 std::to_string(p.replaced.front().old_pid) + " -> " +
                 std::to_string(p.replaced.front().new_pid));
    } else {
        log_error("replacing a worker that reached maxRequests failed: " + error +
                  "; the old process keeps serving");
    }
    control_send_final(p.requester.get(), plan_json(p, ok, error));
    start_next_plan();
}

std::string Manager::plan_json(const ReloadPlan& p, bool ok, const std::string& error) const {
    std::string out = std::string("{\"ok\":") + (ok ? "true" : "false");
    if (!ok) out += ",\"error\":" + json_quote(error);
    out += ",\"generation\":" + std::to_string(p.generation);
    out += std::string(",\"graceful\":") + (p.graceful ? "true" : "false");
    out += ",\"ms\":" + std::to_string(steady_ms() - p.started_ms);
    out += ",\"replaced\":[";
    for (size_t i = 0; i < p.replaced.size(); ++i) {
        const ReplacedSlot& r = p.replaced[i];
        if (i) out += ",";
        out += "{\"group\":" + json_quote(config_.groups.at(static_cast<size_t>(r.key.group)).name) +
               ",\"slot\":" + std::to_string(r.key.slot) +
               ",\"old_pid\":" + std::to_string(r.old_pid) +
               ",\"new_pid\":" + std::to_string(r.new_pid) + ",\"ms\":" + std::to_string(r.ready_ms) +
               "}";
    }
    out += "],\"notified\":[";
    for (size_t i = 0; i < p.notified.size(); ++i) {
        const auto& [key, pid] = p.notified[i];
        if (i) out += ",";
        out += "{\"group\":" + json_quote(config_.groups.at(static_cast<size_t>(key.group)).name) +
               ",\"slot\":" + std::to_string(key.slot) + ",\"pid\":" + std::to_string(pid) + "}";
    }
    out += "]}";
    return out;
}

}  // namespace ringmaster
