// multipart/form-data bodies (RFC 7578) split into form fields and uploaded files. Files are
// written to mkstemp() files in a given directory and described the way PHP's $_FILES does
// (name, type, size, error, tmp_name); the caller deletes them when the request is done.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ringmaster::http {

// PHP's UPLOAD_ERR_* values.
enum UploadError {
    kUploadOk = 0,
    kUploadTooLarge = 1,  // UPLOAD_ERR_INI_SIZE: larger than max_file_bytes
    kUploadNoFile = 4,    // UPLOAD_ERR_NO_FILE: empty filename
    kUploadNoTmpDir = 6,  // UPLOAD_ERR_NO_TMP_DIR: mkstemp failed
    kUploadCantWrite = 7, // UPLOAD_ERR_CANT_WRITE
};

struct MultipartOptions {
    std::string tmp_dir = "/tmp";
    size_t max_files = 20;                    // PHP's max_file_uploads; extra files are skipped
    size_t max_file_bytes = size_t(-1);       // PHP's upload_max_filesize
};

// Views point into the body given to parse_multipart().
struct FormField {
    std::string_view name;   // as in Content-Disposition, e.g. "a[]" (glue applies PHP rules)
    std::string_view value;
};

struct UploadedFile {
    std::string_view field_name;    // "avatar" or "docs[]"
    std::string file_name;          // client's file name without any directory part
    std::string_view content_type;  // as sent, or empty
    std::string tmp_name;           // path of the temporary copy; empty unless error == 0
    size_t size = 0;
    int error = kUploadOk;
};

struct MultipartForm {
    std::vector<FormField> fields;
    std::vector<UploadedFile> files;
    // Empty when the body was well-formed up to its closing delimiter; otherwise what went
    // wrong (what was parsed before the fault is kept, its files included).
    std::string_view error;
};

MultipartForm parse_multipart(std::string_view body, std::string_view boundary,
                              const MultipartOptions& options = {});

// Unlinks every tmp_name of `form` (call after the request; safe to call twice).
void remove_uploaded_files(MultipartForm& form);

}  // namespace ringmaster::http
