// multipart/form-data parsing over a complete, already-buffered body: the HTTP parser bounds
// the body size, so parts are found with plain searches for "\r\n--boundary".
#include "ringmaster/protocol/multipart_form.h"

#include <stdlib.h>
#include <unistd.h>

#include <cerrno>

#include "ringmaster/protocol/http_field_values.h"

namespace ringmaster::http {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

struct Disposition {
    std::string_view name;
    std::string_view filename;
    bool has_filename = false;
};

// form-data; name="field"; filename="a.txt". Quoted values run to the next unescaped quote.
Disposition parse_disposition(std::string_view v) {
    Disposition d;
    size_t semi = v.find(';');
    while (semi != std::string_view::npos) {
        v.remove_prefix(semi + 1);
        size_t eq = v.find('=');
        if (eq == std::string_view::npos) break;
        std::string_view key = trim(v.substr(0, eq));
        v = v.substr(eq + 1);
        while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
        std::string_view value;
        if (!v.empty() && v.front() == '"') {
            size_t i = 1;
            while (i < v.size() && v[i] != '"') i += v[i] == '\\' ? 2 : 1;
            i = std::min(i, v.size());
            value = v.substr(1, i - 1);
            v.remove_prefix(std::min(i + 1, v.size()));
            semi = v.find(';');
        } else {
            semi = v.find(';');
            value = trim(v.substr(0, semi));
        }
        if (iequals(key, "name")) d.name = value;
        else if (iequals(key, "filename")) d.filename = value, d.has_filename = true;
    }
    return d;
}

// PHP keeps only the last path component of the client's file name.
std::string base_name(std::string_view name) {
    size_t slash = name.find_last_of("/\\");
    return std::string(slash == std::string_view::npos ? name : name.substr(slash + 1));
}

void store_file(UploadedFile& f, std::string_view data, const MultipartOptions& o) {
    f.size = data.size();
    if (data.size() > o.max_file_bytes) {
        f.error = kUploadTooLarge;
        return;
    }
    std::string path = o.tmp_dir + "/ringmaster-upload-XXXXXX";
    int fd = mkstemp(path.data());
    if (fd < 0) {
        f.error = kUploadNoTmpDir;
        return;
    }
    const char* p = data.data();
    size_t left = data.size();
    while (left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        p += n, left -= static_cast<size_t>(n);
    }
    if (close(fd) != 0 || left != 0) {
        unlink(path.c_str());
        f.error = kUploadCantWrite;
        return;
    }
    f.tmp_name = std::move(path);
}

}  // namespace

MultipartForm parse_multipart(std::string_view body, std::string_view boundary,
                              const MultipartOptions& options) {
    MultipartForm form;
    if (boundary.empty() || boundary.size() > 200) {
        form.error = "missing or invalid boundary";
        return form;
    }
    std::string delimiter = "\r\n--";
    delimiter.append(boundary);
    // The first delimiter may open the body (no preceding CRLF) or follow a preamble.
    size_t pos;
    if (body.substr(0, delimiter.size() - 2) == std::string_view(delimiter).substr(2)) {
        pos = delimiter.size() - 2;
    } else {
        pos = body.find(delimiter);
        if (pos == std::string_view::npos) {
            form.error = "no boundary in body";
            return form;
        }
        pos += delimiter.size();
    }
    size_t file_count = 0;
    for (;;) {
        // After a delimiter: "--" closes the body, otherwise padding and CRLF open a part.
        if (body.substr(pos, 2) == "--") return form;
        while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
        if (body.substr(pos, 2) != "\r\n") {
            form.error = "malformed delimiter line";
            return form;
        }
        pos += 2;
        size_t head_end = body.find("\r\n\r\n", pos);
        // A part without headers starts with the blank line right away.
        if (body.substr(pos, 2) == "\r\n") head_end = pos - 2;
        if (head_end == std::string_view::npos) {
            form.error = "unterminated part headers";
            return form;
        }
        std::string_view headers = head_end >= pos ? body.substr(pos, head_end - pos) : std::string_view{};
        size_t data_start = head_end + 4;
        size_t data_end = body.find(delimiter, data_start);
        if (data_end == std::string_view::npos) {
            form.error = "unterminated part";
            return form;
        }
        std::string_view data = body.substr(data_start, data_end - data_start);
        pos = data_end + delimiter.size();

        Disposition disp;
        std::string_view content_type;
        while (!headers.empty()) {
            size_t eol = headers.find("\r\n");
            std::string_view line = headers.substr(0, eol);
            headers = eol == std::string_view::npos ? std::string_view{} : headers.substr(eol + 2);
            size_t colon = line.find(':');
            if (colon == std::string_view::npos) continue;
            std::string_view name = trim(line.substr(0, colon));
            std::string_view value = trim(line.substr(colon + 1));
            if (iequals(name, "content-disposition")) disp = parse_disposition(value);
            else if (iequals(name, "content-type")) content_type = value;
        }
        if (disp.name.empty()) continue;  // PHP ignores parts without a name
        if (!disp.has_filename) {
            form.fields.push_back({disp.name, data});
            continue;
        }
        if (file_count >= options.max_files) continue;
        ++file_count;
        UploadedFile f;
        f.field_name = disp.name;
        f.file_name = base_name(disp.filename);
        f.content_type = content_type;
        if (f.file_name.empty()) f.error = kUploadNoFile;
        else store_file(f, data, options);
        form.files.push_back(std::move(f));
    }
}

void remove_uploaded_files(MultipartForm& form) {
    for (UploadedFile& f : form.files) {
        if (!f.tmp_name.empty()) unlink(f.tmp_name.c_str());
        f.tmp_name.clear();
    }
}

}  // namespace ringmaster::http
