<?php

/** @generate-class-entries */

namespace Ringmaster;

/**
 * An outgoing connection from a worker: tcp://, text://, frame://, unix:// or ws:// (a
 * WebSocket client; onConnect fires once the handshake is done). Data sent before the
 * connection (or the handshake) is complete is queued and delivered in order.
 */
#[\AllowDynamicProperties]
class AsyncTcpConnection extends TcpConnection
{
    /** Called once connected (for ws://, once the WebSocket handshake is done). */
    public mixed $onConnect = null;

    public function __construct(string $remoteAddress, array $contextOption = []) {}

    public function connect(): void {}

    /** Closes the current connection (if any) and connects again after $after seconds. */
    public function reconnect(float $after = 0): void {}
}
