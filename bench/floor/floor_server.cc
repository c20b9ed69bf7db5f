// The "floor" of the benchmark: about the least work a process can do to answer HTTP/1.1
// keep-alive requests through io_uring. Whatever it costs per request is roughly what the
// kernel costs (TCP, io_uring, scheduling); Ringmaster's cost is reported against it.
//
// One thread, one ring: a multishot accept, a multishot recv per connection into a shared
// provided-buffer ring, and a fixed response per complete request head ("\r\n\r\n").
// Pipelined requests are counted and answered with one send of that many responses.
// It does not parse HTTP: every request is taken to be a bodiless GET.
//
//   g++ -O2 -std=c++20 floor_server.cc -o floor_server -luring && ./floor_server 8080
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr char kResponse[] =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!";
constexpr size_t kResponseLen = sizeof(kResponse) - 1;
constexpr unsigned kBufCount = 4096;  // provided buffers shared by all connections
constexpr unsigned kBufSize = 4096;
constexpr unsigned kBufGroup = 0;
constexpr unsigned kResponsesInBlock = 256;

enum Op : uint64_t { kAccept = 1, kRecv = 2, kSend = 3 };

uint64_t tag(Op op, int fd) { return (uint64_t(fd) << 8) | op; }

struct Conn {
    bool open = false;
    bool recv_armed = false;
    bool send_inflight = false;
    bool closing = false;
    size_t unsent = 0;       // bytes of responses owed, not yet handed to the kernel
    size_t send_offset = 0;  // position within one response where the next send starts
    size_t inflight_len = 0;
    std::string tail;        // start of a request head split across receives
};

struct Server {
    io_uring ring{};
    io_uring_buf_ring* bufs = nullptr;
    char* buf_mem = nullptr;
    int listen_fd = -1;
    std::vector<Conn> conns;
    std::string block;  // kResponsesInBlock copies of the response, sent by offset

    io_uring_sqe* sqe() {
        io_uring_sqe* s = io_uring_get_sqe(&ring);
        if (!s) {
            io_uring_submit(&ring);
            s = io_uring_get_sqe(&ring);
        }
        return s;
    }

    void arm_accept() {
        io_uring_sqe* s = sqe();
        io_uring_prep_multishot_accept(s, listen_fd, nullptr, nullptr, 0);
        io_uring_sqe_set_data64(s, tag(kAccept, listen_fd));
    }

    void arm_recv(int fd) {
        io_uring_sqe* s = sqe();
        io_uring_prep_recv_multishot(s, fd, nullptr, 0, 0);
        s->flags |= IOSQE_BUFFER_SELECT;
        s->buf_group = kBufGroup;
        io_uring_sqe_set_data64(s, tag(kRecv, fd));
        conns[fd].recv_armed = true;
    }

    void give_back(unsigned bid) {
        io_uring_buf_ring_add(bufs, buf_mem + size_t(bid) * kBufSize, kBufSize, bid,
                              io_uring_buf_ring_mask(kBufCount), 0);
        io_uring_buf_ring_advance(bufs, 1);
    }

    void flush(int fd) {
        Conn& c = conns[fd];
        if (c.send_inflight || c.unsent == 0 || c.closing) return;
        size_t len = std::min(c.unsent, block.size() - c.send_offset);
        io_uring_sqe* s = sqe();
        io_uring_prep_send(s, fd, block.data() + c.send_offset, len, MSG_NOSIGNAL);
        io_uring_sqe_set_data64(s, tag(kSend, fd));
        c.send_inflight = true;
        c.inflight_len = len;
    }

    void maybe_close(int fd) {
        Conn& c = conns[fd];
        if (c.open && c.closing && !c.recv_armed && !c.send_inflight) {
            close(fd);
            c = Conn{};
        }
    }

    // Counts complete request heads in `data`, keeping an unfinished one for next time.
    size_t count_requests(Conn& c, const char* data, size_t len) {
        const char* p = data;
        const char* end = data + len;
        size_t n = 0;
        if (!c.tail.empty()) {
            // Rare path: a head was split. Join just enough to finish it.
            size_t old = c.tail.size();
            c.tail.append(data, len);
            size_t at = c.tail.find("\r\n\r\n", old >= 3 ? old - 3 : 0);
            if (at == std::string::npos) return 0;
            n = 1;
            p = data + (at + 4 - old);
            c.tail.clear();
        }
        while (p < end) {
            const char* hit = static_cast<const char*>(memmem(p, end - p, "\r\n\r\n", 4));
            if (!hit) {
                c.tail.assign(p, end - p);
                break;
            }
            ++n;
            p = hit + 4;
        }
        return n;
    }

    void on_recv(int fd, const io_uring_cqe* cqe) {
        Conn& c = conns[fd];
        bool more = cqe->flags & IORING_CQE_F_MORE;
        if (cqe->res > 0) {
            unsigned bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
            size_t n = count_requests(c, buf_mem + size_t(bid) * kBufSize, cqe->res);
            give_back(bid);
            c.unsent += n * kResponseLen;
            flush(fd);
        }
        if (!more) {
            c.recv_armed = false;
            if (cqe->res == -ENOBUFS || (cqe->res > 0 && !c.closing)) {
                arm_recv(fd);  // ran out of buffers, or the kernel ended the multishot
            } else {
                c.closing = true;  // EOF or error
                maybe_close(fd);
            }
        }
    }

    void on_send(int fd, int res) {
        Conn& c = conns[fd];
        c.send_inflight = false;
        if (res < 0) {
            c.closing = true;
            shutdown(fd, SHUT_RDWR);  // ends the multishot recv, then we close
            maybe_close(fd);
            return;
        }
        c.unsent -= res;
        c.send_offset = (c.send_offset + res) % kResponseLen;
        flush(fd);
        maybe_close(fd);
    }

    void on_accept(const io_uring_cqe* cqe) {
        if (cqe->res >= 0) {
            int fd = cqe->res;
            if (size_t(fd) >= conns.size()) conns.resize(fd * 2 + 1);
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
            conns[fd] = Conn{};
            conns[fd].open = true;
            arm_recv(fd);
        }
        if (!(cqe->flags & IORING_CQE_F_MORE)) arm_accept();
    }

    void setup_ring() {
        io_uring_params p{};
        p.flags = getenv("FLOOR_PLAIN") ? 0 : IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
        p.cq_entries = 16384;
        p.flags |= IORING_SETUP_CQSIZE;
        if (io_uring_queue_init_params(4096, &ring, &p) < 0) {
            // Older kernels: no DEFER_TASKRUN / SINGLE_ISSUER.
            p = io_uring_params{};
            p.flags = IORING_SETUP_CQSIZE;
            p.cq_entries = 16384;
            int r = io_uring_queue_init_params(4096, &ring, &p);
            if (r < 0) {
                fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-r));
                exit(1);
            }
        }
        size_t ring_bytes = kBufCount * sizeof(io_uring_buf);
        bufs = static_cast<io_uring_buf_ring*>(mmap(nullptr, ring_bytes, PROT_READ | PROT_WRITE,
                                                    MAP_ANONYMOUS | MAP_PRIVATE, -1, 0));
        buf_mem = static_cast<char*>(malloc(size_t(kBufCount) * kBufSize));
        io_uring_buf_ring_init(bufs);
        io_uring_buf_reg reg{};
        reg.ring_addr = reinterpret_cast<uint64_t>(bufs);
        reg.ring_entries = kBufCount;
        reg.bgid = kBufGroup;
        int r = io_uring_register_buf_ring(&ring, &reg, 0);
        if (r < 0) {
            fprintf(stderr, "io_uring_register_buf_ring: %s\n", strerror(-r));
            exit(1);
        }
        for (unsigned i = 0; i < kBufCount; ++i) {
            io_uring_buf_ring_add(bufs, buf_mem + size_t(i) * kBufSize, kBufSize, i,
                                  io_uring_buf_ring_mask(kBufCount), i);
        }
        io_uring_buf_ring_advance(bufs, kBufCount);
    }

    void listen_on(int port) {
        listen_fd = socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (bind(listen_fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) < 0 ||
            listen(listen_fd, 4096) < 0) {
            perror("bind/listen");
            exit(1);
        }
    }

    void run() {
        // A send starts anywhere within the first copy (send_offset < kResponseLen) and runs on.
        for (unsigned i = 0; i < kResponsesInBlock; ++i) block.append(kResponse, kResponseLen);
        conns.resize(1024);
        arm_accept();
        for (;;) {
            int r = io_uring_submit_and_wait(&ring, 1);
            if (r < 0 && r != -EINTR) {
                fprintf(stderr, "io_uring_submit_and_wait: %s\n", strerror(-r));
                exit(1);
            }
            io_uring_cqe* cqe;
            unsigned head, seen = 0;
            io_uring_for_each_cqe(&ring, head, cqe) {
                ++seen;
                uint64_t d = cqe->user_data;
                int fd = int(d >> 8);
                switch (Op(d & 0xff)) {
                    case kAccept: on_accept(cqe); break;
                    case kRecv: on_recv(fd, cqe); break;
                    case kSend: on_send(fd, cqe->res); break;
                }
            }
            io_uring_cq_advance(&ring, seen);
        }
    }
};

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }
    static Server s;
    s.listen_on(atoi(argv[1]));
    s.setup_ring();
    s.run();
}
