<?php

/** @generate-class-entries */

namespace Ringmaster\Http;

/**
 * An HTTP request as onMessage receives it on an http:// Worker. Parsed natively; the PHP
 * arrays (query, form, cookies, headers, files) are built only when first asked for.
 */
final class Request
{
    private function __construct() {}

    public function method(): string {}
    /** The request-target as sent: path and query string. */
    public function uri(): string {}
    public function path(): string {}
    public function queryString(): string {}
    /** "1.0" or "1.1". */
    public function protocolVersion(): string {}
    /** The Host header, without its port when $withoutPort. */
    public function host(bool $withoutPort = false): ?string {}
    /** Query parameters: all of them, or one ($default when missing). */
    public function get(?string $name = null, mixed $default = null): mixed {}
    /** Form (urlencoded or multipart) or JSON body fields. */
    public function post(?string $name = null, mixed $default = null): mixed {}
    /** Headers by lower-case name; repeated headers are joined with ", ". */
    public function header(?string $name = null, mixed $default = null): mixed {}
    public function cookie(?string $name = null, mixed $default = null): mixed {}
    /** Uploaded files as $_FILES describes them; their temporary files are removed with the request. */
    public function file(?string $name = null): mixed {}
    public function rawBody(): string {}
}
