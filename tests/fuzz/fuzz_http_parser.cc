// libFuzzer harness for the HTTP side: the request parser (whole input vs. split input must
// agree), and the lazy helpers run over whatever the parser accepted.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "ringmaster/protocol/http_field_values.h"
#include "ringmaster/protocol/http_request_parser.h"
#include "ringmaster/protocol/http_response_writer.h"
#include "ringmaster/protocol/multipart_form.h"
#include "ringmaster/protocol/url_encoded.h"
#include "ringmaster/protocol/websocket_handshake.h"

using namespace ringmaster;

namespace {

struct Summary {
    std::vector<std::string> requests;  // target + headers + body, flattened
    int status = 0;
    bool operator==(const Summary&) const = default;
};

std::string flatten(const http::HttpRequest& r) {
    std::string s(r.method());
    s += ' ';
    s += r.target();
    s += r.keep_alive() ? " ka" : " close";
    for (size_t i = 0; i < r.header_count(); ++i) {
        http::HttpHeader h = r.header_at(i);
        s.append("|").append(h.name).append("=").append(h.value);
    }
    s.append("|body=").append(r.body());
    return s;
}

void exercise_helpers(const http::HttpRequest& r) {
    size_t sink = 0;
    http::for_each_url_encoded(r.query(), [&](std::string_view k, std::string_view v) { sink += k.size() + v.size(); });
    http::for_each_url_encoded(r.body(), [&](std::string_view k, std::string_view v) { sink += k.size() + v.size(); });
    http::for_each_cookie(r.header("cookie"), [&](std::string_view k, std::string_view v) { sink += k.size() + v.size(); });
    http::ContentType ct = http::split_content_type(r.header("content-type"));
    http::MultipartOptions opt;
    // Never touch the disk while fuzzing: empty files fail on the missing directory instead.
    opt.max_file_bytes = 0;
    opt.tmp_dir = "/nonexistent/ringmaster-fuzz";
    http::MultipartForm form = http::parse_multipart(r.body(), ct.boundary, opt);
    for (const auto& f : form.fields) sink += f.name.size() + f.value.size();
    for (const auto& f : form.files)
        if (!f.tmp_name.empty()) abort();
    if (r.is_upgrade()) {
        ws::UpgradeCheck c = ws::check_upgrade_request(r);
        std::string resp = c.ok ? ws::accept_response(c.key, c.protocols) : ws::reject_response(c);
        sink += resp.size();
    }
    http::HttpResponseWriter w;
    w.begin(200, r.version_minor());
    for (size_t i = 0; i < r.header_count(); ++i) w.add_header(r.header_at(i).name, r.header_at(i).value);
    std::string_view head = w.finish(r.body().size(), r.keep_alive());
    // Whatever the request held, the head must not contain a stray line break.
    for (size_t i = 0; i < head.size(); ++i)
        if (head[i] == '\n' && (i == 0 || head[i - 1] != '\r')) abort();
    (void)sink;
}

Summary run(std::string_view input, size_t step, const http::HttpLimits& limits, bool helpers) {
    http::HttpRequestParser p(limits);
    Summary s;
    for (size_t i = 0; i < input.size(); i += step) {
        bool ok = p.feed(input.substr(i, step));
        while (p.has_request()) {
            http::HttpRequest r = p.take_request();
            if (helpers) exercise_helpers(r);
            s.requests.push_back(flatten(r));
            p.recycle(std::move(r));
        }
        if (!ok) break;
        if (p.upgraded()) break;
    }
    s.status = p.error().status;
    return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2) return 0;
    // First byte: split size; second: small limits or defaults.
    size_t step = 1 + data[0] % 16;
    http::HttpLimits limits;
    if (data[1] & 1) {
        limits.max_head_bytes = 64 + data[1];
        limits.max_header_count = 1 + data[1] % 8;
        limits.max_body_bytes = data[1];
        limits.max_queued_requests = 1 + data[1] % 4;
    }
    std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);
    Summary whole = run(input, input.size() ? input.size() : 1, limits, true);
    Summary split = run(input, step, limits, false);
    if (!(whole == split)) abort();
    return 0;
}
