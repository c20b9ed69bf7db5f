// The lazy request helpers: url-encoded pairs, percent-decoding, cookies, Content-Type
// parameters, token lists and multipart/form-data with files on disk.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ringmaster/protocol/http_field_values.h"
#include "ringmaster/protocol/multipart_form.h"
#include "ringmaster/protocol/url_encoded.h"

using namespace ringmaster::http;
using Pairs = std::vector<std::pair<std::string, std::string>>;

namespace {

Pairs pairs_of(std::string_view text) {
    Pairs out;
    for_each_url_encoded(text, [&](std::string_view k, std::string_view v) { out.emplace_back(k, v); });
    return out;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool exists(const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0;
}

// A private temporary directory per test run.
struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/ringmaster-test-XXXXXX";
        path = mkdtemp(tmpl);
    }
    ~TempDir() { rmdir(path.c_str()); }
};

}  // namespace

TEST_CASE("percent-decoding follows urldecode()", "[http][form]") {
    CHECK(url_decode("a%20b+c") == "a b c");
    CHECK(url_decode("a%20b+c", false) == "a b+c");
    CHECK(url_decode("%41%6a%6A") == "Ajj");
    CHECK(url_decode("100%") == "100%");
    CHECK(url_decode("%zz%4") == "%zz%4");
    CHECK(url_decode("%00") == std::string(1, '\0'));
    CHECK(url_decode("%E2%82%AC") == "\xe2\x82\xac");
}

TEST_CASE("url-encoded text gives decoded pairs in order, brackets untouched", "[http][form]") {
    CHECK(pairs_of("a=1&b=x+y&c=%26") == Pairs{{"a", "1"}, {"b", "x y"}, {"c", "&"}});
    CHECK(pairs_of("a[]=1&a[]=2&m[k]=v") == Pairs{{"a[]", "1"}, {"a[]", "2"}, {"m[k]", "v"}});
    CHECK(pairs_of("flag&&=skip&e=") == Pairs{{"flag", ""}, {"e", ""}});
    CHECK(pairs_of("k=a=b") == Pairs{{"k", "a=b"}});
    CHECK(pairs_of("").empty());
}

TEST_CASE("cookies", "[http][form]") {
    Pairs got;
    for_each_cookie("a=1; b = two ; flag; c=\"q\";d=x%20y",
                    [&](std::string_view n, std::string_view v) { got.emplace_back(n, v); });
    CHECK(got == Pairs{{"a", "1"}, {"b", "two"}, {"c", "q"}, {"d", "x%20y"}});
}

TEST_CASE("Content-Type parameters and token lists", "[http][form]") {
    ContentType ct = split_content_type("multipart/form-data; boundary=\"abc;def\"; charset=UTF-8");
    CHECK(ct.mime == "multipart/form-data");
    CHECK(ct.boundary == "abc;def");
    CHECK(ct.charset == "UTF-8");
    ct = split_content_type("text/html;charset=utf-8");
    CHECK(ct.mime == "text/html");
    CHECK(ct.charset == "utf-8");
    CHECK(ct.boundary.empty());
    CHECK(split_content_type("application/json").mime == "application/json");
    CHECK(has_token("keep-alive, Upgrade", "upgrade"));
    CHECK_FALSE(has_token("keep-alive, Upgraded", "upgrade"));
    CHECK_FALSE(has_token("", "upgrade"));
}

TEST_CASE("multipart fields and files, like $_POST and $_FILES", "[http][form]") {
    TempDir dir;
    MultipartOptions opt;
    opt.tmp_dir = dir.path;
    std::string binary("\x00\x01\r\n--not-the-boundary\xff", 24);
    std::string body =
        "preamble\r\n"
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"title\"\r\n\r\n"
        "Hello\r\nworld\r\n"
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"tags[]\"\r\n\r\n"
        "a\r\n"
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"upload\"; filename=\"C:\\dir\\photo.png\"\r\n"
        "Content-Type: image/png\r\n\r\n" +
        binary +
        "\r\n--XyZ\r\n"
        "Content-Disposition: form-data; name=\"empty\"; filename=\"\"\r\n"
        "Content-Type: application/octet-stream\r\n\r\n"
        "\r\n--XyZ--\r\nepilogue";
    MultipartForm form = parse_multipart(body, "XyZ", opt);
    CHECK(form.error.empty());
    REQUIRE(form.fields.size() == 2);
    CHECK(form.fields[0].name == "title");
    CHECK(form.fields[0].value == "Hello\r\nworld");
    CHECK(form.fields[1].name == "tags[]");
    CHECK(form.fields[1].value == "a");
    REQUIRE(form.files.size() == 2);
    const UploadedFile& f = form.files[0];
    CHECK(f.field_name == "upload");
    CHECK(f.file_name == "photo.png");
    CHECK(f.content_type == "image/png");
    CHECK(f.error == kUploadOk);
    CHECK(f.size == binary.size());
    REQUIRE_FALSE(f.tmp_name.empty());
    CHECK(f.tmp_name.rfind(dir.path + "/", 0) == 0);
    CHECK(read_file(f.tmp_name) == binary);
    CHECK(form.files[1].error == kUploadNoFile);
    CHECK(form.files[1].tmp_name.empty());

    std::string tmp = f.tmp_name;
    remove_uploaded_files(form);
    CHECK_FALSE(exists(tmp));
    remove_uploaded_files(form);  // twice is harmless
}

TEST_CASE("multipart limits and failures", "[http][form]") {
    TempDir dir;
    MultipartOptions opt;
    opt.tmp_dir = dir.path;
    opt.max_files = 1;
    opt.max_file_bytes = 3;
    std::string part = "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n\r\n";
    MultipartForm form = parse_multipart(part + "abcd\r\n" + part + "ab\r\n--b--", "b", opt);
    CHECK(form.error.empty());
    REQUIRE(form.files.size() == 1);  // the second file is over max_files
    CHECK(form.files[0].error == kUploadTooLarge);
    CHECK(form.files[0].size == 4);
    CHECK(form.files[0].tmp_name.empty());

    opt.tmp_dir = dir.path + "/missing";
    opt.max_file_bytes = 100;
    form = parse_multipart(part + "ab\r\n--b--", "b", opt);
    REQUIRE(form.files.size() == 1);
    CHECK(form.files[0].error == kUploadNoTmpDir);

    CHECK_FALSE(parse_multipart(part + "never closed", "b").error.empty());
    CHECK_FALSE(parse_multipart("no delimiter", "b").error.empty());
    CHECK_FALSE(parse_multipart("--b\r\nbroken headers", "b").error.empty());
    CHECK_FALSE(parse_multipart("--bjunk", "b").error.empty());
    CHECK_FALSE(parse_multipart(part, "").error.empty());
}
