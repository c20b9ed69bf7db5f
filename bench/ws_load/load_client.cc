// Closed-loop load generator for the scenarios wrk cannot do: WebSocket echo, many idle
// WebSocket connections, and HTTP with every response checked and every request's latency
// kept with its timestamp (for the latency-over-time chart of the reload scenario).
//
// One thread, plain epoll, so it can be pinned to one CPU and stay out of the server's way
// (Node with the ws module costs several times more CPU per message than the server does,
// and would be the bottleneck). Each connection has one request, or one pipelined batch, in
// flight. Results are one JSON object on stdout.
//
//   load_client http    --port P --conns 64 --duration 10 --body 'Hello, World!' [--timeline F]
//   load_client http    --port P --conns 1 --requests 2000 --duration 600   (a fixed sequence)
//   load_client ws-echo --port P --conns 64 --duration 10 --body 'Hello, World!'
//   load_client ws-idle --port P --conns 10000 --ready-file F --hold 60
//     (ws-idle: opens every connection, writes F, holds them until SIGTERM or --hold; then
//      sends one message on each and counts the echoes, to prove they were all alive)
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

namespace {

enum class Mode { http, ws_echo, ws_idle };

struct Options {
    Mode mode = Mode::http;
    int port = 0;
    int conns = 64;
    double duration = 5;
    double hold = 60;
    double timeout = 2;
    int pipeline = 1;
    std::string body = "Hello, World!";
    std::string path = "/";
    std::string timeline;
    std::string ready_file;
    int bucket_ms = 10;
    uint64_t max_requests = 0;  // stop after this many answers (a fixed sequence); 0 = no limit
};

volatile sig_atomic_t g_stop = 0;

uint64_t now_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * 1000000000u + ts.tv_nsec;
}

double wall_now() {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct Sample {
    uint32_t sent_ms;  // when the request left, ms since the run started
    uint32_t lat_ns;
};

struct Errors {
    uint64_t connect = 0, closed = 0, status = 0, body = 0, timeout = 0;
    uint64_t total() const { return connect + closed + status + body + timeout; }
};

enum class State { connecting, handshaking, ready, closed };

struct Conn {
    int fd = -1;
    State state = State::closed;
    std::string in;
    std::string out;  // bytes not yet written
    int outstanding = 0;
    uint64_t sent_at = 0;
    bool close_after = false;  // server said Connection: close
};

class Client {
public:
    explicit Client(const Options& o) : opt_(o) {}

    int run();

private:
    const Options& opt_;
    int ep_ = -1;
    std::vector<Conn> conns_;
    std::vector<Sample> samples_;
    std::vector<uint32_t> error_ms_;
    Errors err_;
    uint64_t reconnects_ = 0;
    uint64_t start_ = 0;
    double start_wall_ = 0;
    bool draining_ = false;  // duration over: finish nothing new
    std::string request_;    // what one "request" is on the wire
    std::string reply_frame_;
    int handshakes_done_ = 0;
    int connecting_ = 0;
    int next_to_open_ = 0;
    uint64_t echoes_ = 0;

    uint32_t ms_since_start(uint64_t t) const { return uint32_t((t - start_) / 1000000); }

    // The connection is gone: count why (an error, or nullptr for a clean close by the
    // server) and, under load, open a new one in its place.
    void lose(int idx, uint64_t Errors::*kind) {
        if (kind) {
            err_.*kind += 1;
            error_ms_.push_back(ms_since_start(now_ns()));
        } else {
            ++reconnects_;
        }
        drop(conns_[idx]);
        if (opt_.mode != Mode::ws_idle && !draining_) open_conn(idx);
    }

    void drop(Conn& c) {
        if (c.fd >= 0) {
            epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr);
            close(c.fd);
        }
        if (c.state == State::connecting || c.state == State::handshaking) --connecting_;
        c = Conn{};
    }

    void open_conn(int idx) {
        Conn& c = conns_[idx];
        c = Conn{};
        c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        int one = 1;
        setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(opt_.port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int r = connect(c.fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
        if (r < 0 && errno != EINPROGRESS) {
            err_.connect++;
            close(c.fd);
            c = Conn{};
            return;
        }
        c.state = State::connecting;
        ++connecting_;
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLOUT;
        ev.data.u32 = idx;
        epoll_ctl(ep_, EPOLL_CTL_ADD, c.fd, &ev);
    }

    void want_write(Conn& c, int idx, bool on) {
        epoll_event ev{};
        ev.events = EPOLLIN | (on ? uint32_t(EPOLLOUT) : 0u);
        ev.data.u32 = idx;
        epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev);
    }

    void write_out(Conn& c, int idx) {
        while (!c.out.empty()) {
            ssize_t n = send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EAGAIN) {
                    want_write(c, idx, true);
                    return;
                }
                lose(idx, c.outstanding ? &Errors::closed : nullptr);
                return;
            }
            c.out.erase(0, n);
        }
    }

    void send_request(Conn& c, int idx) {
        c.sent_at = now_ns();
        c.outstanding = opt_.mode == Mode::http ? opt_.pipeline : 1;
        c.out += request_;
        write_out(c, idx);
    }

    void start_handshake(Conn& c, int idx) {
        c.state = State::handshaking;
        c.out = "GET " + opt_.path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n";
        write_out(c, idx);
    }

    void on_connected(Conn& c, int idx) {
        int e = 0;
        socklen_t len = sizeof(e);
        getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &e, &len);
        if (e != 0) {
            lose(idx, &Errors::connect);
            return;
        }
        sockaddr_in peer{};
        socklen_t plen = sizeof(peer);
        if (getpeername(c.fd, reinterpret_cast<sockaddr*>(&peer), &plen) < 0) return;  // not yet
        want_write(c, idx, false);
        if (opt_.mode == Mode::http) {
            --connecting_;
            c.state = State::ready;
            if (!draining_) send_request(c, idx);
        } else {
            start_handshake(c, idx);
        }
    }

    void complete_one(Conn& c, uint64_t t) {
        samples_.push_back({ms_since_start(c.sent_at), uint32_t(std::min<uint64_t>(t - c.sent_at, UINT32_MAX))});
        --c.outstanding;
        if (opt_.max_requests && samples_.size() >= opt_.max_requests) draining_ = true;
    }

    // Parses as many HTTP responses as `c.in` holds. Returns false if the connection is gone.
    bool parse_http(Conn& c, int idx, uint64_t t) {
        size_t pos = 0;
        for (;;) {
            size_t head_end = c.in.find("\r\n\r\n", pos);
            if (head_end == std::string::npos) break;
            std::string_view head(c.in.data() + pos, head_end - pos);
            size_t clen = std::string::npos;
            bool conn_close = false;
            // Header names are matched case-insensitively, the way HTTP says.
            size_t line = head.find("\r\n");
            while (line != std::string_view::npos) {
                size_t next = head.find("\r\n", line + 2);
                std::string_view h = head.substr(line + 2, next == std::string_view::npos ? std::string_view::npos : next - line - 2);
                std::string lower(h);
                for (char& ch : lower) ch = char(tolower(ch));
                if (lower.rfind("content-length:", 0) == 0) clen = strtoul(lower.c_str() + 15, nullptr, 10);
                if (lower.rfind("connection:", 0) == 0 && lower.find("close") != std::string::npos) conn_close = true;
                line = next;
            }
            if (clen == std::string::npos) {
                lose(idx, &Errors::body);  // no Content-Length: not what any server here sends
                return false;
            }
            size_t body_at = head_end + 4;
            if (c.in.size() < body_at + clen) break;
            bool ok_status = head.substr(0, 12) == "HTTP/1.1 200";
            bool ok_body = std::string_view(c.in.data() + body_at, clen) == opt_.body;
            if (c.outstanding == 0) {
                lose(idx, &Errors::body);  // a response nobody asked for
                return false;
            }
            complete_one(c, t);
            if (!ok_status) err_.status++, error_ms_.push_back(ms_since_start(t));
            else if (!ok_body) err_.body++, error_ms_.push_back(ms_since_start(t));
            if (conn_close) c.close_after = true;
            pos = body_at + clen;
        }
        c.in.erase(0, pos);
        if (c.outstanding == 0) {
            if (c.close_after) {
                lose(idx, nullptr);
                return false;
            }
            if (!draining_) send_request(c, idx);
        }
        return true;
    }

    bool parse_handshake(Conn& c, int idx) {
        size_t head_end = c.in.find("\r\n\r\n");
        if (head_end == std::string::npos) return true;
        if (c.in.compare(0, 12, "HTTP/1.1 101") != 0) {
            lose(idx, &Errors::status);
            return false;
        }
        c.in.erase(0, head_end + 4);
        c.state = State::ready;
        --connecting_;
        ++handshakes_done_;
        if (opt_.mode == Mode::ws_echo && !draining_) send_request(c, idx);
        return true;
    }

    bool parse_ws(Conn& c, uint64_t t, int idx) {
        size_t pos = 0;
        for (;;) {
            if (c.in.size() - pos < 2) break;
            auto b0 = uint8_t(c.in[pos]), b1 = uint8_t(c.in[pos + 1]);
            size_t len = b1 & 0x7f, hdr = 2;
            if (len == 126) {
                if (c.in.size() - pos < 4) break;
                len = (uint8_t(c.in[pos + 2]) << 8) | uint8_t(c.in[pos + 3]);
                hdr = 4;
            } else if (len == 127) {
                lose(idx, &Errors::body);  // never expected here
                return false;
            }
            if (c.in.size() - pos < hdr + len) break;
            int opcode = b0 & 0x0f;
            if (opcode == 0x8) {  // server closed the WebSocket
                lose(idx, c.outstanding ? &Errors::closed : nullptr);
                return false;
            }
            if (opcode == 0x1 || opcode == 0x2) {
                bool ok = std::string_view(c.in.data() + pos + hdr, len) == opt_.body;
                if (c.outstanding == 0) {
                    lose(idx, &Errors::body);
                    return false;
                }
                complete_one(c, t);
                ++echoes_;
                if (!ok) err_.body++, error_ms_.push_back(ms_since_start(t));
            }
            pos += hdr + len;
        }
        c.in.erase(0, pos);
        if (opt_.mode == Mode::ws_echo && c.outstanding == 0 && !draining_) send_request(c, idx);
        return true;
    }

    void on_readable(Conn& c, int idx) {
        char buf[65536];
        uint64_t t = 0;
        for (;;) {
            ssize_t n = recv(c.fd, buf, sizeof(buf), 0);
            if (n > 0) {
                c.in.append(buf, n);
                if (size_t(n) < sizeof(buf)) break;
                continue;
            }
            if (n < 0 && errno == EAGAIN) break;
            // EOF or reset: an error only if the client was owed something.
            bool owed = c.outstanding > 0 || c.state == State::handshaking;
            lose(idx, owed ? &Errors::closed : nullptr);
            return;
        }
        t = now_ns();
        if (c.state == State::handshaking && !parse_handshake(c, idx)) return;
        if (c.state != State::ready) return;
        if (opt_.mode == Mode::http) parse_http(c, idx, t);
        else parse_ws(c, t, idx);
    }

    void check_timeouts(uint64_t t) {
        uint64_t limit = uint64_t(opt_.timeout * 1e9);
        for (size_t i = 0; i < conns_.size(); ++i) {
            Conn& c = conns_[i];
            if (c.state == State::ready && c.outstanding && t - c.sent_at > limit) {
                lose(int(i), &Errors::timeout);
            }
        }
    }

    void build_request() {
        if (opt_.mode == Mode::http) {
            std::string one = "GET " + opt_.path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
            for (int i = 0; i < opt_.pipeline; ++i) request_ += one;
            return;
        }
        // A masked text frame, as a browser would send it (clients must mask).
        const uint8_t key[4] = {0x12, 0x34, 0x56, 0x78};
        request_.push_back(char(0x81));
        request_.push_back(char(0x80 | opt_.body.size()));
        request_.append(reinterpret_cast<const char*>(key), 4);
        for (size_t i = 0; i < opt_.body.size(); ++i) request_.push_back(char(opt_.body[i] ^ key[i % 4]));
    }

    void poll_once(int timeout_ms) {
        epoll_event evs[512];
        int n = epoll_wait(ep_, evs, 512, timeout_ms);
        for (int i = 0; i < n; ++i) {
            int idx = int(evs[i].data.u32);
            Conn& c = conns_[idx];
            if (c.fd < 0) continue;
            if (c.state == State::connecting) {
                if (evs[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) on_connected(c, idx);
                continue;
            }
            if ((evs[i].events & EPOLLOUT) && !c.out.empty()) {
                write_out(c, idx);
                if (c.fd < 0) continue;
                if (c.out.empty()) want_write(c, idx, false);
            }
            if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(c, idx);
        }
    }

    void run_load();
    void run_idle();
    void report(double elapsed);
    void write_timeline();
};

void Client::run_load() {
    for (int i = 0; i < opt_.conns; ++i) open_conn(i);
    uint64_t end = start_ + uint64_t(opt_.duration * 1e9);
    uint64_t last_check = start_;
    for (;;) {
        poll_once(10);
        uint64_t t = now_ns();
        if (t - last_check > 100000000) {
            check_timeouts(t);
            last_check = t;
        }
        if (t >= end || g_stop || draining_) break;
    }
    draining_ = true;
    // Let what is in flight finish (bounded), so the last requests are not miscounted.
    uint64_t drain_end = now_ns() + uint64_t(opt_.timeout * 1e9);
    for (;;) {
        bool any = false;
        for (auto& c : conns_) any |= c.fd >= 0 && c.outstanding > 0;
        if (!any || now_ns() > drain_end) break;
        poll_once(10);
    }
}

void Client::run_idle() {
    // Open in waves so the accept queue never overflows.
    uint64_t deadline = start_ + uint64_t(opt_.timeout * 1e9) + uint64_t(opt_.conns) * 200000;  // 0.2 ms each
    while (handshakes_done_ + int(err_.total()) < opt_.conns && now_ns() < deadline && !g_stop) {
        while (next_to_open_ < opt_.conns && connecting_ < 256) open_conn(next_to_open_++);
        poll_once(10);
    }
    int open = 0;
    for (auto& c : conns_) open += c.state == State::ready;
    double open_s = (now_ns() - start_) / 1e9;
    if (!opt_.ready_file.empty()) {
        std::string tmp = opt_.ready_file + ".tmp";
        FILE* f = fopen(tmp.c_str(), "w");
        fprintf(f, "{\"open\":%d,\"open_seconds\":%.3f}\n", open, open_s);
        fclose(f);
        rename(tmp.c_str(), opt_.ready_file.c_str());
    }
    uint64_t hold_end = now_ns() + uint64_t(opt_.hold * 1e9);
    uint64_t lost_before = 0;
    while (!g_stop && now_ns() < hold_end) poll_once(100);
    for (auto& c : conns_) lost_before += c.state != State::ready;
    // Prove the held connections are alive: one message on each, then wait for the echoes.
    uint64_t verify_start = now_ns();
    for (size_t i = 0; i < conns_.size(); ++i) {
        if (conns_[i].state == State::ready) send_request(conns_[i], int(i));
    }
    uint64_t verify_end = verify_start + uint64_t(opt_.timeout * 1e9) + uint64_t(opt_.conns) * 100000;
    draining_ = true;
    while (now_ns() < verify_end) {
        bool any = false;
        for (auto& c : conns_) any |= c.fd >= 0 && c.outstanding > 0;
        if (!any) break;
        poll_once(10);
    }
    printf("{\"mode\":\"ws-idle\",\"conns\":%d,\"open\":%d,\"open_seconds\":%.3f,\"lost_while_idle\":%llu,"
           "\"echoed_after\":%llu,\"errors\":{\"connect\":%llu,\"closed\":%llu,\"status\":%llu,"
           "\"body\":%llu,\"timeout\":%llu,\"total\":%llu}}\n",
           opt_.conns, open, open_s, (unsigned long long)(lost_before - (opt_.conns - open)),
           (unsigned long long)echoes_, (unsigned long long)err_.connect, (unsigned long long)err_.closed,
           (unsigned long long)err_.status, (unsigned long long)err_.body, (unsigned long long)err_.timeout,
           (unsigned long long)err_.total());
}

void Client::report(double elapsed) {
    std::vector<uint32_t> lat;
    lat.reserve(samples_.size());
    for (auto& s : samples_) lat.push_back(s.lat_ns);
    auto pct = [&](double p) -> double {
        if (lat.empty()) return 0;
        size_t k = std::min(lat.size() - 1, size_t(p / 100.0 * lat.size()));
        std::nth_element(lat.begin(), lat.begin() + k, lat.end());
        return lat[k] / 1000.0;
    };
    double p50 = pct(50), p99 = pct(99), p999 = pct(99.9);
    double mx = lat.empty() ? 0 : *std::max_element(lat.begin(), lat.end()) / 1000.0;
    printf("{\"mode\":\"%s\",\"conns\":%d,\"pipeline\":%d,\"duration_s\":%.3f,\"start_epoch\":%.6f,"
           "\"requests\":%zu,\"rps\":%.1f,\"p50_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,\"max_us\":%.1f,"
           "\"reconnects\":%llu,\"errors\":{\"connect\":%llu,\"closed\":%llu,\"status\":%llu,\"body\":%llu,"
           "\"timeout\":%llu,\"total\":%llu}}\n",
           opt_.mode == Mode::http ? "http" : "ws-echo", opt_.conns, opt_.pipeline, elapsed, start_wall_,
           samples_.size(), samples_.size() / elapsed, p50, p99, p999, mx, (unsigned long long)reconnects_,
           (unsigned long long)err_.connect, (unsigned long long)err_.closed, (unsigned long long)err_.status,
           (unsigned long long)err_.body, (unsigned long long)err_.timeout, (unsigned long long)err_.total());
}

// One row per bucket: seconds since start, requests sent in it, p50/p99/max latency (µs), errors.
void Client::write_timeline() {
    if (opt_.timeline.empty()) return;
    size_t nb = size_t(opt_.duration * 1000 / opt_.bucket_ms) + 1 + size_t(opt_.timeout * 1000 / opt_.bucket_ms);
    std::vector<std::vector<uint32_t>> buckets(nb);
    std::vector<uint32_t> errs(nb);
    for (auto& s : samples_) buckets[std::min(nb - 1, size_t(s.sent_ms / opt_.bucket_ms))].push_back(s.lat_ns);
    for (auto e : error_ms_) errs[std::min(nb - 1, size_t(e / opt_.bucket_ms))]++;
    FILE* f = fopen(opt_.timeline.c_str(), "w");
    fprintf(f, "# t_s requests p50_us p99_us max_us errors\n");
    for (size_t i = 0; i < nb; ++i) {
        auto& b = buckets[i];
        if (b.empty() && !errs[i]) continue;
        std::sort(b.begin(), b.end());
        auto at = [&](double p) { return b.empty() ? 0.0 : b[std::min(b.size() - 1, size_t(p * b.size()))] / 1000.0; };
        fprintf(f, "%.3f %zu %.1f %.1f %.1f %u\n", i * opt_.bucket_ms / 1000.0, b.size(), at(0.5), at(0.99),
                b.empty() ? 0.0 : b.back() / 1000.0, errs[i]);
    }
    fclose(f);
}

int Client::run() {
    build_request();
    ep_ = epoll_create1(0);
    conns_.resize(opt_.conns);
    samples_.reserve(1 << 20);
    start_ = now_ns();
    start_wall_ = wall_now();
    if (opt_.mode == Mode::ws_idle) {
        run_idle();
        return 0;
    }
    run_load();
    double elapsed = std::min((now_ns() - start_) / 1e9, opt_.duration);
    report(elapsed);
    write_timeline();
    return 0;
}

[[noreturn]] void usage() {
    fprintf(stderr,
            "usage: load_client http|ws-echo|ws-idle --port P [--conns N] [--duration S] [--pipeline D]\n"
            "       [--body STR] [--path /] [--timeline FILE] [--bucket-ms 10] [--timeout S]\n"
            "       [--ready-file FILE] [--hold S] [--requests N]\n");
    exit(2);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) usage();
    Options o;
    std::string mode = argv[1];
    if (mode == "http") o.mode = Mode::http;
    else if (mode == "ws-echo") o.mode = Mode::ws_echo;
    else if (mode == "ws-idle") o.mode = Mode::ws_idle;
    else usage();
    for (int i = 2; i + 1 < argc; i += 2) {
        std::string k = argv[i], v = argv[i + 1];
        if (k == "--port") o.port = atoi(v.c_str());
        else if (k == "--conns") o.conns = atoi(v.c_str());
        else if (k == "--duration") o.duration = atof(v.c_str());
        else if (k == "--pipeline") o.pipeline = atoi(v.c_str());
        else if (k == "--body") o.body = v;
        else if (k == "--path") o.path = v;
        else if (k == "--timeline") o.timeline = v;
        else if (k == "--bucket-ms") o.bucket_ms = atoi(v.c_str());
        else if (k == "--timeout") o.timeout = atof(v.c_str());
        else if (k == "--ready-file") o.ready_file = v;
        else if (k == "--hold") o.hold = atof(v.c_str());
        else if (k == "--requests") o.max_requests = strtoull(v.c_str(), nullptr, 10);
        else usage();
    }
    if (o.port <= 0 || o.conns <= 0 || o.body.size() > 125) usage();
    signal(SIGTERM, [](int) { g_stop = 1; });
    signal(SIGINT, [](int) { g_stop = 1; });
    signal(SIGPIPE, SIG_IGN);
    return Client(o).run();
}
