<?php

/** @generate-class-entries */

namespace Ringmaster\Http;

/** An HTTP response for TcpConnection::send() on an http:// Worker. */
class Response
{
    private int $status = 200;
    private string $reason = '';
    private array $headers = [];
    private string $body = '';
    private ?array $file = null;

    public function __construct(int $status = 200, array $headers = [], string $body = '') {}

    public function withStatus(int $code, ?string $reasonPhrase = null): static {}
    /** Replaces the header; an array value sends the header once per element. */
    public function withHeader(string $name, string|array $value): static {}
    public function header(string $name, string|array $value): static {}
    public function withHeaders(array $headers): static {}
    public function withoutHeader(string $name): static {}
    public function withBody(string $body): static {}
    /** Sends the file (or a range of it) as the body, straight from the page cache. */
    public function withFile(string $file, int $offset = 0, int $length = 0): static {}
    public function cookie(string $name, string $value = '', ?int $maxAge = null, string $path = '', string $domain = '', bool $secure = false, bool $httpOnly = false, string $sameSite = ''): static {}
    public function getStatusCode(): int {}
    public function getReasonPhrase(): string {}
    public function getHeader(string $name): string|array|null {}
    public function getHeaders(): array {}
    public function rawBody(): string {}
}
