<?php

/** @generate-class-entries */

namespace Ringmaster\Http;

/**
 * One piece of a chunked response: send a Response with "Transfer-Encoding: chunked" first,
 * then Chunks; an empty Chunk ends the response.
 */
final class Chunk
{
    private string $data = '';

    public function __construct(string $data) {}

    public function data(): string {}
}
