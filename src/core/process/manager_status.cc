// `status` and `connections`: the manager asks every serving worker over its channel and
// answers after all replied or kStatusTimeoutMs passed, so one busy worker (stuck in PHP
// code, or blocked in its own reload() call) shows as "busy" instead of hanging the query.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "channel.h"
#include "control_protocol.h"
#include "json_value.h"
#include "manager.h"
#include "process_clock.h"
#include "ringmaster/log.h"

namespace ringmaster {

namespace {

long rss_kb(int pid) {
    std::ifstream statm("/proc/" + std::to_string(pid) + "/statm");
    long pages_total = 0, pages_resident = 0;
    if (!(statm >> pages_total >> pages_resident)) return -1;
    return pages_resident * (sysconf(_SC_PAGESIZE) / 1024);
}

std::string memory_text(long kb) {
    if (kb < 0) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1fM", static_cast<double>(kb) / 1024);
    return buf;
}

// Left-aligned columns separated by two spaces.
std::vector<std::string> format_table(const std::vector<std::vector<std::string>>& rows) {
    std::vector<size_t> width;
    for (const auto& row : rows) {
        if (row.size() > width.size()) width.resize(row.size(), 0);
        for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
    }
    std::vector<std::string> lines;
    for (const auto& row : rows) {
        std::string line;
        for (size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
        }
        lines.push_back(line);
    }
    return lines;
}

std::string number_or_null(const JsonValue* detail, const char* key) {
    if (!detail) return "null";
    const JsonValue* v = detail->find(key);
    return v && v->kind == JsonValue::Kind::number ? v->to_text() : "null";
}

std::string dash_if_null(const std::string& s) { return s == "null" ? "-" : s; }

}  // namespace

void Manager::start_query(bool connections, UniqueFd requester) {
    auto q = std::make_unique<StatusQuery>();
    q->id = ++next_query_id_;
    q->connections = connections;
    q->requester = std::move(requester);
    q->deadline_ms = steady_ms() + kStatusTimeoutMs;
    for (auto& [pid, proc] : procs_) {
        if (proc->phase != WorkerProcess::Phase::serving || !proc->channel.valid()) continue;
        if (channel_send(proc->channel.get(), connections ? "CONNECTIONS" : "STATUS",
                         std::to_string(q->id))) {
            q->waiting.insert(pid);
        }
    }
    queries_.push_back(std::move(q));
    finish_due_queries(false);
}

void Manager::on_reply(WorkerProcess& proc, const std::string& payload) {
    unsigned id = 0;
    bool more = false;
    std::string chunk;
    if (!parse_reply_chunk(payload, &id, &more, &chunk)) {
        log_warning(describe(proc) + " sent a malformed REPLY");
        return;
    }
    std::string& acc = proc.partial_replies[id];
    acc += chunk;
    if (more) {
        if (acc.size() > 64u * 1024 * 1024) proc.partial_replies.erase(id);  // runaway reply
        return;
    }
    std::string body = std::move(acc);
    proc.partial_replies.erase(id);
    for (auto& q : queries_) {
        if (q->id != id || !q->waiting.count(proc.pid)) continue;
        q->replies[proc.pid] = std::move(body);
        q->waiting.erase(proc.pid);
    }
    finish_due_queries(false);
}

void Manager::forget_in_queries(int pid) {
    for (auto& q : queries_) q->waiting.erase(pid);
}

void Manager::finish_due_queries(bool force_all) {
    int64_t now = steady_ms();
    for (size_t i = 0; i < queries_.size();) {
        StatusQuery& q = *queries_[i];
        if (force_all || q.waiting.empty() || q.deadline_ms <= now) {
            std::unique_ptr<StatusQuery> done = std::move(queries_[i]);
            queries_.erase(queries_.begin() + static_cast<long>(i));
            if (done->connections) {
                answer_connections(*done);
            } else {
                answer_status(*done);
            }
        } else {
            ++i;
        }
    }
}

void Manager::answer_status(StatusQuery& q) {
    std::vector<std::string> json_rows;
    std::vector<std::vector<std::string>> table = {
        {"PID", "ROLE", "WORKER", "GEN", "STARTED", "MEM", "CONNS", "REQS", "TIMERS", "LOOP",
         "STATE"}};

    auto base_row = [](int pid, const char* role, int64_t started, long kb,
                       const std::string& state) {
        return "{\"pid\":" + std::to_string(pid) + ",\"role\":\"" + role +
               "\",\"started_at\":" + json_quote(format_wall_time(started)) +
               ",\"rss_kb\":" + std::to_string(kb) + ",\"state\":" + json_quote(state);
    };
    long master_kb = rss_kb(master_.pid);
    json_rows.push_back(base_row(master_.pid, "master", master_.started_wall_ms, master_kb,
                                 "running") + "}");
    table.push_back({std::to_string(master_.pid), "master", "-", "-",
                     format_wall_time(master_.started_wall_ms), memory_text(master_kb), "-",
                     "-", "-", "-", "running"});
    std::string manager_state = stopping_ ? "stopping" : active_ ? "reloading" : "running";
    long manager_kb = rss_kb(getpid());
    json_rows.push_back(base_row(getpid(), "manager", started_wall_ms_, manager_kb,
                                 manager_state) + "}");
    table.push_back({std::to_string(getpid()), "manager", "-", "-",
                     format_wall_time(started_wall_ms_), memory_text(manager_kb), "-", "-", "-",
                     "-", manager_state});

    for (const auto& s : slots_) {
        const auto& group = config_.groups.at(static_cast<size_t>(s.key.group));
        std::vector<const WorkerProcess*> procs;
        for (const auto& [pid, proc] : procs_) {
            if (proc->key == s.key) procs.push_back(proc.get());
        }
        std::sort(procs.begin(), procs.end(), [](const WorkerProcess* a, const WorkerProcess* b) {
            return a->started_steady_ms < b->started_steady_ms;
        });
        std::string worker = group.name + " #" + std::to_string(s.key.slot);
        std::string identity = ",\"group\":" + json_quote(group.name) +
                               ",\"slot\":" + std::to_string(s.key.slot);
        if (procs.empty()) {
            std::string state = "down";
            if (s.restart_at_ms >= 0) {
                char buf[48];
                std::snprintf(buf, sizeof buf, "restarting in %.1f s",
                              static_cast<double>(std::max<int64_t>(0, s.restart_at_ms - steady_ms())) /
                                  1000);
                state = buf;
            }
            json_rows.push_back("{\"pid\":0,\"role\":\"worker\"" + identity +
                                ",\"generation\":" + std::to_string(s.generation) +
                                ",\"state\":" + json_quote(state) +
                                ",\"restarts\":" + std::to_string(s.backoff.failures()) + "}");
            table.push_back({"-", "worker", worker, std::to_string(s.generation), "-", "-", "-",
                             "-", "-", "-", state});
            continue;
        }
        for (const WorkerProcess* p : procs) {
            std::string state;
            switch (p->role) {
                case WorkerProcess::Role::retiring: state = "retiring"; break;
                case WorkerProcess::Role::discarded: state = "discarded"; break;
                default:
                    state = p->phase == WorkerProcess::Phase::starting ? "starting" : "serving";
            }
            if (p->role == WorkerProcess::Role::replacement) state += " (replacement)";
            auto reply = q.replies.find(p->pid);
            bool asked = p->phase == WorkerProcess::Phase::serving;
            bool busy = asked && reply == q.replies.end();
            JsonValue detail;
            bool have_detail = false;
            if (reply != q.replies.end()) {
                try {
                    detail = JsonValue::parse(reply->second);
                    have_detail = detail.kind == JsonValue::Kind::object;
                } catch (const std::exception&) {
                    log_warning(describe(*p) + " answered status with invalid JSON");
                }
            }
            const JsonValue* d = have_detail ? &detail : nullptr;
            std::string loop = config_.event_loop;
            if (d) loop = d->string_or("event_loop", d->string_or("backend", loop));
            long kb = rss_kb(p->pid);
            std::string row = base_row(p->pid, "worker", p->started_wall_ms, kb, state) + identity +
                              ",\"generation\":" + std::to_string(p->generation) +
                              ",\"busy\":" + (busy ? "true" : "false") +
                              ",\"connections\":" + number_or_null(d, "connections") +
                              ",\"requests\":" + number_or_null(d, "requests") +
                              ",\"timers\":" + number_or_null(d, "timers") +
                              ",\"event_loop\":" + json_quote(loop) +
                              ",\"detail\":" + (d ? reply->second : std::string("null")) + "}";
            json_rows.push_back(row);
            table.push_back({std::to_string(p->pid), "worker", worker,
                             std::to_string(p->generation), format_wall_time(p->started_wall_ms),
                             memory_text(kb), dash_if_null(number_or_null(d, "connections")),
                             dash_if_null(number_or_null(d, "requests")),
                             dash_if_null(number_or_null(d, "timers")), loop,
                             busy ? state + " (busy)" : state});
        }
    }
    for (const std::string& line : format_table(table)) {
        if (!control_send_progress(q.requester.get(), line)) break;
    }
    std::string json = "{\"ok\":true,\"processes\":[";
    for (size_t i = 0; i < json_rows.size(); ++i) {
        if (i) json += ",";
        json += json_rows[i];
    }
    json += std::string("],\"reloading\":") + (active_ ? "true" : "false") + "}";
    control_send_final(q.requester.get(), json);
}

void Manager::answer_connections(StatusQuery& q) {
    std::vector<std::vector<std::string>> table = {{"PID", "WORKER", "CONNECTION"}};
    std::string json = "{\"ok\":true,\"workers\":[";
    bool first = true;
    size_t total = 0;
    for (const auto& [pid, proc] : procs_) {
        if (proc->phase != WorkerProcess::Phase::serving) continue;
        const auto& group = config_.groups.at(static_cast<size_t>(proc->key.group));
        std::string worker = group.name + " #" + std::to_string(proc->key.slot);
        auto reply = q.replies.find(pid);
        std::string list = "null";
        if (reply == q.replies.end()) {
            table.push_back({std::to_string(pid), worker, "(busy: no answer)"});
        } else {
            try {
                JsonValue parsed = JsonValue::parse(reply->second);
                if (parsed.kind == JsonValue::Kind::array) {
                    list = reply->second;
                    for (const JsonValue& c : parsed.items) {
                        std::string text;
                        if (c.kind == JsonValue::Kind::object) {
                            for (const auto& [k, v] : c.members) {
                                if (!text.empty()) text += ' ';
                                text += k + "=" + v.to_text();
                            }
                        } else {
                            text = c.to_text();
                        }
                        table.push_back({std::to_string(pid), worker, text});
                        ++total;
                    }
                }
            } catch (const std::exception&) {
                log_warning(describe(*proc) + " answered connections with invalid JSON");
            }
        }
        if (!first) json += ",";
        first = false;
        json += "{\"pid\":" + std::to_string(pid) + ",\"group\":" + json_quote(group.name) +
                ",\"slot\":" + std::to_string(proc->key.slot) +
                ",\"generation\":" + std::to_string(proc->generation) +
                ",\"busy\":" + (reply == q.replies.end() ? "true" : "false") +
                ",\"connections\":" + list + "}";
    }
    json += "]}";
    for (const std::string& line : format_table(table)) {
        if (!control_send_progress(q.requester.get(), line)) break;
    }
    control_send_progress(q.requester.get(), std::to_string(total) + " connections");
    control_send_final(q.requester.get(), json);
}

}  // namespace ringmaster
