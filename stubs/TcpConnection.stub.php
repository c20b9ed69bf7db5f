<?php

/** @generate-class-entries */

namespace Ringmaster;

/** A connection accepted by a Worker. */
#[\AllowDynamicProperties]
class TcpConnection
{
    public const STATUS_CONNECTING = 1;
    public const STATUS_ESTABLISHED = 2;
    public const STATUS_CLOSING = 4;
    public const STATUS_CLOSED = 8;
    /** websocket://: send text frames (the default) or binary frames, as in Workerman. */
    public const BINARY_TYPE_BLOB = "\x81";
    public const BINARY_TYPE_ARRAYBUFFER = "\x82";

    public int $id = 0;
    public ?Worker $worker = null;
    public string $protocol = '';
    public int $maxSendBufferSize = 1048576;
    public int $maxPackageSize = 10485760;
    public string $websocketType = "\x81";

    public mixed $onMessage = null;
    public mixed $onClose = null;
    public mixed $onError = null;
    public mixed $onBufferFull = null;
    public mixed $onBufferDrain = null;
    public mixed $onWebSocketConnect = null;
    public mixed $onWebSocketPing = null;
    public mixed $onWebSocketPong = null;

    public static int $defaultMaxSendBufferSize = 1048576;
    public static int $defaultMaxPackageSize = 10485760;

    private function __construct() {}

    /**
     * Sends a message, framed by the connection's protocol unless $raw.
     * Returns true when queued, false when dropped (closed, or send buffer full), null
     * when the connection is still connecting and the data waits for it.
     */
    public function send(mixed $data, bool $raw = false): ?bool {}

    /** Sends $data (if given) and what is queued, then closes. */
    public function close(mixed $data = null, bool $raw = false): void {}

    /** Closes at once, dropping what is queued. */
    public function destroy(): void {}

    public function getRemoteIp(): string {}
    public function getRemotePort(): int {}
    public function getRemoteAddress(): string {}
    public function getLocalIp(): string {}
    public function getLocalPort(): int {}
    public function getLocalAddress(): string {}
    public function pauseRecv(): void {}
    public function resumeRecv(): void {}

    /** Forwards everything received here to $dest, with back-pressure both ways. */
    public function pipe(TcpConnection $dest): void {}

    /** One of the STATUS_* constants, or its name when $asText. */
    public function getStatus(bool $asText = true): int|string {}

    /** Bytes queued for sending. */
    public function getSendBufferQueueSize(): int {}
    /** Bytes received but not yet delivered as a message. */
    public function getRecvBufferQueueSize(): int {}
}
